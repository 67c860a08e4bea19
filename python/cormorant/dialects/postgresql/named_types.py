"""PostgreSQL's named types: ENUM (CREATE TYPE ... AS ENUM), created with the
tables that use it unless create_type=False, and the CreateEnumType /
DropEnumType statements."""

from __future__ import annotations

from typing import Any

from ...sql.ddl import ExecutableDDLElement
from ...sql.elements import BindCollector
from ...sql.sqltypes import Enum, SchemaType


class NamedType(SchemaType):
    """Mixin of PostgreSQL's types that exist in the schema under a name of their own."""

    create_type: bool = True


class ENUM(NamedType, Enum):
    """PostgreSQL's enum type, named `name`. create_type=False: neither
    create_all() nor drop_all() makes or removes it (it is managed elsewhere);
    create() / drop() still do."""

    def __init__(self, *enums: Any, name: str | None = None, create_type: bool = True, **kw: Any) -> None:
        if kw.get("native_enum") is False:
            raise NotImplementedError("ENUM(native_enum=False): use Enum() for a VARCHAR column")
        super().__init__(*enums, name=name, **kw)
        self.create_type = create_type

    def create(self, bind: Any, checkfirst: bool = True) -> None:
        """CREATE TYPE ... AS ENUM; with checkfirst, nothing when it exists."""
        super().create(bind, checkfirst=checkfirst)

    def drop(self, bind: Any, checkfirst: bool = True) -> None:
        """DROP TYPE; with checkfirst, nothing when it does not exist."""
        super().drop(bind, checkfirst=checkfirst)

    def __repr__(self) -> str:
        text = super().__repr__()
        return "ENUM" + text[len("Enum") :]


def _enum_name(element: Any) -> str:
    name = getattr(element, "native_name", None)
    if not isinstance(element, Enum) or not name:
        raise TypeError(f"expected a named (native) Enum, got {element!r}")
    return str(name)


class CreateEnumType(ExecutableDDLElement):
    """CREATE TYPE name AS ENUM (...), for an ENUM (or a native Enum)."""

    __visit_name__ = "create_enum_type"

    def __init__(self, element: Any) -> None:
        super().__init__()
        self.name = _enum_name(element)
        self.element = element

    def _datum(self, binds: BindCollector) -> tuple[Any, ...]:
        return ("create_enum", self.name, tuple(self.element.values), False)


class DropEnumType(ExecutableDDLElement):
    """DROP TYPE name, for an ENUM (or a native Enum)."""

    __visit_name__ = "drop_enum_type"

    def __init__(self, element: Any) -> None:
        super().__init__()
        self.name = _enum_name(element)
        self.element = element

    def _datum(self, binds: BindCollector) -> tuple[Any, ...]:
        return ("drop_enum", self.name, False)


__all__ = ["ENUM", "CreateEnumType", "DropEnumType", "NamedType"]
