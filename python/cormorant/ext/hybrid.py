"""Hybrid attributes, as sqlalchemy.ext.hybrid: one function read as a Python
value on an instance and as a SQL expression on the class (Member.full_name in
select(), where(), order_by()), with .expression, .setter, .deleter,
.comparator and .update_expression to give each side its own code."""

from __future__ import annotations

import operator
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Generic, TypeVar, overload

from ..exc import InvalidRequestError
from ..orm.base import InspectionAttrExtensionType
from ..sql.elements import ColumnElement, ColumnOperators, Label, coerce, is_table_column

if TYPE_CHECKING:
    from typing_extensions import Self

_T = TypeVar("_T")
_R = TypeVar("_R")


class HybridExtensionType(InspectionAttrExtensionType):
    """What kind of hybrid an attribute is (its `extension_type`)."""

    HYBRID_METHOD = "HYBRID_METHOD"
    HYBRID_PROPERTY = "HYBRID_PROPERTY"


HYBRID_METHOD = HybridExtensionType.HYBRID_METHOD
HYBRID_PROPERTY = HybridExtensionType.HYBRID_PROPERTY


def _unwrap_classmethod(fn: Any) -> Any:
    """An expression may be written as a @classmethod; its function is what is called."""
    return fn.__func__ if isinstance(fn, classmethod) else fn


class Comparator(ColumnOperators, Generic[_T]):
    """Base of a hybrid's custom comparator: holds the SQL expression the
    hybrid stands for. Override operators directly (__eq__, ...) or override
    operate(op, *other), which every Python operator goes through."""

    def __init__(self, expression: Any) -> None:
        self.expression = expression

    def __clause_element__(self) -> ColumnElement[Any]:
        expr = self.expression
        while not isinstance(expr, ColumnElement) and hasattr(expr, "__clause_element__"):
            expr = expr.__clause_element__()
        return coerce(expr)

    @property
    def type(self) -> Any:  # type: ignore[override]
        return self.__clause_element__().type

    @property
    def property(self) -> None:
        return None

    def adapt_to_entity(self, adapt_to_entity: Any) -> Self:
        return self

    def operate(self, op: Callable[..., Any], *other: Any, **kwargs: Any) -> Any:
        """What `op(self, *other)` builds: by default `op` on the SQL expression."""
        return op(self.__clause_element__(), *other, **kwargs)

    def reverse_operate(self, op: Callable[..., Any], other: Any, **kwargs: Any) -> Any:
        return op(other, self.__clause_element__(), **kwargs)

    # Every Python operator goes through operate(), so that a subclass can
    # change them all in one place (as SQLAlchemy's comparators do).
    def __eq__(self, other: Any) -> Any:
        return self.operate(operator.eq, other)

    def __ne__(self, other: Any) -> Any:
        return self.operate(operator.ne, other)

    def __lt__(self, other: Any) -> Any:
        return self.operate(operator.lt, other)

    def __le__(self, other: Any) -> Any:
        return self.operate(operator.le, other)

    def __gt__(self, other: Any) -> Any:
        return self.operate(operator.gt, other)

    def __ge__(self, other: Any) -> Any:
        return self.operate(operator.ge, other)

    def __add__(self, other: Any) -> Any:
        return self.operate(operator.add, other)

    def __radd__(self, other: Any) -> Any:
        return self.reverse_operate(operator.add, other)

    def __sub__(self, other: Any) -> Any:
        return self.operate(operator.sub, other)

    def __rsub__(self, other: Any) -> Any:
        return self.reverse_operate(operator.sub, other)

    def __mul__(self, other: Any) -> Any:
        return self.operate(operator.mul, other)

    def __rmul__(self, other: Any) -> Any:
        return self.reverse_operate(operator.mul, other)

    def __truediv__(self, other: Any) -> Any:
        return self.operate(operator.truediv, other)

    def __mod__(self, other: Any) -> Any:
        return self.operate(operator.mod, other)

    def __neg__(self) -> Any:
        return self.operate(operator.neg)

    def __invert__(self) -> Any:
        return self.operate(operator.invert)

    __hash__ = object.__hash__


def _method_operator(name: str) -> Callable[..., Any]:
    """The operator function of a named comparison (like, in_...): calls the
    method on its left operand."""

    def op(left: Any, *args: Any, **kw: Any) -> Any:
        return getattr(left, name)(*args, **kw)

    op.__name__ = f"{name}_op"
    return op


def _routed(name: str) -> Callable[..., Any]:
    op = _method_operator(name)

    def method(self: Comparator[Any], *args: Any, **kw: Any) -> Any:
        return self.operate(op, *args, **kw)

    method.__name__ = name
    return method


# The named comparisons go through operate() too, with an operator calling the method.
for _name in (
    "like",
    "not_like",
    "ilike",
    "not_ilike",
    "contains",
    "startswith",
    "endswith",
    "in_",
    "not_in",
    "is_",
    "is_not",
    "between",
    "concat",
):
    setattr(Comparator, _name, _routed(_name))


class ExprComparator(Comparator[_T]):
    """What a hybrid property is on its class: its SQL expression, selected
    under the hybrid's name (select(Member.full_name) has a full_name column)."""

    def __init__(self, cls: type, expression: Any, hybrid: hybrid_property[_T]) -> None:
        self.cls = cls
        self.expression = expression
        self.hybrid = hybrid

    def __clause_element__(self) -> ColumnElement[Any]:
        element = super().__clause_element__()
        name = self.hybrid.__name__
        return element if isinstance(element, Label) else Label(name, element)

    def __getattr__(self, key: str) -> Any:
        return getattr(self.expression, key)

    @property
    def overrides(self) -> hybrid_property[_T]:
        return self.hybrid

    @property
    def info(self) -> dict[Any, Any]:
        return self.hybrid.info

    def _bulk_update_tuples(self, value: Any) -> list[tuple[Any, Any]]:
        if self.hybrid.update_expr is None and is_table_column(self.expression):
            return [(self.expression, value)]  # a hybrid over one column sets that column
        return self.hybrid._update_tuples(self.cls, value)

    def __repr__(self) -> str:
        return f"{getattr(self.cls, '__name__', self.cls)}.{self.hybrid.__name__}"


class hybrid_method(Generic[_R]):  # noqa: N801 - SQLAlchemy's name
    """A method called on an instance with Python values, and on the class to
    build a SQL expression (`Member.older_than(30)` in where())."""

    is_attribute = True
    extension_type = HybridExtensionType.HYBRID_METHOD

    def __init__(self, func: Callable[..., _R], expr: Callable[..., Any] | None = None) -> None:
        self.func = func
        self.expr = _unwrap_classmethod(expr) if expr is not None else None
        self.__doc__ = getattr(func, "__doc__", None)
        self.__name__ = getattr(func, "__name__", "hybrid_method")

    @property
    def inplace(self) -> Self:
        """This hybrid itself, for decorators that reuse another function name."""
        return self

    def __get__(self, instance: Any, owner: Any) -> Callable[..., Any]:
        if instance is None:
            return (self.expr or self.func).__get__(owner, type(owner))  # type: ignore[no-any-return]
        return self.func.__get__(instance, owner)  # type: ignore[no-any-return]

    def _for_alias(self, alias: Any) -> Callable[..., Any]:
        """The class side, called on an aliased() entity (its columns are the alias's)."""
        return (self.expr or self.func).__get__(alias, type(alias))  # type: ignore[no-any-return]

    def expression(self, expr: Callable[..., Any]) -> hybrid_method[_R]:
        """Gives the class-level (SQL) side its own function."""
        self.expr = _unwrap_classmethod(expr)
        if self.expr.__doc__ and not self.func.__doc__:
            self.__doc__ = self.expr.__doc__
        return self


class hybrid_property(Generic[_T]):  # noqa: N801 - SQLAlchemy's name
    """A property read as a value on an instance and as a SQL expression on its class."""

    is_attribute = True
    extension_type = HybridExtensionType.HYBRID_PROPERTY

    def __init__(
        self,
        fget: Callable[[Any], _T],
        fset: Callable[[Any, Any], None] | None = None,
        fdel: Callable[[Any], None] | None = None,
        expr: Callable[[Any], Any] | None = None,
        custom_comparator: Callable[[Any], Comparator[_T]] | None = None,
        update_expr: Callable[[Any, Any], list[tuple[Any, Any]]] | None = None,
    ) -> None:
        self.fget = fget
        self.fset = fset
        self.fdel = fdel
        self.expr = _unwrap_classmethod(expr) if expr is not None else None
        self.custom_comparator = _unwrap_classmethod(custom_comparator) if custom_comparator else None
        self.update_expr = _unwrap_classmethod(update_expr) if update_expr is not None else None
        self.__doc__ = getattr(fget, "__doc__", None)
        self.__name__ = getattr(fget, "__name__", "hybrid_property")
        self._info: dict[Any, Any] | None = None

    @property
    def info(self) -> dict[Any, Any]:
        if self._info is None:
            self._info = {}
        return self._info

    if TYPE_CHECKING:

        @overload
        def __get__(self, instance: None, owner: Any) -> ColumnElement[_T]: ...

        @overload
        def __get__(self, instance: object, owner: Any) -> _T: ...

    def __get__(self, instance: Any, owner: Any) -> Any:
        if owner is None and instance is None:
            return self
        if instance is None:
            return self._class_level(owner)
        return self.fget(instance)

    def __set__(self, instance: Any, value: Any) -> None:
        if self.fset is None:
            raise AttributeError(f"can't set attribute '{self.__name__}'")
        self.fset(instance, value)

    def __delete__(self, instance: Any) -> None:
        if self.fdel is None:
            raise AttributeError(f"can't delete attribute '{self.__name__}'")
        self.fdel(instance)

    def _class_level(self, owner: type) -> Any:
        if self.custom_comparator is not None:
            return self.custom_comparator(owner)
        expression = (self.expr or self.fget)(owner)
        if isinstance(expression, ColumnElement) or hasattr(expression, "__clause_element__"):
            return ExprComparator(owner, expression, self)
        return expression  # a hybrid whose class side is not SQL: returned as computed

    def _for_alias(self, alias: Any) -> Any:
        """The class side, computed on an aliased() entity (its columns are the alias's)."""
        return self._class_level(alias)

    def _update_tuples(self, owner: type, value: Any) -> list[tuple[Any, Any]]:
        if self.update_expr is None:
            raise InvalidRequestError(
                f"Can't set hybrid property '{owner.__name__}.{self.__name__}' in an UPDATE; "
                "it has no update_expression"
            )
        return list(self.update_expr(owner, value))

    # --- decorators: each returns a copy with one function replaced ---------------------------

    def _copy(self, **kw: Any) -> hybrid_property[_T]:
        given: dict[str, Any] = {
            "fget": self.fget,
            "fset": self.fset,
            "fdel": self.fdel,
            "expr": self.expr,
            "custom_comparator": self.custom_comparator,
            "update_expr": self.update_expr,
        }
        given.update(kw)
        copy = type(self)(**given)
        copy.__doc__ = self.__doc__
        copy._info = dict(self._info) if self._info is not None else None
        return copy

    @property
    def overrides(self) -> Self:
        """This hybrid, to redefine a parent class's hybrid in a subclass."""
        return self

    @property
    def inplace(self) -> _InPlace[_T]:
        """The decorators, changing this hybrid instead of returning a copy (for
        functions named other than the hybrid: @full_name.inplace.expression)."""
        return _InPlace(self)

    def getter(self, fget: Callable[[Any], _T]) -> hybrid_property[_T]:
        return self._copy(fget=fget)

    def setter(self, fset: Callable[[Any, Any], None]) -> hybrid_property[_T]:
        return self._copy(fset=fset)

    def deleter(self, fdel: Callable[[Any], None]) -> hybrid_property[_T]:
        return self._copy(fdel=fdel)

    def expression(self, expr: Callable[[Any], Any]) -> hybrid_property[_T]:
        return self._copy(expr=expr)

    def comparator(self, comparator: Callable[[Any], Comparator[_T]]) -> hybrid_property[_T]:
        return self._copy(custom_comparator=comparator)

    def update_expression(self, meth: Callable[[Any, Any], list[tuple[Any, Any]]]) -> hybrid_property[_T]:
        return self._copy(update_expr=meth)


class _InPlace(Generic[_T]):
    """hybrid_property.inplace: the same decorators, applied to the hybrid itself."""

    __slots__ = ("attr",)

    def __init__(self, attr: hybrid_property[_T]) -> None:
        self.attr = attr

    def _set(self, **kw: Any) -> hybrid_property[_T]:
        for key, value in kw.items():
            setattr(self.attr, key, _unwrap_classmethod(value))
        return self.attr

    def getter(self, fget: Callable[[Any], _T]) -> hybrid_property[_T]:
        return self._set(fget=fget)

    def setter(self, fset: Callable[[Any, Any], None]) -> hybrid_property[_T]:
        return self._set(fset=fset)

    def deleter(self, fdel: Callable[[Any], None]) -> hybrid_property[_T]:
        return self._set(fdel=fdel)

    def expression(self, expr: Callable[[Any], Any]) -> hybrid_property[_T]:
        return self._set(expr=expr)

    def comparator(self, comparator: Callable[[Any], Comparator[_T]]) -> hybrid_property[_T]:
        return self._set(custom_comparator=comparator)

    def update_expression(self, meth: Callable[[Any, Any], list[tuple[Any, Any]]]) -> hybrid_property[_T]:
        return self._set(update_expr=meth)


__all__ = [
    "Comparator",
    "ExprComparator",
    "HYBRID_METHOD",
    "HYBRID_PROPERTY",
    "HybridExtensionType",
    "hybrid_method",
    "hybrid_property",
]
