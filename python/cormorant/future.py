"""cormorant.future: SQLAlchemy 1.4's bridge to the 2.0 API. In 2.0 these are
the same objects as the top-level ones, and so they are here."""

from . import Connection, Engine, create_engine, select

__all__ = ["Connection", "Engine", "create_engine", "select"]
