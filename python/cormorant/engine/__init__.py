"""Engines, connections and results."""

from ..sql.compiler import Compiled
from .base import Connection, Engine, NestedTransaction, RootTransaction, Transaction, TwoPhaseTransaction
from .create import create_engine, create_pool_from_url, engine_from_config
from .interfaces import (
    AdaptedConnection,
    BindTyping,
    Connectable,
    ConnectionEventsTarget,
    CreateEnginePlugin,
    Dialect,
    ExceptionContext,
    ExecutionContext,
    TypeCompiler,
)
from .mock import create_mock_engine
from .reflection import Inspector, ObjectKind, ObjectScope
from .result import (
    BaseRow,
    ChunkedIteratorResult,
    CursorResult,
    FilterResult,
    FrozenResult,
    IteratorResult,
    MappingResult,
    MergedResult,
    Result,
    ResultProxy,
    Row,
    RowMapping,
    ScalarResult,
    TupleResult,
    result_tuple,
)
from .url import URL, make_url
from .util import connection_memoize

__all__ = [
    "Connection",
    "CursorResult",
    "Engine",
    "MappingResult",
    "Result",
    "Row",
    "ScalarResult",
    "Transaction",
    "URL",
    "create_engine",
    "engine_from_config",
    "make_url",
    "AdaptedConnection",
    "BaseRow",
    "BindTyping",
    "ChunkedIteratorResult",
    "Compiled",
    "Connectable",
    "ConnectionEventsTarget",
    "CreateEnginePlugin",
    "Dialect",
    "ExceptionContext",
    "ExecutionContext",
    "FilterResult",
    "FrozenResult",
    "Inspector",
    "IteratorResult",
    "MergedResult",
    "NestedTransaction",
    "ObjectKind",
    "ObjectScope",
    "ResultProxy",
    "RootTransaction",
    "RowMapping",
    "TupleResult",
    "TwoPhaseTransaction",
    "TypeCompiler",
    "connection_memoize",
    "create_mock_engine",
    "create_pool_from_url",
    "result_tuple",
]
