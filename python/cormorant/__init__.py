"""cormorant: SQLAlchemy 2.0's API on a C++ engine.

Write `from cormorant import select` where you wrote `from sqlalchemy import select`."""

from . import (
    event,  # noqa: E402  (the module, as in `from cormorant import event`)
    exc,
)
from .engine import URL, Connection, Engine, Result, Row, create_engine, make_url
from .event import listen, listens_for
from .inspection import inspect
from .pool import NullPool, QueuePool, StaticPool
from .sql import (
    Delete,
    Insert,
    Select,
    Update,
    and_,
    asc,
    between,
    bindparam,
    case,
    cast,
    delete,
    desc,
    distinct,
    exists,
    false,
    func,
    insert,
    literal,
    literal_column,
    not_,
    null,
    nulls_first,
    nulls_last,
    or_,
    select,
    text,
    true,
    update,
)
from .sql.schema import (
    CheckConstraint,
    Column,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    MetaData,
    PrimaryKeyConstraint,
    Table,
    UniqueConstraint,
)
from .sql.sqltypes import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    Double,
    Enum,
    Float,
    Integer,
    LargeBinary,
    Numeric,
    SmallInteger,
    String,
    Text,
    Time,
    Unicode,
    UnicodeText,
    Uuid,
)

__version__ = "0.1.0"

__all__ = [
    "JSON", "URL", "BigInteger", "Boolean", "CheckConstraint", "Column", "Connection", "Date", "DateTime",
    "Delete", "Double", "Engine", "Enum", "Float", "ForeignKey", "ForeignKeyConstraint", "Index", "Insert",
    "Integer", "LargeBinary", "MetaData", "NullPool", "Numeric", "PrimaryKeyConstraint", "QueuePool",
    "Result", "Row", "Select", "SmallInteger", "StaticPool", "String", "Table", "Text", "Time", "Unicode",
    "UnicodeText", "UniqueConstraint", "Update", "Uuid", "and_", "asc", "between", "bindparam", "case",
    "cast", "create_engine", "delete", "desc", "distinct", "event", "exc", "exists", "false", "func",
    "insert", "inspect", "listen", "listens_for", "literal", "literal_column", "make_url", "not_", "null",
    "nulls_first", "nulls_last", "or_", "select", "text", "true", "update",
]
