"""The type system's helpers and its less common generic types: PickleType
(any picklable object in a binary column), TupleType (the type of tuple_()),
MatchType (the type of match()), ExternalType, Variant, adapt_type and the
NULLTYPE / STRINGTYPE instances."""

from __future__ import annotations

import pickle
from collections.abc import Callable, Mapping
from typing import Any

from .sqltypes import (
    Boolean,
    ExternalType,
    LargeBinary,
    NullType,
    SchemaType,
    String,
    TypeDecorator,
    TypeEngine,
    to_instance,
)


class PickleType(TypeDecorator):
    """Any picklable Python object, pickled into a binary column (`impl`,
    LargeBinary unless given). In-place changes to a loaded object are not
    tracked: assign a new object to have it written."""

    impl: Any = LargeBinary
    cache_ok = True

    def __init__(
        self,
        protocol: int = pickle.HIGHEST_PROTOCOL,
        pickler: Any = None,
        comparator: Callable[[Any, Any], bool] | None = None,
        impl: Any = None,
    ) -> None:
        super().__init__()
        self.protocol = protocol
        self.pickler = pickler or pickle
        self.comparator = comparator
        if impl is not None:
            self.impl = to_instance(impl)

    def process_bind_param(self, value: Any, dialect: Any) -> Any:
        return None if value is None else self.pickler.dumps(value, self.protocol)

    def process_result_value(self, value: Any, dialect: Any) -> Any:
        return None if value is None else self.pickler.loads(value)

    def compare_values(self, x: Any, y: Any) -> bool:
        if self.comparator is not None:
            return bool(self.comparator(x, y))
        return bool(x == y)

    def _result_key(self) -> Any:
        return (super()._result_key(), id(self.pickler))

    def __repr__(self) -> str:
        parts = [] if self.protocol == pickle.HIGHEST_PROTOCOL else [f"protocol={self.protocol!r}"]
        if self.comparator is not None:
            parts.append(f"comparator={self.comparator!r}")
        return f"PickleType({', '.join(parts)})"


class TupleType(TypeEngine):
    """The type of a tuple_() expression: one type per element."""

    def __init__(self, *types: Any) -> None:
        self.types = [to_instance(t) for t in types]

    def __repr__(self) -> str:
        return f"TupleType({', '.join(repr(t) for t in self.types)})"


class MatchType(Boolean):
    """The type of a full-text match() expression: a boolean."""


class Variant(TypeDecorator):
    """Kept for recipes that name it; with_variant() builds per-dialect types."""

    def __init__(self, *arg: Any, **kw: Any) -> None:
        raise NotImplementedError(
            "Variant is no longer used in SQLAlchemy; this is a placeholder symbol for backwards compatibility."
        )


def adapt_type(
    typeobj: TypeEngine | type[TypeEngine] | None, colspecs: Mapping[type[Any], type[TypeEngine]]
) -> TypeEngine:
    """`typeobj` as the class `colspecs` maps its nearest class to (itself
    when none is mapped, or when it already is a subclass of that class)."""
    instance = to_instance(typeobj)
    for cls in type(instance).__mro__[:-1]:
        impl_class = colspecs.get(cls)
        if impl_class is not None:
            break
    else:
        return instance
    if isinstance(instance, impl_class):
        return instance
    return instance.adapt(impl_class)


NULLTYPE = NullType()
STRINGTYPE = String()

__all__ = [
    "NULLTYPE",
    "STRINGTYPE",
    "ExternalType",
    "MatchType",
    "PickleType",
    "SchemaType",
    "TupleType",
    "Variant",
    "adapt_type",
    "to_instance",
]
