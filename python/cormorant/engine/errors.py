"""The one place where engine errors become cormorant.exc exceptions."""

from __future__ import annotations

from typing import Any

from .. import _native, exc

_BY_KIND: dict[str, type[exc.DBAPIError]] = {
    "interface": exc.InterfaceError,
    "operational": exc.OperationalError,
    "integrity": exc.IntegrityError,
    "programming": exc.ProgrammingError,
    "data": exc.DataError,
    "not_supported": exc.NotSupportedError,
    "internal": exc.InternalError,
    "database": exc.DatabaseError,
}

# Engine errors that are about the library's use rather than the database.
_NOT_DBAPI: dict[str, type[exc.CormorantError]] = {
    "pool_timeout": exc.TimeoutError,
    "invalid_request": exc.InvalidRequestError,
}


def translate(error: _native.Error, statement: str | None = None, params: Any = None) -> exc.CormorantError:
    """The cormorant.exc exception for a native engine error."""
    if error.kind in _NOT_DBAPI:
        return _NOT_DBAPI[error.kind](str(error))
    cls = _BY_KIND.get(error.kind, exc.DatabaseError)
    statement = statement or error.statement
    message = f"({cls.__name__}) {error}"
    return cls(message, statement, params, error, connection_invalidated=bool(error.connection_dead))
