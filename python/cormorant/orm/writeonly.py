"""Write-only collections (`WriteOnlyMapped[X]`, `relationship(lazy="write_only")`)
for collections too large to load: the attribute records adds and removes
for the unit of work, and reads go through SQL built by `select()`; the
collection itself is never loaded."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any, Generic, NoReturn, TypeVar, overload

from ..exc import InvalidRequestError
from ..sql.dml import Delete, Insert, Update, delete, insert, update
from ..sql.elements import BindParameter, and_
from ..sql.selectable import Select, select
from .attributes import NO_VALUE, STATE_KEY, Mapped, record_change
from .base import MANYTOMANY

if TYPE_CHECKING:
    from .dynamic import AppenderQuery
    from .relationships import Relationship

_T = TypeVar("_T")

WRITE_ONLY = "write_only"
DYNAMIC = "dynamic"


class WriteOnlyMapped(Mapped[_T]):
    """Annotation of a write-only collection: `items: WriteOnlyMapped["Item"] = relationship()`."""

    __slots__ = ()

    if TYPE_CHECKING:

        @overload  # type: ignore[override]
        def __get__(self, instance: None, owner: Any) -> Any: ...

        @overload
        def __get__(self, instance: object, owner: Any) -> WriteOnlyCollection[_T]: ...

        def __get__(self, instance: Any, owner: Any) -> Any: ...

        def __set__(self, instance: Any, value: Iterable[_T]) -> None: ...  # type: ignore[override]


class DynamicMapped(Mapped[_T]):
    """Annotation of a lazy="dynamic" collection: `items: DynamicMapped["Item"] = relationship()`."""

    __slots__ = ()

    if TYPE_CHECKING:

        @overload  # type: ignore[override]
        def __get__(self, instance: None, owner: Any) -> Any: ...

        @overload
        def __get__(self, instance: object, owner: Any) -> AppenderQuery[_T]: ...

        def __get__(self, instance: Any, owner: Any) -> Any: ...

        def __set__(self, instance: Any, value: Iterable[_T]) -> None: ...  # type: ignore[override]


def collection_kind(annotation: Any) -> str | None:
    """The loading an annotation asks for: WRITE_ONLY for WriteOnlyMapped[...],
    DYNAMIC for DynamicMapped[...] (as a type or as text), else None."""
    origin = getattr(annotation, "__origin__", None)
    if origin is WriteOnlyMapped:
        return WRITE_ONLY
    if origin is DynamicMapped:
        return DYNAMIC
    if isinstance(annotation, str):
        head = annotation.strip().split("[", 1)[0].rsplit(".", 1)[-1]
        return {"WriteOnlyMapped": WRITE_ONLY, "DynamicMapped": DYNAMIC}.get(head)
    return None


class OwnerKeyParameter(BindParameter[Any]):
    """A bound parameter whose value is an attribute of the owner object, read
    each time a statement is run: `session.scalars(parent.items.select())`
    after autoflush inserted the parent."""

    __slots__ = ("_owner", "_key")

    def __init__(self, owner: Any, key: str, type_: Any) -> None:
        self._owner, self._key = owner, key
        super().__init__(None, None, type_)

    @property
    def value(self) -> Any:
        return getattr(self._owner, self._key)

    @value.setter
    def value(self, _: Any) -> None:
        pass  # set by BindParameter.__init__; the owner holds the value


class PendingChanges:
    """A collection attribute that is never loaded whole (write-only, dynamic):
    the unit of work reads the adds and removes made since the last flush."""

    __slots__ = ()

    def pending(self) -> list[Any]:
        """Items added since the last flush (what save-update cascades to)."""
        raise NotImplementedError

    def take_pending(self) -> tuple[list[Any], list[Any]]:
        """The adds and removes to flush, forgotten here once taken."""
        raise NotImplementedError

    def every_member(self) -> list[Any]:
        """Every related object, for a delete of the owner to cascade to or unlink."""
        raise NotImplementedError


class WriteOnlyCollection(PendingChanges, Generic[_T]):
    """The value of a write-only collection attribute: `add()`/`remove()` are
    flushed by the unit of work; `select()`, `insert()`, `update()` and
    `delete()` build statements on the related rows."""

    __slots__ = ("_owner", "_rel", "_added", "_removed")

    def __init__(self, owner: Any, rel: Relationship) -> None:
        self._owner = owner
        self._rel = rel
        self._added: list[Any] = []
        self._removed: list[Any] = []

    # --- changes for the unit of work -----------------------------------------------------

    def add(self, item: _T) -> None:
        """Adds `item` to the collection at the next flush."""
        self._changed()
        if any(o is item for o in self._removed):
            self._removed = [o for o in self._removed if o is not item]
        else:
            self._added.append(item)
        self._rel._appended(self._owner, item)

    def add_all(self, iterator: Iterable[_T]) -> None:
        for item in list(iterator):
            self.add(item)

    def remove(self, item: _T) -> None:
        """Takes `item` out of the collection at the next flush."""
        self._changed()
        if any(o is item for o in self._added):
            self._added = [o for o in self._added if o is not item]
        else:
            self._removed.append(item)
        self._rel._removed(self._owner, item)

    def _changed(self) -> None:
        record_change(self._owner, self._rel.key, NO_VALUE)  # the owner is visited by the next flush

    def pending(self) -> list[Any]:
        return self._added

    def take_pending(self) -> tuple[list[Any], list[Any]]:
        added, removed = self._added, self._removed
        self._added, self._removed = [], []
        return added, removed

    def every_member(self) -> list[Any]:
        refuse_full_iteration(self._rel)

    # --- statements -------------------------------------------------------------------------

    def select(self) -> Select[tuple[_T]]:
        """SELECT of the related rows: `session.scalars(user.items.select().where(...))`."""
        rel = self._rel
        stmt: Select[Any] = select(rel.entity).where(*self._related_criteria())
        return stmt.order_by(*rel.order_by) if rel.order_by else stmt

    def _related_criteria(self) -> list[Any]:
        """The related rows: their keys equal to parameters that read the
        owner's key values when the statement runs (after autoflush gave a new
        owner its key). As parameters, an owner without a key matches no row,
        where IS NULL would match orphans."""
        rel = self._rel._ensure()
        owner = self._owner
        criteria = [
            column == OwnerKeyParameter(owner, key, column.type)
            for column, key in zip(rel.related_columns, rel.owner_keys)
        ]
        if rel.direction == MANYTOMANY:
            criteria += [col == sec for col, sec in rel.remote_pairs]
        return criteria

    def insert(self) -> Insert:
        """INSERT of a related row, its foreign key set: `user.items.insert().values(name="x")`."""
        rel = self._rel
        if rel.direction == MANYTOMANY:
            raise InvalidRequestError(
                "Write only bulk INSERT only supported for one-to-many collections; for many-to-many, "
                "use a separate bulk INSERT along with add_all()."
            )
        owner, keys = self._owner, rel.parent.column_keys
        return insert(rel.mapper.table).values(
            {many.key: getattr(owner, keys[one]) for one, many in rel.pairs}
        )

    def update(self) -> Update:
        """UPDATE of the related rows."""
        return update(self._rel.mapper.table).where(self._rows())

    def delete(self) -> Delete:
        """DELETE of the related rows."""
        return delete(self._rel.mapper.table).where(self._rows())

    def _rows(self) -> Any:
        """The criterion naming the related rows, on their own table alone."""
        rel = self._rel
        if rel.direction != MANYTOMANY:
            return and_(*self._related_criteria())
        assert rel.secondary is not None
        owner = self._owner
        linked = select(*(sec for _, sec in rel.remote_pairs)).where(
            *(
                sec == OwnerKeyParameter(owner, rel.parent.column_keys[col], sec.type)
                for col, sec in rel.local_pairs
            )
        )
        target = [col for col, _ in rel.remote_pairs]
        if len(target) != 1:
            raise NotImplementedError(f"update()/delete() of {rel} over a composite key is not supported yet")
        return target[0].in_(linked)  # type: ignore[arg-type]  # IN (SELECT ...)

    # --- no implicit loading ------------------------------------------------------------------

    def __iter__(self) -> Iterator[_T]:
        raise TypeError(
            "WriteOnly collections don't support iteration in-place; to query for collection items, use "
            "the select() method to produce a SQL statement and execute it with session.scalars()."
        )

    def __repr__(self) -> str:
        return f"<WriteOnlyCollection {self._rel}>"


def write_only_value(rel: Relationship, instance: Any) -> WriteOnlyCollection[Any]:
    """The attribute's collection object, created on first access."""
    collection: WriteOnlyCollection[Any] = WriteOnlyCollection(instance, rel)
    instance.__dict__[rel.key] = collection
    return collection


def set_write_only(rel: Relationship, instance: Any, value: Iterable[Any]) -> None:
    """`Parent(items=[...])` on a new object adds them; replacing the collection
    of a persistent one would need it loaded, so it is refused."""
    state = instance.__dict__.get(STATE_KEY)
    if state is not None and state.key is not None:
        raise InvalidRequestError(
            f'Collection "{rel}" does not support implicit iteration; collection replacement operations '
            "can't be used"
        )
    write_only_value(rel, instance).add_all(value)


def refuse_full_iteration(rel: Relationship) -> NoReturn:
    """What deleting the owner of a write-only collection raises unless passive_deletes is set."""
    raise InvalidRequestError(
        f"Attribute {rel} can't load the existing state from the database for this operation; full "
        "iteration is not permitted.  If this is a delete operation, configure passive_deletes=True on "
        f"the {rel} relationship in order to resolve this error."
    )
