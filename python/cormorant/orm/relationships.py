"""relationship(): a link between two mapped classes. It is configured from
the foreign keys on first use (direction, column pairs, the reverse side),
and is the attribute that loads, sets and keeps both sides in step."""

from __future__ import annotations

import re
import typing
from typing import TYPE_CHECKING, Any

from ..exc import AmbiguousForeignKeysError, ArgumentError, InvalidRequestError, NoForeignKeysError
from ..sql.elements import BindParameter, and_
from .attributes import (
    DETACHED,
    LOADERS_KEY,
    NO_VALUE,
    STATE_KEY,
    Mapped,
    QueryableAttribute,
    owning_session,
    record_change,
)
from .base import MANYTOMANY as MANYTOMANY
from .base import MANYTOONE as MANYTOONE
from .base import ONETOMANY as ONETOMANY
from .base import RelationshipDirection
from .collections import (
    InstrumentedList,
    build_collection,
    collection_factory,
    is_relationship_collection,
    members,
    quiet_append,
    quiet_remove,
)
from .decl_dataclass import pop_field_arguments
from .exc import DetachedInstanceError, LoaderStrategyException
from .interfaces import MapperProperty
from .writeonly import (
    DYNAMIC,
    WRITE_ONLY,
    collection_kind,
    set_write_only,
    write_only_value,
)

if TYPE_CHECKING:
    from ..sql.schema import Column, Table
    from .mapper import Mapper

_CASCADES = {"save-update", "merge", "refresh-expire", "expunge", "delete", "delete-orphan"}
_ALL = {"save-update", "merge", "refresh-expire", "expunge", "delete"}
_LAZY = {
    "select",
    "selectin",
    "joined",
    "subquery",
    "raise",
    "raise_on_sql",
    "noload",
    "immediate",
    "dynamic",
    "write_only",
}


class CascadeOptions(frozenset[str]):
    """A relationship's cascade: the set of operations that pass from an
    object to its related ones, with a flag per operation (`save_update`,
    `delete`, `delete_orphan`, ...). Built from "all, delete-orphan" or a list."""

    save_update: bool
    delete: bool
    refresh_expire: bool
    merge: bool
    expunge: bool
    delete_orphan: bool

    def __new__(cls, value_list: Any) -> CascadeOptions:
        if isinstance(value_list, str):
            value_list = value_list.split(",")
        names = {part.strip() for part in value_list if part and part.strip()}
        if "all" in names:
            names = (names - {"all"}) | _ALL
        unknown = names - _CASCADES
        if unknown:
            raise ArgumentError(f"Invalid cascade option(s): {', '.join(sorted(unknown))}")
        options = super().__new__(cls, names)
        for name in _CASCADES:
            setattr(options, name.replace("-", "_"), name in names)
        return options

    def __repr__(self) -> str:
        return f"CascadeOptions({','.join(sorted(self))!r})"


# the attributes of a Relationship that exist once it is configured
_SET_BY_CONFIGURATION = frozenset(
    {"direction", "mapper", "entity", "secondary", "order_by", "pairs", "reverse"}
)


def parse_cascade(text: str) -> CascadeOptions:
    return CascadeOptions(text)


def backref(name: str, **kwargs: Any) -> tuple[str, dict[str, Any]]:
    """relationship(..., backref=backref("name", lazy="joined", ...)): the reverse
    relationship to create on the target class, with the relationship()
    arguments it takes."""
    return name, kwargs


def relationship(
    argument: Any = None,
    secondary: Any = None,
    *,
    back_populates: str | None = None,
    backref: str | tuple[str, dict[str, Any]] | None = None,
    cascade: str = "save-update, merge",
    lazy: str = "select",
    uselist: bool | None = None,
    order_by: Any = False,
    remote_side: Any = None,
    foreign_keys: Any = None,
    post_update: bool = False,
    viewonly: bool = False,
    passive_deletes: bool = False,
    innerjoin: bool = False,
    **kw: Any,
) -> Any:
    """Declares a relationship to another mapped class, as in SQLAlchemy 2.0."""
    dataclass_arguments = pop_field_arguments(kw)
    primaryjoin = kw.pop("primaryjoin", None)
    secondaryjoin = kw.pop("secondaryjoin", None)
    if secondaryjoin is not None and secondary is None:
        raise ArgumentError("relationship(secondaryjoin=) needs secondary=, the association table it joins")
    collection_class = kw.pop("collection_class", None)
    if collection_class is not None and collection_class is not list and lazy in (DYNAMIC, WRITE_ONLY):
        raise ArgumentError(
            f"relationship(lazy={lazy!r}) does not take collection_class: its attribute is "
            "a query-like object, never a loaded collection"
        )
    info, doc = kw.pop("info", None), kw.pop("doc", None)
    kw.pop("overlaps", None)  # silences SQLAlchemy's overlap warnings, which cormorant does not give
    _refuse_relationship_options(kw)
    backref_name, backref_kwargs = (backref, {}) if not isinstance(backref, tuple) else backref
    rel = Relationship(
        argument,
        secondary,
        back_populates=back_populates or backref_name,
        cascade=parse_cascade(cascade),
        lazy="selectin" if lazy in ("subquery", "immediate") else lazy,
        uselist=uselist,
        order_by=order_by,
        remote_side=remote_side,
        foreign_keys=foreign_keys,
        post_update=post_update,
        viewonly=viewonly,
        passive_deletes=passive_deletes,
        innerjoin=innerjoin,
        creates_backref=backref is not None,
        collection_class=collection_class,
        backref_kwargs=backref_kwargs,
        primaryjoin=primaryjoin,
        secondaryjoin=secondaryjoin,
        info=info,
        doc=doc,
    )
    rel.dataclass_arguments = dataclass_arguments
    return rel


# relationship() arguments of SQLAlchemy's that cormorant does not implement, with
# their defaults: accepted at the default, refused by name otherwise
_UNSUPPORTED_DEFAULTS: dict[str, Any] = {
    "single_parent": False,
    "passive_updates": True,
    "join_depth": None,
    "comparator_factory": None,
    "distinct_target_key": None,
    "enable_typechecks": True,
    "active_history": False,
    "bake_queries": True,
    "cascade_backrefs": False,
    "omit_join": None,
    "query_class": None,
    "load_on_pending": False,
    "sync_backref": None,
}


def _refuse_relationship_options(kw: dict[str, Any]) -> None:
    from ..util.options import refuse_unsupported

    unknown = sorted(set(kw) - set(_UNSUPPORTED_DEFAULTS) - {"collection_class"})
    if unknown:
        raise TypeError(f"relationship() got an unexpected keyword argument {unknown[0]!r}")
    refuse_unsupported(
        "relationship()", {k: v for k, v in kw.items() if k in _UNSUPPORTED_DEFAULTS}, _UNSUPPORTED_DEFAULTS
    )


def dynamic_loader(argument: Any = None, **kw: Any) -> Any:
    """relationship(argument, lazy="dynamic", ...): the attribute is an AppenderQuery."""
    return relationship(argument, lazy="dynamic", **kw)


class RelationshipProperty(MapperProperty[Any]):
    """A relationship between two mapped classes, as Mapper.relationships and
    Mapper.attrs list it: `direction`, `mapper` (the target), `secondary`,
    `cascade`, `uselist`, `back_populates`. relationship() makes them."""

    __slots__ = ()

    direction: RelationshipDirection


class Relationship(RelationshipProperty, Mapped[Any], QueryableAttribute[Any]):
    """A configured relationship; on the class it is User.posts, on an instance the related object(s)."""

    #: init/repr/default/default_factory/compare/kw_only/hash given to relationship(), for a dataclass mapping.
    dataclass_arguments: dict[str, Any] = {}  # noqa: RUF012 - replaced, never mutated
    _has_events = False  # attribute event listeners exist (orm/events.py)

    def __init__(self, argument: Any, secondary: Any, **options: Any) -> None:
        self.argument = argument
        self.secondary_argument = secondary
        self.options = options
        self.back_populates: str | None = options["back_populates"]
        self.cascade: frozenset[str] = options["cascade"]
        self.lazy: str = options["lazy"]
        self.post_update: bool = options["post_update"]
        self.viewonly: bool = options["viewonly"]
        self.passive_deletes: bool = options["passive_deletes"]
        self.innerjoin: bool = options["innerjoin"]
        self.key = ""
        self.parent: Mapper = None  # type: ignore[assignment]
        self.uselist: bool | None = options["uselist"]
        self.doc: str | None = options.get("doc")
        if options.get("info"):
            self.info.update(options["info"])
        self._annotation: Any = None
        self._annotated_collection: Any = None  # set (or dict) from Mapped[set[X]] / Mapped[dict[K, X]]
        self._configured = False
        self.collection_class: Any = options.get("collection_class")
        # The native loader fills Python lists: another collection class is
        # filled as a list, then converted once the rows are in.
        self._load_collection: Any = None
        self._collection_factory: Any = None

    # --- declaration -----------------------------------------------------------------------

    def _copy(self) -> Relationship:
        return Relationship(self.argument, self.secondary_argument, **self.options)

    def _declare(self, key: str, parent: Mapper, annotation: Any) -> None:
        self.key = key
        self.parent = parent
        self.class_ = parent.class_
        self._annotation = annotation
        kind = collection_kind(annotation)
        if kind is not None and self.lazy == "select":
            self.lazy = kind
        if self.lazy in (WRITE_ONLY, DYNAMIC):
            self.uselist = True

    # a primaryjoin pairs columns no ForeignKey links: the flush orders their rows itself
    extra_pairs_without_fk = False

    # --- configuration from foreign keys ----------------------------------------------------

    def _ensure(self) -> Relationship:
        if not self._configured:
            self._configure()
        return self

    def __getattr__(self, name: str) -> Any:
        """What configuration sets (direction, mapper...), read before it ran: configures first."""
        d = self.__dict__
        if name in _SET_BY_CONFIGURATION and d.get("parent") is not None and not d.get("_configuring"):
            d["_configuring"] = True
            try:
                self._ensure()
            finally:
                d["_configuring"] = False
            return d[name] if name in d else object.__getattribute__(self, name)
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    def _configure(self) -> None:
        if self.lazy not in _LAZY:
            raise LoaderStrategyException(type(self), self, None, None, (("lazy", self.lazy),))
        target, annotated_list = self._target_from_annotation()
        self.mapper: Mapper = _resolve_class(
            self.parent, self.argument if self.argument is not None else target
        )
        self.entity = self.mapper.class_
        if self.uselist is None:
            self.uselist = annotated_list if annotated_list is not None else None
        self.secondary: Table | None = _resolve_secondary(self.parent, self.secondary_argument)
        # criteria of a primaryjoin beyond its column pairs: every load and join carries them
        self.extra_criteria: list[Any] = []
        if self.secondary is not None:
            self._configure_secondary()
        else:
            self._configure_direct()
        if self.uselist is None:
            self.uselist = self.direction != MANYTOONE
        self._configure_collection_class()
        self.order_by = _resolve_order_by(self.parent, self.options["order_by"])
        # The owner's columns whose values select the related rows, and the
        # columns (of the target, or of the association table) they match.
        if self.direction == MANYTOONE:
            self.owner_columns = [many for _, many in self.pairs]
            self.related_columns = [one for one, _ in self.pairs]
        elif self.direction == ONETOMANY:
            self.owner_columns = [one for one, _ in self.pairs]
            self.related_columns = [many for _, many in self.pairs]
        else:
            self.owner_columns = [col for col, _ in self.local_pairs]
            self.related_columns = [sec for _, sec in self.local_pairs]
        self.owner_keys = [self.parent.column_keys[c] for c in self.owner_columns]
        self._configured = True
        self.reverse: Relationship | None = None
        if self.back_populates:
            reverse = self.mapper.relationships.get(self.back_populates)
            if reverse is None:
                if not self.options["creates_backref"]:
                    raise ArgumentError(
                        f"back_populates on relationship '{self}' names '{self.back_populates}', "
                        f"which is not a relationship of {self.entity.__name__}"
                    )
                reverse = _make_backref(self)
            self.reverse = reverse._ensure()
        self._lazy_statement = _lazy_statement(self)

    def _configure_collection_class(self) -> None:
        """The class of this relationship's collections, from collection_class=
        or a Mapped[set[X]] annotation; list keeps the fast path."""
        given = self.collection_class
        if given is None:
            if self._annotated_collection is dict:
                raise ArgumentError(
                    f"relationship {self} is annotated as a dict: give it collection_class= "
                    "(attribute_keyed_dict(), column_keyed_dict() or keyfunc_mapping())"
                )
            given = self._annotated_collection or list
        self.collection_class = given
        if self.lazy in (WRITE_ONLY, DYNAMIC) and self.options.get("collection_class") not in (None, list):
            raise ArgumentError(
                f"relationship {self} (lazy={self.lazy!r}) does not take collection_class: its attribute is "
                "a query-like object, never a loaded collection"
            )
        if given is list or not self.uselist or self.lazy in (WRITE_ONLY, DYNAMIC):
            return
        self._collection_factory = collection_factory(given)
        self._load_collection = _loading_list
        if type(self).new_collection is Relationship.new_collection:  # @validates: its own, which delegates
            self.new_collection = self._new_instrumented_collection  # type: ignore[method-assign]

    def _target_from_annotation(self) -> tuple[Any, bool | None]:
        annotation = self._annotation
        if annotation is None:
            return None, None
        if isinstance(annotation, str):
            target, listed, self._annotated_collection = _parse_annotation(annotation)
            return target, listed
        origin = typing.get_origin(annotation)
        if isinstance(origin, type) and issubclass(origin, Mapped):  # also WriteOnlyMapped, DynamicMapped
            annotation = typing.get_args(annotation)[0]
        is_list: bool | None = False
        origin = typing.get_origin(annotation)
        if origin in (set, typing.Set, dict, typing.Dict):  # noqa: UP006
            self._annotated_collection = dict if origin in (dict, typing.Dict) else set  # noqa: UP006
        if origin in (dict, typing.Dict):  # noqa: UP006
            is_list = True
            annotation = typing.get_args(annotation)[-1]
        elif origin in (list, set, tuple, typing.List, typing.Set) or (  # noqa: UP006
            origin is not None and getattr(origin, "__name__", "") in ("Sequence", "MutableSequence", "List")
        ):
            is_list = True
            annotation = typing.get_args(annotation)[0]
        elif origin is typing.Union or type(annotation).__name__ == "UnionType":
            annotation = next(a for a in typing.get_args(annotation) if a is not type(None))
        if isinstance(annotation, typing.ForwardRef):
            annotation = annotation.__forward_arg__
        if isinstance(annotation, str):
            target, nested_list, nested_collection = _parse_annotation(annotation)
            self._annotated_collection = self._annotated_collection or nested_collection
            return target, is_list or nested_list
        return annotation, is_list

    def _configure_direct(self) -> None:
        parent_table, target_table = self.parent.table, self.mapper.table
        if self.options.get("primaryjoin") is not None:
            self._configure_primaryjoin()
            return
        given = _resolve_columns(self.parent, self.options["foreign_keys"])
        child_side = [p for p in _fk_pairs(target_table, parent_table) if not given or _among(p[1], given)]
        parent_side = [p for p in _fk_pairs(parent_table, target_table) if not given or _among(p[1], given)]
        if parent_table is target_table:
            remote = _resolve_columns(self.parent, self.options["remote_side"])
            pairs = child_side
            many_to_one = bool(remote) and all(any(one is r for one, _ in pairs) for r in remote)
            self.direction = MANYTOONE if many_to_one else ONETOMANY
        elif child_side and parent_side:
            raise AmbiguousForeignKeysError(
                f"Could not determine join condition between parent/child tables on relationship {self} - "
                "there are foreign key paths in both directions; specify the 'foreign_keys' argument"
            )
        elif child_side:
            self.direction, pairs = ONETOMANY, child_side
        elif parent_side:
            self.direction, pairs = MANYTOONE, parent_side
        else:
            raise NoForeignKeysError(
                f"Could not determine join condition between parent/child tables on relationship {self} - "
                f"there are no foreign keys linking '{parent_table.name}' and '{target_table.name}'. "
                "Ensure that referencing columns are associated with a ForeignKey or ForeignKeyConstraint, "
                "or specify a 'primaryjoin' expression."
            )
        if len({id(many.table) for _, many in pairs}) == 1 and len(pairs) > len(
            {fk_target for fk_target, _ in pairs}
        ):
            raise AmbiguousForeignKeysError(
                f"Could not determine join condition between parent/child tables on relationship {self} - "
                "there are multiple foreign key paths linking the tables; specify the 'foreign_keys' argument"
            )
        self._set_pairs(pairs)

    def _set_pairs(self, pairs: list[tuple[Column[Any], Column[Any]]]) -> None:
        # (column on the referenced "one" side, foreign key column on the "many" side)
        self.pairs: list[tuple[Column[Any], Column[Any]]] = pairs
        self.one_mapper = self.parent if self.direction == ONETOMANY else self.mapper
        self.many_mapper = self.mapper if self.direction == ONETOMANY else self.parent
        one_keys, many_keys = self.one_mapper.column_keys, self.many_mapper.column_keys
        # (attribute on the referenced object, foreign key attribute on the referencing one)
        self.sync_keys = [(one_keys[one], many_keys[many]) for one, many in pairs]
        one_columns = [one for one, _ in pairs]
        self.references_primary_key = (
            not self.extra_criteria
            and len(one_columns) == len(self.mapper.primary_key)
            and all(a is b for a, b in zip(one_columns, self.mapper.primary_key))
        )

    def _configure_primaryjoin(self) -> None:
        """The column pairs and direction from a primaryjoin: in each `a == b`
        of its AND, the foreign() column (else the one given in foreign_keys=,
        else the one with a ForeignKey to the other) is the referencing side;
        every other term is an extra criterion."""
        condition = _evaluate_join(self.parent, self.options["primaryjoin"])
        given = _resolve_columns(self.parent, self.options["foreign_keys"])
        remote_given = _resolve_columns(self.parent, self.options["remote_side"])
        pairs: list[tuple[Column[Any], Column[Any]]] = []
        remote: list[Column[Any]] = list(remote_given)
        for term in _and_terms(condition):
            sides = _equated_columns(term)
            if sides is None:
                self.extra_criteria.append(term)
                continue
            (a, a_marks), (b, b_marks) = sides
            if not remote_given:
                remote += [col for col, marks in sides if marks.remote]
            many = _foreign_side(a, a_marks, b, b_marks, given)
            if many is None:
                raise ArgumentError(
                    f"Could not locate any relevant foreign key columns for primary join condition "
                    f"'{term}' on relationship {self}.  Ensure that referencing columns are associated "
                    "with a ForeignKey or ForeignKeyConstraint, or are annotated in the join condition "
                    "with the foreign() annotation."
                )
            pairs.append((b, a) if many is a else (a, b))
        if not pairs:
            raise ArgumentError(
                f"Relationship {self} could not determine any unambiguous local/remote column pairs "
                "based on join condition and remote_side arguments; the primaryjoin equates no two columns"
            )
        self.direction = self._primaryjoin_direction(pairs, remote)
        self._set_pairs(pairs)
        self.extra_pairs_without_fk = any(
            not any(fk.column is one for fk in many.foreign_keys) for one, many in pairs
        )

    def _primaryjoin_direction(
        self, pairs: list[tuple[Column[Any], Column[Any]]], remote: list[Column[Any]]
    ) -> RelationshipDirection:
        parent_table, target_table = self.parent.table, self.mapper.table
        many_tables = {id(many.table) for _, many in pairs}
        if parent_table is not target_table:
            if many_tables == {id(target_table)}:
                return ONETOMANY
            if many_tables == {id(parent_table)}:
                return MANYTOONE
            raise ArgumentError(
                f"relationship {self}: the foreign() columns of its primaryjoin are on both sides"
            )
        if remote and all(any(many is r for r in remote) for _, many in pairs):
            return ONETOMANY
        if remote and all(any(one is r for r in remote) for one, _ in pairs):
            return MANYTOONE
        return ONETOMANY

    def _configure_secondary(self) -> None:
        assert self.secondary is not None
        self.direction = MANYTOMANY
        self.local_pairs = self._secondary_pairs("primaryjoin", self.parent.table)
        self.remote_pairs = self._secondary_pairs("secondaryjoin", self.mapper.table)
        if not self.local_pairs or not self.remote_pairs:
            raise NoForeignKeysError(
                f"Could not determine join condition on relationship {self}: table "
                f"'{self.secondary.name}' needs foreign keys to both '{self.parent.table.name}' and "
                f"'{self.mapper.table.name}'"
            )
        self.pairs = []
        self.references_primary_key = False

    def _secondary_pairs(self, option: str, table: Table) -> list[tuple[Column[Any], Column[Any]]]:
        """(column of `table`, column of the association table) pairs: from the
        association table's foreign keys to `table`, or from the `option` join
        condition (primaryjoin for the parent's side, secondaryjoin for the target's)."""
        assert self.secondary is not None
        if self.options.get(option) is None:
            return _fk_pairs(self.secondary, table)
        pairs = []
        for term in _and_terms(_evaluate_join(self.parent, self.options[option])):
            sides = _equated_columns(term)
            if sides is None:
                raise NotImplementedError(
                    f"relationship {self}: the {option} term '{term}' is not a column equality; "
                    "criteria beyond the association table's column pairs are not supported"
                )
            (a, _), (b, _) = sides
            if b.table is self.secondary and a.table is not self.secondary:
                pairs.append((a, b))
            elif a.table is self.secondary and b.table is not self.secondary:
                pairs.append((b, a))
            else:
                raise ArgumentError(
                    f"relationship {self}: each {option} term must equate a column of "
                    f"'{self.secondary.name}' with one of '{table.name}'"
                )
        return pairs

    # --- SQL -----------------------------------------------------------------------------

    def _join_target(self) -> list[tuple[Any, Any]]:
        """What select().join(User.posts) adds: the target, or the association table then the target."""
        return self._join_target_of(self._ensure().mapper)

    def _join_target_into(self, target: Any) -> list[tuple[Any, Any]]:
        """What select().join(Target, Parent.rel) adds when Target is an alias
        of the related table (aliased()): the same join, onto the alias."""
        rel = self._ensure()
        if target is rel.mapper.selectable:
            return rel._join_target()
        if rel.direction == MANYTOMANY:
            return [
                (rel.secondary, and_(*(col == sec for sec, col in rel.local_pairs))),
                (target, and_(*(_side(target, col) == sec for sec, col in rel.remote_pairs))),
            ]
        return [(target, rel.join_condition(target=target))]

    def _join_target_of(self, target: Mapper) -> list[tuple[Any, Any]]:
        """The FROM items of a join to `target` (the related class, or one of
        its subclasses): its tables, on the relationship's condition and, for a
        single-table inheritance subclass, its discriminator test."""
        narrowing = [] if target.single_criterion is None else [target.single_criterion]
        if self.direction == MANYTOMANY:
            return [
                (self.secondary, and_(*(col == sec for sec, col in self.local_pairs))),
                (target.selectable, and_(*(col == sec for sec, col in self.remote_pairs), *narrowing)),
            ]
        return [(target.selectable, and_(self.join_condition(), *narrowing))]

    def join_condition(self, parent: Any = None, target: Any = None) -> Any:
        """parent = target ON clause; `parent`/`target` are aliases to use instead of the tables."""
        extra = [_on_target(c, self.mapper.table, target) for c in self.extra_criteria]
        if self.direction == ONETOMANY:
            return and_(*(_side(parent, one) == _side(target, many) for one, many in self.pairs), *extra)
        return and_(*(_side(target, one) == _side(parent, many) for one, many in self.pairs), *extra)

    # --- SQLAlchemy's description of the configured relationship --------------------------------

    @property
    def local_remote_pairs(self) -> list[tuple[Column[Any], Column[Any]]]:
        """(column of the parent's rows, column it matches on the other side) per column pair."""
        rel = self._ensure()
        if rel.direction == MANYTOMANY:
            return [*rel.local_pairs, *rel.remote_pairs]
        if rel.direction == ONETOMANY:
            return list(rel.pairs)
        return [(many, one) for one, many in rel.pairs]

    @property
    def local_columns(self) -> set[Column[Any]]:
        return {local for local, _ in self._local_side_pairs()}

    @property
    def remote_side(self) -> set[Column[Any]]:
        """The columns of the other side's rows (the association table's, for many-to-many)."""
        return {remote for _, remote in self._local_side_pairs()}

    def _local_side_pairs(self) -> list[tuple[Column[Any], Column[Any]]]:
        rel = self._ensure()
        return list(rel.local_pairs) if rel.direction == MANYTOMANY else rel.local_remote_pairs

    @property
    def target(self) -> Any:
        """The table the related class is mapped to."""
        return self._ensure().mapper.local_table

    @property
    def primaryjoin(self) -> Any:
        """The join condition between the parent's table and the target's (or the association table)."""
        rel = self._ensure()
        if rel.direction == MANYTOMANY:
            return and_(*(col == sec for col, sec in rel.local_pairs))
        return rel.join_condition()

    @property
    def secondaryjoin(self) -> Any:
        """The join condition between the association table and the target's (None without one)."""
        rel = self._ensure()
        if rel.direction != MANYTOMANY:
            return None
        return and_(*(col == sec for col, sec in rel.remote_pairs))

    @property
    def is_collection(self) -> bool:
        return bool(self._ensure().uselist)

    @property
    def _filter_by_entity(self) -> type:
        """What select().join(rel).filter_by() names attributes of."""
        return self._ensure().entity

    def of_type(self, entity: Any) -> RelationshipWithCriteria:
        """This relationship to a subclass of its target (or a with_polymorphic()
        of it): joined, the join reaches the subclass's tables; in a loader
        option, the related objects load with the subclass's columns."""
        return RelationshipWithCriteria(self, (), entity)

    # --- instance access -------------------------------------------------------------------

    def __get__(self, instance: Any, owner: Any) -> Any:
        if instance is None:
            return self
        try:
            return instance.__dict__[self.key]
        except KeyError:
            return self._load(instance)

    def _load(self, instance: Any) -> Any:
        from .loading import lazy_load

        self._ensure()
        if self.lazy == WRITE_ONLY:
            return write_only_value(self, instance)
        if self.lazy == DYNAMIC:
            from .dynamic import dynamic_value  # a Query: imported when first used

            return dynamic_value(self, instance)
        d = instance.__dict__
        state = d.get(STATE_KEY)
        if state is None or state.key is None:  # transient or pending: nothing to load yet
            if self.uselist:
                collection = d[self.key] = self.new_collection(instance)
                return collection
            return None
        strategy = self.lazy
        overrides = d.get(LOADERS_KEY)
        if overrides:
            strategy = overrides.get(self.key, strategy)
        if strategy == "noload":
            value = d[self.key] = self.new_collection(instance) if self.uselist else None
            return value
        if strategy == "raise":
            raise InvalidRequestError(f"'{self}' is not available due to lazy='raise'")
        session = owning_session(state)
        if session is None or state.status == DETACHED:
            raise DetachedInstanceError(
                f"Parent instance {type(instance).__name__} is not bound to a Session; lazy load operation "
                f"of attribute '{self.key}' cannot proceed"
            )
        value = lazy_load(session, self, instance, raise_on_sql=strategy == "raise_on_sql")
        d[self.key] = value
        return value

    def new_collection(self, owner: Any, items: Any = ()) -> Any:
        # A relationship with another collection class shadows this with
        # _new_instrumented_collection once configured: lists pay no test.
        return InstrumentedList(items, owner=owner, relationship=self)

    def _new_instrumented_collection(self, owner: Any, items: Any = ()) -> Any:
        return build_collection(self._collection_factory, owner, self, items)

    def collection_maker(self) -> Any:
        """What the native loader calls with an owner to get the list it fills."""
        return self._load_collection or self.new_collection

    def _converted(self, owner: Any) -> None:
        """Turns the list a load filled into this relationship's collection class."""
        d = owner.__dict__
        loaded = d.get(self.key)
        if type(loaded) is list:
            d[self.key] = self.new_collection(owner, loaded)

    def _members_given(self, value: Any) -> Any:
        """The objects assigned to the collection, refusing a value of another kind (a list for a set)."""
        if self._collection_factory is None:
            return value
        if is_relationship_collection(value):
            return members(value)
        sample = self.new_collection(None)
        if isinstance(sample, dict):
            if not isinstance(value, dict):
                raise TypeError(f"Incompatible collection type: {type(value).__name__} is not dict-like")
            return list(value.values())
        if isinstance(sample, (set, frozenset)) and not isinstance(value, (set, frozenset)):
            raise TypeError(f"Incompatible collection type: {type(value).__name__} is not set-like")
        return value

    def __set__(self, instance: Any, value: Any) -> None:
        self._ensure()
        if self.lazy == WRITE_ONLY:
            set_write_only(self, instance, value)
        elif self.lazy == DYNAMIC:
            from .dynamic import set_dynamic

            set_dynamic(self, instance, value)
        elif self.uselist:
            self._replace_collection(instance, value)
        else:
            self._set_scalar(instance, value)

    def __delete__(self, instance: Any) -> None:
        if not self._ensure().uselist:
            self.__set__(instance, None)
        else:
            self.__set__(instance, [] if self._collection_factory is None else self.new_collection(None))

    def _set_scalar(self, instance: Any, value: Any) -> None:
        d = instance.__dict__
        old = d.get(self.key, NO_VALUE)
        if old is NO_VALUE and self.reverse is not None:
            old = self._current(instance)  # the old parent's collection must drop `instance`
        if self._has_events:
            from .events import fire_set

            value = fire_set(self, instance, value, old)
        if old is value:
            return
        record_change(instance, self.key, old)
        d[self.key] = value
        reverse = self.reverse
        if reverse is not None:
            if old is not NO_VALUE and old is not None:
                reverse._quiet_remove(old, instance)
            if value is not None:
                reverse._quiet_add(value, instance)
        if value is not None:
            cascade_add(instance, self, value)

    def _replace_collection(self, instance: Any, value: Any) -> None:
        d = instance.__dict__
        state = d.get(STATE_KEY)
        old = d.get(self.key)
        if old is None and state is not None and state.key is not None:
            old = self.__get__(instance, type(instance))  # the members being replaced
        old_items = members(old)[:] if old is not None else []
        value = self._members_given(value)
        record_change(instance, self.key, old if old is not None else NO_VALUE, collection=True)
        new = self.new_collection(instance, value)
        d[self.key] = new
        new_items = members(new)
        new_ids = {id(o) for o in new_items}
        old_ids = {id(o) for o in old_items}
        for item in old_items:
            if id(item) not in new_ids:
                self._attribute_event("remove", instance, item)
                self._removed(instance, item)
        for item in new_items:
            if id(item) not in old_ids:
                self._attribute_event("append", instance, item)
                self._appended(instance, item)

    # --- collection events and the reverse side -----------------------------------------------

    def _appended(self, owner: Any, item: Any) -> None:
        """`item` joined owner's collection: the reverse side and the session follow
        (None has neither; flush() refuses it)."""
        if item is None:
            return
        reverse = self.reverse
        if reverse is not None:
            if reverse.uselist:
                reverse._quiet_add(item, owner)
            else:
                current = item.__dict__.get(reverse.key, NO_VALUE)
                if current is NO_VALUE:
                    current = reverse._current(item)
                if current is not owner:
                    record_change(item, reverse.key, current)
                    item.__dict__[reverse.key] = owner
                    reverse._attribute_event("set", item, owner, current)
                    if current is not NO_VALUE and current is not None:
                        self._quiet_remove(current, item)
        cascade_add(owner, self, item)

    def _removed(self, owner: Any, item: Any) -> None:
        reverse = self.reverse
        if reverse is None:
            return
        if reverse.uselist:
            reverse._quiet_remove(item, owner)
        else:
            current = item.__dict__.get(reverse.key, NO_VALUE)
            if current is owner or current is NO_VALUE:
                record_change(item, reverse.key, owner)
                item.__dict__[reverse.key] = None
                reverse._attribute_event("set", item, None, owner)

    def _current(self, instance: Any) -> Any:
        """The loaded value of a persistent object's attribute (None otherwise), without autoflush."""
        state = instance.__dict__.get(STATE_KEY)
        if state is None or state.key is None:
            return NO_VALUE
        session = owning_session(state)
        if session is None:
            return NO_VALUE
        with session.no_autoflush:
            return self.__get__(instance, type(instance))

    def _quiet_add(self, owner: Any, item: Any) -> None:
        """Reflects the other side's change on `owner`, firing no further events.
        An unloaded collection of a persistent owner is left to load later;
        a write-only one learns it from the foreign key the flush writes."""
        if self.lazy in (WRITE_ONLY, DYNAMIC):
            return
        d = owner.__dict__
        if not self.uselist:
            current = d.get(self.key, NO_VALUE)
            if current is not item:
                record_change(owner, self.key, current)
                d[self.key] = item
                self._attribute_event("set", owner, item, current)
            return
        collection = d.get(self.key)
        if collection is None:
            state = d.get(STATE_KEY)
            if state is not None and state.key is not None:
                self._attribute_event("append", owner, item)
                return
            collection = d[self.key] = self.new_collection(owner)
        record_change(owner, self.key, collection, collection=True)
        if isinstance(collection, list):
            list.append(collection, item)
        else:
            quiet_append(collection, item)
        self._attribute_event("append", owner, item)

    def _attribute_event(self, op: str, owner: Any, value: Any, old: Any = NO_VALUE) -> None:
        """Fires `op` to this attribute's listeners, for changes made through
        the other side too (as SQLAlchemy's backrefs do)."""
        if not self._has_events:
            return
        from . import events

        if op == "set":
            events.fire_set(self, owner, value, old)
        elif op == "append":
            events.fire_append(self, owner, value)
        else:
            events.fire_remove(self, owner, value)

    def _quiet_remove(self, owner: Any, item: Any) -> None:
        if self.lazy in (WRITE_ONLY, DYNAMIC):
            return
        d = owner.__dict__
        if not self.uselist:
            if d.get(self.key) is item:
                record_change(owner, self.key, item)
                d[self.key] = None
                self._attribute_event("set", owner, None, item)
            return
        collection = d.get(self.key)
        if collection is None:
            return
        if not isinstance(collection, list):
            if any(member is item for member in members(collection)):
                record_change(owner, self.key, collection, collection=True)
                quiet_remove(collection, item)
                self._attribute_event("remove", owner, item)
            return
        for i, member in enumerate(collection):
            if member is item:
                record_change(owner, self.key, collection, collection=True)
                list.__delitem__(collection, i)
                self._attribute_event("remove", owner, item)
                return

    # --- comparisons --------------------------------------------------------------------------

    def any(self, criterion: Any = None, **kwargs: Any) -> Any:
        """EXISTS (a related row [matching criterion]), for one-to-many and many-to-many."""
        from ..sql.selectable import select

        self._ensure()
        related = select(1).select_from(self.mapper.table)
        if self.direction == MANYTOMANY:
            assert self.secondary is not None
            related = (
                select(1)
                .select_from(self.secondary)
                .join(self.mapper.table, and_(*(c == s for s, c in self.remote_pairs)))
            )
            related = related.where(*(c == s for s, c in self.local_pairs))
        else:
            related = related.where(self.join_condition())
        if criterion is not None:
            related = related.where(criterion)
        related = related.where(*(getattr(self.entity, k) == v for k, v in kwargs.items()))
        return related.correlate(self.parent.table).exists()

    has = any

    def __eq__(self, other: Any) -> Any:
        self._ensure()
        if self.direction != MANYTOONE:
            raise InvalidRequestError(
                f"Can't compare a collection to an object; use {self}.contains() or any()"
            )
        if other is None:
            return and_(*(many.is_(None) for _, many in self.pairs))
        return and_(*(many == getattr(other, self.mapper.column_keys[one]) for one, many in self.pairs))

    def __ne__(self, other: Any) -> Any:
        self._ensure()
        if other is None:
            return and_(*(many.is_not(None) for _, many in self.pairs))
        return ~self.__eq__(other)

    def contains(self, other: Any) -> Any:
        """The criterion "this collection holds `other`", on the parent's rows."""
        self._ensure()
        if not self.uselist:
            raise InvalidRequestError(f"'contains' applies to collections; use {self} == obj")
        target = self.mapper
        if self.direction == MANYTOMANY:
            return and_(
                *(col == sec for col, sec in self.local_pairs),
                *(sec == getattr(other, target.column_keys[col]) for col, sec in self.remote_pairs),
            )
        return and_(*(one == getattr(other, target.column_keys[many]) for one, many in self.pairs))

    def related_criteria(self, instance: Any) -> list[Any]:
        """The criteria selecting the objects related to `instance`, as its lazy load filters them."""
        self._ensure()
        values = [getattr(instance, key) for key in self.owner_keys]
        criteria = [col == value for col, value in zip(self.related_columns, values)]
        if self.direction == MANYTOMANY:
            criteria += [col == sec for col, sec in self.remote_pairs]
        return [*criteria, *self.extra_criteria]

    def and_(self, *criteria: Any) -> RelationshipWithCriteria:
        """This relationship with extra ON criteria, for a join: `join(Dept.staff.and_(Emp.salary > 500))`."""
        return RelationshipWithCriteria(self, criteria)

    __hash__ = object.__hash__

    def __repr__(self) -> str:
        return f"{self.class_.__name__}.{self.key}" if self.key else "<relationship>"

    @property
    def property(self) -> Relationship:  # last: the name shadows the builtin in this class body
        return self


class RelationshipWithCriteria:
    """A relationship narrowed by `.and_(criteria)` or `.of_type(Subclass)`:
    joined, its ON clause carries the criteria and reaches the subclass; in
    selectinload() the related rows are narrowed and load the subclass's columns."""

    def __init__(self, rel: Relationship, criteria: tuple[Any, ...], entity: Any = None) -> None:
        self.relationship = rel
        self.criteria = criteria
        self.entity = entity  # of_type(): a subclass of the target, or a with_polymorphic()
        if entity is not None:
            target = rel._ensure().mapper
            if not issubclass(self.subclasses[0].class_, target.class_):
                raise ArgumentError(f"{rel}.of_type({entity!r}): not a subclass of {target.class_.__name__}")

    @property
    def subclasses(self) -> list[Mapper]:
        """The mappers of_type() names: a subclass, or a with_polymorphic()'s base and subclasses."""
        entity = self.entity
        polymorphic = getattr(entity, "_subclasses", None)
        if polymorphic is not None:
            return [entity._mapper, *polymorphic]
        return [entity.__mapper__]

    @property
    def _filter_by_entity(self) -> Any:
        return self.entity if self.entity is not None else self.relationship._filter_by_entity

    def and_(self, *criteria: Any) -> RelationshipWithCriteria:
        return RelationshipWithCriteria(self.relationship, (*self.criteria, *criteria), self.entity)

    def of_type(self, entity: Any) -> RelationshipWithCriteria:
        return RelationshipWithCriteria(self.relationship, self.criteria, entity)

    @property
    def parent(self) -> Mapper:
        return self.relationship.parent

    @property
    def key(self) -> str:
        return self.relationship.key

    def _join_target(self) -> list[tuple[Any, Any]]:
        rel = self.relationship._ensure()
        targets = rel._join_target_of(self.subclasses[0] if self.entity is not None else rel.mapper)
        if getattr(self.entity, "_subclasses", None) is not None:
            raise NotImplementedError(f"joining {rel}.of_type(with_polymorphic(...)) is not supported yet")
        last, onclause = targets[-1]
        return [*targets[:-1], (last, and_(onclause, *self.criteria))]

    def __repr__(self) -> str:
        if self.entity is not None:
            return f"{self.relationship}.of_type({self.subclasses[0].class_.__name__})"
        return f"{self.relationship}.and_(...)"


# --- change history and cascades ---------------------------------------------------------------


def cascade_add(owner: Any, rel: Relationship, item: Any) -> None:
    """save-update cascade: an object linked to one in a Session joins it."""
    if "save-update" not in rel.cascade or item is None:
        return
    state = owner.__dict__.get(STATE_KEY)
    session = owning_session(state) if state is not None else None
    if session is not None and item not in session:
        item_state = item.__dict__.get(STATE_KEY)
        if item_state is None or item_state.status != DETACHED or item_state.key is not None:
            session.add(item)


# --- resolution helpers --------------------------------------------------------------------------


def _on_target(criterion: Any, table: Table, target: Any) -> Any:
    """An extra criterion of a primaryjoin, reading the target's alias when the join uses one."""
    if target is None or target is table:
        return criterion
    from .properties import adapt_to_selectable

    adapted = adapt_to_selectable(criterion, table, target)
    if adapted is None:
        raise NotImplementedError(f"the primaryjoin criterion {criterion!r} cannot be read from {target!r}")
    return adapted


def _evaluate_join(parent: Mapper, value: Any) -> Any:
    """A primaryjoin given as an expression, a callable returning one, or a string
    naming the registry's classes (and foreign(), remote(), and_(), or_())."""
    from ..sql.elements import or_
    from .join_annotations import foreign, remote

    if isinstance(value, str):
        registry = parent.registry
        namespace: dict[str, Any] = dict(registry.classes_by_name)
        namespace.update(parent.table.metadata.tables)
        namespace.update(foreign=foreign, remote=remote, and_=and_, or_=or_)
        try:
            return eval(value, {"__builtins__": {}}, namespace)  # noqa: S307 - mapping arguments are code
        except NameError as e:
            raise InvalidRequestError(
                f"could not resolve primaryjoin {value!r} for {parent.class_.__name__}: {e}"
            ) from None
    if callable(value) and not hasattr(value, "_datum"):
        return value()
    return value


def _and_terms(condition: Any) -> list[Any]:
    from ..sql.elements import BooleanClauseList

    if isinstance(condition, BooleanClauseList) and condition.operator == "and":
        return [term for clause in condition.clauses for term in _and_terms(clause)]
    return [condition]


def _equated_columns(term: Any) -> tuple[tuple[Column[Any], Any], tuple[Column[Any], Any]] | None:
    """((column, marks), (column, marks)) for a term `a == b` of two table
    columns, else None; marks is the JoinAnnotation (or a blank one)."""
    from ..sql.elements import BinaryExpression
    from ..sql.schema import Column
    from .join_annotations import JoinAnnotation

    if not isinstance(term, BinaryExpression) or term.operator != "=":
        return None
    sides = []
    for side in (term.left, term.right):
        marks = side if isinstance(side, JoinAnnotation) else JoinAnnotation(side)
        column = _column_of(marks.element)
        if not isinstance(column, Column) or column.table is None:
            return None
        sides.append((column, marks))
    return sides[0], sides[1]


def _foreign_side(
    a: Column[Any], a_marks: Any, b: Column[Any], b_marks: Any, given: list[Column[Any]]
) -> Column[Any] | None:
    """Which of two equated columns refers to the other."""
    for marked in (a_marks.foreign, b_marks.foreign), tuple(any(c is g for g in given) for c in (a, b)):
        if marked[0] != marked[1]:
            return a if marked[0] else b
    if any(fk.column is b for fk in a.foreign_keys):
        return a
    if any(fk.column is a for fk in b.foreign_keys):
        return b
    return None


def _side(alias: Any, col: Column[Any]) -> Any:
    """`col`, or its counterpart in `alias` when one is given."""
    return alias.corresponding_column(col) if alias is not None else col


def _fk_pairs(table: Table, referenced: Table) -> list[tuple[Column[Any], Column[Any]]]:
    """(referenced column, referencing column) for each foreign key of `table` into `referenced`."""
    from ..sql.schema import ForeignKeyConstraint

    pairs = []
    for column in table.columns:
        for fk in column.foreign_keys:
            if fk.target_table_name == referenced.name:
                pairs.append((fk.column, column))
    for constraint in table.constraints:
        if isinstance(constraint, ForeignKeyConstraint) and constraint.referred_table_name == referenced.name:
            for name, ref in zip(constraint.column_names, constraint.refcolumns):
                pairs.append((referenced.c[ref.rsplit(".", 1)[1]], table.c[name]))
    # a column in a ForeignKey and in a ForeignKeyConstraint to the same column is one path
    return list({(id(one), id(many)): (one, many) for one, many in pairs}.values())


def _among(column: Column[Any], columns: list[Column[Any]]) -> bool:
    return any(column is c for c in columns)


def _registry_class(parent: Mapper, name: str) -> type:
    registry = parent.registry
    cls: type | None = registry.classes_by_name.get(name)
    if cls is None:
        raise InvalidRequestError(
            f"When initializing mapper {parent}, expression {name!r} failed to locate a name; "
            f"no mapped class named {name!r} is known"
        )
    return cls


def _resolve_class(parent: Mapper, argument: Any) -> Mapper:
    if argument is None:
        raise ArgumentError(f"relationship on {parent.class_.__name__} needs a target class or annotation")
    if isinstance(argument, str):
        argument = _registry_class(parent, argument.strip())
    elif callable(argument) and not isinstance(argument, type):
        argument = argument()
    mapper: Mapper | None = getattr(argument, "__mapper__", None)
    if mapper is None:
        raise ArgumentError(f"relationship target {argument!r} is not a mapped class")
    return mapper


def _resolve_secondary(parent: Mapper, secondary: Any) -> Table | None:
    if secondary is None:
        return None
    if callable(secondary) and not hasattr(secondary, "columns"):
        secondary = secondary()
    if isinstance(secondary, str):
        table = parent.table.metadata.tables.get(secondary)
        if table is None:
            raise InvalidRequestError(f"secondary table {secondary!r} is not in the MetaData")
        return table
    given: Table = secondary  # a Table, or a callable that returned one
    return given


def _evaluate(parent: Mapper, expression: str) -> Any:
    """ "Category.id" or "[Post.author_id]" in the class registry's namespace."""
    registry = parent.registry
    namespace = dict(registry.classes_by_name)
    namespace.update(parent.table.metadata.tables)
    try:
        return eval(expression, {"__builtins__": {}}, namespace)  # noqa: S307 - mapping arguments are code
    except NameError as e:
        raise InvalidRequestError(
            f"could not resolve {expression!r} for {parent.class_.__name__}: {e}"
        ) from None


def _resolve_columns(parent: Mapper, value: Any) -> list[Column[Any]]:
    if value is None:
        return []
    if isinstance(value, str):
        value = _evaluate(parent, value)
    elif callable(value) and not hasattr(value, "__clause_element__") and not hasattr(value, "table"):
        value = value()
    items = value if isinstance(value, (list, tuple, set)) else [value]
    return [_column_of(item) for item in items]


def _column_of(item: Any) -> Column[Any]:
    """A Column, an attribute's column, or the column a mapped_column() named
    in its own class body became."""
    resolved = getattr(item, "resolved", None)
    column: Column[Any] = resolved if resolved is not None else getattr(item, "column", item)
    return column


def _resolve_order_by(parent: Mapper, value: Any) -> list[Any]:
    if value is False or value is None:
        return []
    if isinstance(value, str):
        value = _evaluate(parent, value)
    elif callable(value) and not hasattr(value, "__clause_element__") and not hasattr(value, "_datum"):
        value = value()
    return list(value) if isinstance(value, (list, tuple)) else [value]


_LIST_TEXT = re.compile(r"^(?:typing\.)?(list|List|set|Set|Sequence|MutableSequence)\[(.*)\]$")
_DICT_TEXT = re.compile(r"^(?:typing\.)?(?:dict|Dict|Mapping|MutableMapping)\[[^,]*,(.*)\]$")
_OPTIONAL_TEXT = re.compile(r"^(?:typing\.)?Optional\[(.*)\]$")


def _parse_annotation(text: str) -> tuple[str, bool, Any]:
    """'Mapped[list["Post"]]' -> ("Post", True, None); 'Mapped[set["Post"]]' -> ("Post", True, set);
    'Optional["User"]' -> ("User", False, None)."""
    text = text.strip()
    for wrapper in ("Mapped[", "WriteOnlyMapped[", "DynamicMapped["):
        if text.startswith(wrapper) and text.endswith("]"):
            text = text[len(wrapper) : -1].strip()
    is_list = False
    collection_class: Any = None
    match = _LIST_TEXT.match(text)
    dict_match = _DICT_TEXT.match(text)
    if match:
        is_list, text = True, match.group(2).strip()
        collection_class = set if match.group(1) in ("set", "Set") else None
    elif dict_match:
        is_list, text, collection_class = True, dict_match.group(1).strip(), dict
    match = _OPTIONAL_TEXT.match(text)
    if match:
        text = match.group(1).strip()
    text = text.split("|")[0].strip() if "None" in text else text
    return text.strip("'\" "), is_list, collection_class


def _loading_list(owner: Any) -> list[Any]:
    """The plain list a load fills for a relationship whose collection class is not list."""
    return []


def _make_backref(rel: Relationship) -> Relationship:
    """backref="name": the reverse relationship, created on the target class."""
    assert rel.back_populates is not None
    self_referential = rel.direction == ONETOMANY and rel.parent is rel.mapper
    kwargs = dict(rel.options["backref_kwargs"])
    if rel.secondary is not None:  # the reverse crosses the association table the other way
        for own, other in (("primaryjoin", "secondaryjoin"), ("secondaryjoin", "primaryjoin")):
            if rel.options.get(other) is not None:
                kwargs.setdefault(own, rel.options[other])
    elif rel.options.get("primaryjoin") is not None:
        kwargs.setdefault("primaryjoin", rel.options["primaryjoin"])
        kwargs.setdefault("foreign_keys", [many for _, many in rel.pairs])
    if self_referential:
        kwargs.setdefault("remote_side", [one for one, _ in rel.pairs])
    reverse: Relationship = relationship(rel.parent.class_, rel.secondary, back_populates=rel.key, **kwargs)
    reverse._declare(rel.back_populates, rel.mapper, None)
    rel.mapper.add_relationship(rel.back_populates, reverse)
    setattr(rel.mapper.class_, rel.back_populates, reverse)
    reverse._configure()
    return reverse


def _lazy_statement(rel: Relationship) -> Any:
    """The SELECT a lazy load runs, with binds lz_0.. for the owner's key values."""
    from ..sql.selectable import Select, select

    stmt: Select[Any] = select(rel.entity)
    if rel.direction == MANYTOMANY:
        stmt = stmt.join(rel.secondary, and_(*(col == sec for col, sec in rel.remote_pairs)))
    stmt = stmt.where(
        *(col == BindParameter(f"lz_{i}", type_=col.type) for i, col in enumerate(rel.related_columns)),
        *rel.extra_criteria,
    )
    return stmt.order_by(*rel.order_by) if rel.order_by else stmt


def lazy_params(rel: Relationship, instance: Any) -> dict[str, Any] | None:
    """The lazy statement's parameters from `instance`, or None when a key value is None."""
    values = [getattr(instance, key) for key in rel.owner_keys]
    if any(v is None for v in values):
        return None
    return {f"lz_{i}": v for i, v in enumerate(values)}
