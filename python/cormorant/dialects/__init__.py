"""Dialect-specific constructs: `from cormorant.dialects import sqlite, postgresql`."""

from . import postgresql, sqlite

__all__ = ["postgresql", "sqlite"]
