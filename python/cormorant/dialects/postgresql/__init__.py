"""PostgreSQL-specific constructs: its types (JSONB, ARRAY, UUID, INET, CIDR,
TSVECTOR, INTERVAL, ENUM, the range types with Range, and the rest by name), and `insert()` with ON CONFLICT upserts."""

from __future__ import annotations

import typing
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

from ...engine.default import PGDialect
from ...sql.elements import CustomOpExpression, coerce
from ...sql.sqltypes import JSON, Boolean, Text
from ...sql.standard_types import (
    BIGINT,
    BOOLEAN,
    CHAR,
    DATE,
    DOUBLE_PRECISION,
    FLOAT,
    INTEGER,
    NUMERIC,
    REAL,
    SMALLINT,
    TEXT,
    VARCHAR,
)
from .._on_conflict import Excluded, ExcludedColumn, OnConflictInsert, constraint_columns
from .constraints import ExcludeConstraint
from .ext import All, Any, aggregate_order_by, array, array_agg
from .hstore import HSTORE, hstore
from .named_types import (
    DOMAIN,
    ENUM,
    CreateDomainType,
    CreateEnumType,
    DropDomainType,
    DropEnumType,
    NamedType,
)
from .ranges import (
    DATEMULTIRANGE,
    DATERANGE,
    INT4MULTIRANGE,
    INT4RANGE,
    INT8MULTIRANGE,
    INT8RANGE,
    NUMMULTIRANGE,
    NUMRANGE,
    TSMULTIRANGE,
    TSRANGE,
    TSTZMULTIRANGE,
    TSTZRANGE,
    MultiRange,
    Range,
)
from .types import (
    ARRAY,
    BIT,
    BYTEA,
    CIDR,
    CITEXT,
    INET,
    INTERVAL,
    JSONPATH,
    MACADDR,
    MACADDR8,
    MONEY,
    OID,
    REGCLASS,
    REGCONFIG,
    TIME,
    TIMESTAMP,
    TSQUERY,
    TSVECTOR,
    UUID,
)

if TYPE_CHECKING:
    from typing_extensions import Self

__all__ = [
    "PGDialect",
    "dialect",
    "ARRAY",
    "CIDR",
    "INET",
    "INTERVAL",
    "JSONB",
    "TSVECTOR",
    "UUID",
    "Excluded",
    "ExcludedColumn",
    "Insert",
    "insert",
    "BIGINT",
    "BOOLEAN",
    "CHAR",
    "DATE",
    "DOUBLE_PRECISION",
    "FLOAT",
    "INTEGER",
    "NUMERIC",
    "REAL",
    "SMALLINT",
    "TEXT",
    "VARCHAR",
    "ENUM",
    "CreateEnumType",
    "DropEnumType",
    "ExcludeConstraint",
    "NamedType",
    "DATEMULTIRANGE",
    "DATERANGE",
    "INT4MULTIRANGE",
    "INT4RANGE",
    "INT8MULTIRANGE",
    "INT8RANGE",
    "NUMMULTIRANGE",
    "NUMRANGE",
    "TSMULTIRANGE",
    "TSRANGE",
    "TSTZMULTIRANGE",
    "TSTZRANGE",
    "Range",
    "BIT",
    "BYTEA",
    "CITEXT",
    "JSONPATH",
    "MACADDR",
    "MACADDR8",
    "MONEY",
    "OID",
    "REGCLASS",
    "REGCONFIG",
    "TIME",
    "TIMESTAMP",
    "TSQUERY",
    "All",
    "Any",
    "aggregate_order_by",
    "array",
    "array_agg",
    "HSTORE",
    "hstore",
    "DOMAIN",
    "CreateDomainType",
    "DropDomainType",
    "MultiRange",
]


class JSONB(JSON):
    """PostgreSQL's binary JSON column type (JSONB); values are dicts, lists and
    scalars. has_key(), has_all(), has_any(), contains(), contained_by(),
    path_exists(), path_match() and delete_path() are its operators."""

    _ddl_name = "jsonb"

    def _contains_expression(self, expr: typing.Any, other: typing.Any) -> typing.Any:
        return _jsonb_test(self, expr, "@>", other, self)


def _jsonb_test(
    type_: typing.Any, expr: typing.Any, operator: str, other: typing.Any, other_type: typing.Any
) -> CustomOpExpression:
    return CustomOpExpression(expr, operator, coerce(other, other_type, None), Boolean(), 5)


JSONB._operators = {
    "has_key": lambda t, e, key: _jsonb_test(t, e, "?", key, Text()),
    "has_all": lambda t, e, keys: _jsonb_test(t, e, "?&", keys, ARRAY(Text())),
    "has_any": lambda t, e, keys: _jsonb_test(t, e, "?|", keys, ARRAY(Text())),
    "contained_by": lambda t, e, other: _jsonb_test(t, e, "<@", other, t),
    "path_exists": lambda t, e, path: _jsonb_test(t, e, "@?", path, JSONPATH()),
    "path_match": lambda t, e, path: _jsonb_test(t, e, "@@", path, JSONPATH()),
    "delete_path": lambda t, e, path: CustomOpExpression(e, "#-", coerce(path, ARRAY(Text()), None), t, 7),
}


class Insert(OnConflictInsert):
    """PostgreSQL's INSERT with `on_conflict_do_update()` / `on_conflict_do_nothing()`.
    DO UPDATE needs a conflict target: `index_elements` or a unique `constraint`."""

    _update_needs_target = True

    def on_conflict_do_update(
        self,
        constraint: typing.Any = None,
        index_elements: Iterable[typing.Any] | None = None,
        index_where: typing.Any = None,
        set_: Mapping[typing.Any, typing.Any] | None = None,
        where: typing.Any = None,
    ) -> Self:
        """ON CONFLICT (target) DO UPDATE SET set_ [WHERE where]."""
        return self._do_update(self._conflict_target(constraint, index_elements, index_where), set_, where)

    def on_conflict_do_nothing(
        self,
        constraint: typing.Any = None,
        index_elements: Iterable[typing.Any] | None = None,
        index_where: typing.Any = None,
    ) -> Self:
        """ON CONFLICT [(target)] DO NOTHING."""
        return self._do_nothing(self._conflict_target(constraint, index_elements, index_where))

    def _conflict_target(
        self, constraint: typing.Any, index_elements: typing.Any, index_where: typing.Any
    ) -> tuple[str, ...]:
        if constraint is None:
            return self._index_target(index_elements, index_where)
        if index_elements is not None or index_where is not None:
            raise ValueError("'constraint' and 'index_elements' are mutually exclusive")
        return constraint_columns(self.table, constraint)


def insert(table: typing.Any) -> Insert:
    """An INSERT into a Table or mapped class, with PostgreSQL's ON CONFLICT clauses."""
    return Insert(table)


# SQLAlchemy's name for the backend's default dialect class: `postgresql.dialect()`.
dialect = PGDialect
