"""Declarative dataclass mapping (MappedAsDataclass, mapped_as_dataclass): the
dataclass arguments that mapped_column() and relationship() take, and how a
class becomes a real dataclass just before it is mapped."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any, NamedTuple

from ..exc import ArgumentError, InvalidRequestError

#: Keyword arguments of mapped_column() / relationship() that describe the dataclass field.
FIELD_ARGUMENTS = ("init", "repr", "default", "default_factory", "compare", "kw_only", "hash")

#: Class-level keyword arguments (`class Item(Base, kw_only=True)`).
CLASS_ARGUMENTS = (
    "init",
    "repr",
    "eq",
    "order",
    "unsafe_hash",
    "match_args",
    "kw_only",
    "dataclass_callable",
)

#: Where a class keeps the dataclass arguments it was declared with; its presence
#: in a class's own __dict__ makes that class a dataclass mapping.
OPTIONS_ATTRIBUTE = "_cm_dataclass_options"

#: A keyword argument that was not given.
ABSENT = object()


class FieldSpec(NamedTuple):
    """One dataclass field of a mapped class: `arguments` is None for a plain
    annotated attribute that the dataclass takes as it is."""

    key: str
    annotation: Any
    arguments: dict[str, Any] | None


def pop_field_arguments(kw: dict[str, Any]) -> dict[str, Any]:
    """Removes the dataclass field arguments from `kw` and returns them."""
    return {name: kw.pop(name) for name in FIELD_ARGUMENTS if name in kw}


def refuse_field_arguments(cls: type, key: str, arguments: dict[str, Any]) -> None:
    """A class that is not a dataclass mapping accepts `default` (the column's
    INSERT default) and no other dataclass argument."""
    names = [name for name in arguments if name != "default"]
    if names:
        quoted = ", ".join(repr(name) for name in names)
        raise ArgumentError(
            f"Attribute '{key}' on class {cls} includes dataclasses argument(s): {quoted} but class does not "
            "specify native dataclass configuration (MappedAsDataclass or registry.mapped_as_dataclass)."
        )


def class_options(**given: Any) -> dict[str, Any]:
    """The class-level dataclass arguments that were given (the others are
    left to dataclasses' own defaults)."""
    unknown = sorted(set(given) - set(CLASS_ARGUMENTS))
    if unknown:
        raise TypeError(f"unexpected dataclass argument(s): {', '.join(unknown)}")
    return {name: value for name, value in given.items() if value is not ABSENT}


def make_dataclass(cls: type, fields: list[FieldSpec], options: dict[str, Any]) -> None:
    """Turns `cls` into a dataclass in place: its mapped attributes become
    fields (typed by what Mapped[...] holds) for the time of the dataclass
    call; afterwards the class's annotations and attributes are put back, so
    that mapping reads them as declared."""
    own = cls.__dict__
    saved_annotations = own.get("__annotations__", ABSENT)
    saved_values = {spec.key: own.get(spec.key, ABSENT) for spec in fields if spec.arguments is not None}
    type.__setattr__(cls, "__annotations__", {spec.key: spec.annotation for spec in fields})
    for spec in fields:
        if spec.arguments is not None:
            type.__setattr__(cls, spec.key, dataclasses.field(**spec.arguments))
    make: Callable[..., Any] = options.get("dataclass_callable", dataclasses.dataclass)
    arguments = {name: value for name, value in options.items() if name != "dataclass_callable"}
    try:
        make(cls, **arguments)
    except (TypeError, ValueError) as err:
        raise InvalidRequestError(
            f"Python dataclasses error encountered when creating dataclass for {cls.__name__!r}: {err!r}. "
            "Please refer to Python dataclasses documentation for additional information."
        ) from err
    finally:
        _restore(cls, "__annotations__", saved_annotations)
        for key, value in saved_values.items():
            _restore(cls, key, value)


def _restore(cls: type, key: str, value: Any) -> None:
    if value is not ABSENT:
        type.__setattr__(cls, key, value)
    elif key in cls.__dict__:
        type.__delattr__(cls, key)
