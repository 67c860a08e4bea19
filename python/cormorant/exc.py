"""The exception hierarchy, with SQLAlchemy's class names and attributes."""

from __future__ import annotations

from typing import Any


class HasDescriptionCode:
    """Gives an error a `code` (keyword `code=` or a class attribute) naming
    the SQLAlchemy documentation section that explains it; str() then ends
    with a link to that section."""

    code: str | None = None

    def __init__(self, *args: Any, **kw: Any) -> None:
        code = kw.pop("code", None)
        if code is not None:
            self.code = code
        super().__init__(*args, **kw)

    def _code_str(self) -> str:
        if not self.code:
            return ""
        return f"(Background on this error at: https://sqlalche.me/e/20/{self.code})"

    def __str__(self) -> str:
        message = super().__str__()
        return f"{message} {self._code_str()}" if self.code else message


class DontWrapMixin:
    """Mixed into a user exception class, keeps an instance raised while a
    statement executes (in a TypeDecorator's process_bind_param, say) from
    being wrapped in StatementError: it propagates as raised."""


class CormorantError(HasDescriptionCode, Exception):
    """Base of every cormorant error."""

    def __str__(self) -> str:
        # The message as given, even where KeyError (NoSuchColumnError's other base) would quote it.
        message = str(self.args[0]) if len(self.args) == 1 else str(self.args)
        return f"{message} {self._code_str()}" if self.code else message


SQLAlchemyError = CormorantError


class ArgumentError(CormorantError):
    """Bad arguments to a constructor or function (an unsupported URL, say)."""


class ObjectNotExecutableError(ArgumentError):
    """execute() was given something that is not a statement."""

    def __init__(self, target: Any) -> None:
        super().__init__(f"Not an executable object: {target!r}")
        self.target = target

    def __reduce__(self) -> tuple[Any, ...]:
        return self.__class__, (self.target,)


class NoSuchModuleError(ArgumentError):
    """No dialect (or plugin) of the requested name exists."""


class NoForeignKeysError(ArgumentError):
    """No foreign key links the two sides of a join or relationship."""


class AmbiguousForeignKeysError(ArgumentError):
    """More than one foreign key links the two sides of a join or relationship."""


class DuplicateColumnError(ArgumentError):
    """A Column would replace another of the same name in its Table."""


class ConstraintColumnNotFoundError(ArgumentError):
    """A constraint or index names a column its table does not have."""


class IdentifierError(CormorantError):
    """A name is longer than the database allows for identifiers."""


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


class NoSuchColumnError(InvalidRequestError, KeyError):
    """A Row (or RowMapping) has no column of the requested key."""


class NoInspectionAvailable(InvalidRequestError):
    """inspect() was given an object it has nothing to say about."""


class UnboundExecutionError(InvalidRequestError):
    """SQL was to run without a connection to run it on (an unbound Session)."""


class IllegalStateChangeError(InvalidRequestError):
    """An object moved to a state its current state does not allow."""


class UnreflectableTableError(InvalidRequestError):
    """The table exists but cannot be reflected."""


class NoReferenceError(InvalidRequestError):
    """A ForeignKey's target cannot be resolved."""

    table_name: str


class NoReferencedTableError(NoReferenceError):
    """A ForeignKey names a table its MetaData does not hold."""

    def __init__(self, message: str, tname: str) -> None:
        super().__init__(message)
        self.table_name = tname

    def __reduce__(self) -> tuple[Any, ...]:
        return self.__class__, (self.args[0], self.table_name)


class NoReferencedColumnError(NoReferenceError):
    """A ForeignKey names a column its target table does not have."""

    def __init__(self, message: str, tname: str, cname: str) -> None:
        super().__init__(message)
        self.table_name = tname
        self.column_name = cname

    def __reduce__(self) -> tuple[Any, ...]:
        return self.__class__, (self.args[0], self.table_name, self.column_name)


class AwaitRequired(InvalidRequestError):
    """An async call was made without `await`."""


class MissingGreenlet(InvalidRequestError):
    """Database I/O of an async engine was attempted outside an awaited call
    (a lazy load or an expired attribute read in async code, for example)."""


class SAWarning(RuntimeWarning):
    """Something in the ORM's use is likely a mistake (SQLAlchemy's name)."""


class SATestSuiteWarning(Warning):
    """A non-fatal condition noticed while running a test suite."""


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


class InvalidatePoolError(DisconnectionError):
    """A disconnect that means every pooled connection is stale (the database
    restarted): the pool invalidates them all."""

    invalidate_pool: bool = True


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


# The ORM's errors live in cormorant.orm.exc, as in SQLAlchemy; these names
# were importable from here before, and still are (lazily: Core imports no ORM).
_MOVED_TO_ORM = frozenset(
    {"UnmappedInstanceError", "DetachedInstanceError", "ObjectDeletedError", "StaleDataError"}
)


def __getattr__(name: str) -> Any:
    if name in _MOVED_TO_ORM:
        from .orm import exc as orm_exc

        return getattr(orm_exc, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
