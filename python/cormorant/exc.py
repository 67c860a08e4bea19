"""The exception hierarchy, with SQLAlchemy's class names and attributes."""

from __future__ import annotations

from typing import Any


class CormorantError(Exception):
    """Base of every cormorant error."""


SQLAlchemyError = CormorantError


class ArgumentError(CormorantError):
    """Bad arguments to a constructor or function (an unsupported URL, say)."""


class CompileError(CormorantError):
    pass


class InvalidRequestError(CormorantError):
    """The operation is not valid in the current state."""


class NoResultFound(InvalidRequestError):
    pass


class MultipleResultsFound(InvalidRequestError):
    pass


class ResourceClosedError(InvalidRequestError):
    """A closed connection, result or session was used."""


class PendingRollbackError(InvalidRequestError):
    """A flush failed; call rollback() before using the session again."""


class NoSuchTableError(InvalidRequestError):
    pass


class UnmappedInstanceError(InvalidRequestError):
    pass


class DetachedInstanceError(InvalidRequestError):
    pass


class ObjectDeletedError(InvalidRequestError):
    pass


class StaleDataError(CormorantError):
    pass


class SAWarning(RuntimeWarning):
    """Something in the ORM's use is likely a mistake (SQLAlchemy's name)."""


class CircularDependencyError(CormorantError):
    """The unit of work found rows that each need the other inserted first."""


class TimeoutError(CormorantError):  # noqa: A001 - SQLAlchemy's name
    """No pooled connection became free within pool_timeout."""


class DisconnectionError(CormorantError):
    pass


class StatementError(CormorantError):
    """An error while executing a statement; carries the statement and parameters."""

    def __init__(self, message: str, statement: str | None, params: Any, orig: BaseException | None) -> None:
        super().__init__(message)
        self.statement = statement
        self.params = params
        self.orig = orig

    def __str__(self) -> str:
        text = super().__str__()
        if self.statement:
            text += f"\n[SQL: {self.statement}]"
            if self.params:
                text += f"\n[parameters: {self.params!r}]"
        return text


class DBAPIError(StatementError):
    """An error reported by the database; `.orig` is the driver-level error."""

    def __init__(
        self,
        message: str,
        statement: str | None,
        params: Any,
        orig: BaseException | None,
        connection_invalidated: bool = False,
    ) -> None:
        super().__init__(message, statement, params, orig)
        self.connection_invalidated = connection_invalidated


class InterfaceError(DBAPIError):
    pass


class DatabaseError(DBAPIError):
    pass


class DataError(DatabaseError):
    pass


class OperationalError(DatabaseError):
    pass


class IntegrityError(DatabaseError):
    pass


class InternalError(DatabaseError):
    pass


class ProgrammingError(DatabaseError):
    pass


class NotSupportedError(DatabaseError):
    pass
