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


class UnsupportedCompilationError(CompileError):
    """A construct the dialect's compiler cannot render (TRY_CAST on SQLite
    and PostgreSQL, say)."""

    def __init__(self, compiler: object, element_type: type, message: str | None = None) -> None:
        detail = f": {message}" if message else ""
        super().__init__(f"Compiler {compiler!r} can't render element of type {element_type}{detail}")
        self.compiler, self.element_type, self.message = compiler, element_type, message


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


class AwaitRequired(InvalidRequestError):
    """An async call was made without `await`."""


class MissingGreenlet(InvalidRequestError):
    """Database I/O of an async engine was attempted outside an awaited call
    (a lazy load or an expired attribute read in async code, for example)."""


class StaleDataError(CormorantError):
    pass


class SAWarning(RuntimeWarning):
    """Something in the ORM's use is likely a mistake (SQLAlchemy's name)."""


class SADeprecationWarning(DeprecationWarning):
    """A feature that SQLAlchemy (and so cormorant) deprecates."""


class SAPendingDeprecationWarning(PendingDeprecationWarning):
    """A feature to be deprecated in a later release."""


class Base20DeprecationWarning(SADeprecationWarning):
    """A feature deprecated since SQLAlchemy 2.0."""


class LegacyAPIWarning(Base20DeprecationWarning):
    """A 1.x API that 2.0 keeps as legacy (Query.get(), for example)."""


class MovedIn20Warning(Base20DeprecationWarning):
    """A name that moved in 2.0 (declarative_base() to sqlalchemy.orm, for example)."""


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

    # create_engine(hide_parameters=True): the message leaves the parameters out.
    hide_parameters = False

    def __str__(self) -> str:
        text = super().__str__()
        if self.statement:
            text += f"\n[SQL: {self.statement}]"
            if self.hide_parameters:
                text += "\n[SQL parameters hidden due to hide_parameters=True]"
            elif self.params:
                text += f"\n[parameters: {_repr_params(self.params)}]"
        return text


# As SQLAlchemy shortens them: at most this many parameter sets of an
# executemany, values of one set, and characters of one value.
_SHOWN_PARAMETER_SETS = 10
_SHOWN_VALUES = 100
_SHOWN_VALUE_CHARS = 300


def _repr_value(value: Any) -> str:
    text = repr(value)
    if len(text) <= _SHOWN_VALUE_CHARS:
        return text
    half = _SHOWN_VALUE_CHARS // 2
    return f"{text[:half]} ... ({len(text) - 2 * half} characters truncated) ... {text[-half:]}"


def _repr_one(params: Any) -> str:
    if isinstance(params, dict):
        return "{" + ", ".join(f"{k!r}: {_repr_value(v)}" for k, v in params.items()) + "}"
    if isinstance(params, (list, tuple)):
        if len(params) <= _SHOWN_VALUES:
            return "(" + ", ".join(_repr_value(v) for v in params) + ")"
        head = ", ".join(_repr_value(v) for v in params[: _SHOWN_VALUES - 2])
        tail = ", ".join(_repr_value(v) for v in params[-2:])
        return f"({head}  ... {len(params) - _SHOWN_VALUES} parameters truncated ...  {tail})"
    return _repr_value(params)


def _repr_params(params: Any) -> str:
    """The parameters of a failed statement for its message: an executemany's
    first and last sets only, long values cut in the middle."""
    many = isinstance(params, (list, tuple)) and bool(params) and isinstance(params[0], (dict, list, tuple))
    if not many:
        return _repr_one(params)
    if len(params) <= _SHOWN_PARAMETER_SETS:
        return "[" + ", ".join(_repr_one(p) for p in params) + "]"
    head = ", ".join(_repr_one(p) for p in params[: _SHOWN_PARAMETER_SETS - 2])
    tail = ", ".join(_repr_one(p) for p in params[-2:])
    shown = f"displaying {_SHOWN_PARAMETER_SETS} of {len(params)} total bound parameter sets"
    return f"[{head}  ... {shown} ...  {tail}]"


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
