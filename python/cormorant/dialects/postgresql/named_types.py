"""PostgreSQL's named types: ENUM (CREATE TYPE ... AS ENUM) and DOMAIN (CREATE
DOMAIN: a type with a default and constraints of its own), created with the
tables that use them unless create_type=False, and the CreateEnumType /
DropEnumType / CreateDomainType / DropDomainType statements."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from ...sql.ddl import ExecutableDDLElement
from ...sql.elements import BindCollector, TextClause
from ...sql.sqltypes import Converter, Enum, SchemaType, TypeEngine, to_instance


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


# --- DOMAIN ------------------------------------------------------------------------------------


def _quote(name: str) -> str:
    if re.fullmatch(r"[a-z_][a-z0-9_$]*", name):
        return name
    return '"' + name.replace('"', '""') + '"'


def _sql_text(value: Any) -> str:
    return value.text if isinstance(value, TextClause) else str(value)


class DOMAIN(NamedType, TypeEngine):
    """A PostgreSQL domain: `data_type` under the name `name`, with an optional
    collation, default (a str is a quoted literal, text() verbatim SQL), NOT
    NULL and CHECK (`check`, SQL over VALUE) named `constraint_name`. Values
    bind and read as `data_type`'s do."""

    def __init__(
        self,
        name: str,
        data_type: Any,
        *,
        collation: str | None = None,
        default: Any = None,
        constraint_name: str | None = None,
        not_null: bool | None = None,
        check: Any = None,
        create_type: bool = True,
    ) -> None:
        if not name:
            raise TypeError("DOMAIN requires a name")
        self.name, self.data_type = name, to_instance(data_type)
        self.collation, self.default, self.constraint_name = collation, default, constraint_name
        self.not_null, self.check, self.create_type = not_null, check, create_type

    @property
    def python_type(self) -> type:  # type: ignore[override]
        return self.data_type.python_type

    def _ddl(self) -> tuple[Any, ...]:
        return ("custom", _quote(self.name))

    def _bind_processor(self, dialect: str) -> Callable[[Any], Any] | None:
        return self.data_type._bind_processor(dialect)

    def _result_converter(self, dialect: str) -> Converter:
        return self.data_type._result_converter(dialect)

    def _result_key(self) -> Any:
        return (type(self), self.name, self.data_type._result_key())

    def create_sql(self) -> str:
        """CREATE DOMAIN name AS type [COLLATE] [DEFAULT] [CONSTRAINT] [NOT NULL] [CHECK]."""
        parts = [f"CREATE DOMAIN {_quote(self.name)} AS {self.data_type.compile('postgresql')}"]
        if self.collation is not None:
            parts.append(f'COLLATE "{self.collation}"')
        if self.default is not None:
            default = self.default
            parts.append(
                "DEFAULT " + (default.text if isinstance(default, TextClause) else _literal(default))
            )
        if self.constraint_name is not None:
            parts.append(f"CONSTRAINT {_quote(self.constraint_name)}")
        if self.not_null is not None:
            parts.append("NOT NULL" if self.not_null else "NULL")
        if self.check is not None:
            parts.append(f"CHECK ({_sql_text(self.check)})")
        return " ".join(parts)

    def _schema_script(self, dialect: str, create: bool, checkfirst: bool) -> list[Any]:
        if dialect != "postgresql":
            return []
        if not create:
            return [_text(f"DROP DOMAIN {'IF EXISTS ' if checkfirst else ''}{_quote(self.name)}")]
        sql = self.create_sql()
        if checkfirst:
            sql = f"DO $$ BEGIN {sql}; EXCEPTION WHEN duplicate_object THEN NULL; END $$"
        return [_text(sql)]

    def __repr__(self) -> str:
        return f"DOMAIN({self.name!r}, {self.data_type!r})"


def _literal(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    return "'" + str(value).replace("'", "''") + "'"


def _text(sql: str) -> tuple[str, str]:
    """A verbatim SQL datum (a colon is not a bind there)."""
    return ("text", sql.replace(":", "\\:"))


class CreateDomainType(ExecutableDDLElement):
    """CREATE DOMAIN ..., for a DOMAIN."""

    __visit_name__ = "create_domain_type"

    def __init__(self, element: DOMAIN) -> None:
        super().__init__()
        self.element = element

    def _datum(self, binds: BindCollector) -> tuple[Any, ...]:
        return _text(self.element.create_sql())


class DropDomainType(ExecutableDDLElement):
    """DROP DOMAIN name, for a DOMAIN."""

    __visit_name__ = "drop_domain_type"

    def __init__(self, element: DOMAIN) -> None:
        super().__init__()
        self.element = element

    def _datum(self, binds: BindCollector) -> tuple[Any, ...]:
        return _text(f"DROP DOMAIN {_quote(self.element.name)}")


__all__ = [
    "DOMAIN",
    "ENUM",
    "CreateDomainType",
    "CreateEnumType",
    "DropDomainType",
    "DropEnumType",
    "NamedType",
]
