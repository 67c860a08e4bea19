"""Engines, connections and results."""

from .base import Connection, Engine, Transaction
from .create import create_engine, engine_from_config
from .result import CursorResult, MappingResult, Result, Row, ScalarResult
from .url import URL, make_url

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
]
