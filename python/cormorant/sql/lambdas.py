"""lambda_stmt(): a statement built by lambdas, as SQLAlchemy's lambda
statements are written. SQLAlchemy runs the lambdas once per code location
and caches the result; here the lambdas run at each execution and the
statement they build goes through the structural statement cache like any
other, so closure values are always those of the moment (what SQLAlchemy's
tracking options exist to guarantee)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..exc import ArgumentError
from .elements import BindCollector, ClauseElement


class LambdaElement(ClauseElement):
    """A SQL element produced by a lambda, built again each time it is used."""

    def __init__(self, fn: Callable[[], Any]) -> None:
        if not callable(fn):
            raise ArgumentError(f"a lambda element needs a callable, got {fn!r}")
        self.fn = fn

    def _resolved(self) -> Any:
        return self.fn()

    def _datum(self, binds: BindCollector) -> tuple[Any, ...]:
        datum: tuple[Any, ...] = self._resolved()._datum(binds)
        return datum


class StatementLambdaElement(LambdaElement):
    """lambda_stmt(lambda: select(User)): a statement; `stmt + (lambda s: s.where(...))`
    (or `+=`) adds a step that receives the statement built so far."""

    def __init__(self, fn: Callable[[], Any], steps: tuple[Callable[[Any], Any], ...] = ()) -> None:
        super().__init__(fn)
        self.steps = steps

    def __add__(self, other: Callable[[Any], Any]) -> StatementLambdaElement:
        return self.add_criteria(other)

    def add_criteria(self, other: Callable[[Any], Any], **tracking: Any) -> StatementLambdaElement:
        """This statement with one more step, `other(statement)`."""
        _check_tracking(tracking)
        if not callable(other):
            raise ArgumentError(f"a lambda statement step needs a callable, got {other!r}")
        return StatementLambdaElement(self.fn, (*self.steps, other))

    def spoil(self) -> Any:
        """The statement the lambdas build, as a plain (non-lambda) statement."""
        return self._resolved()

    def _resolved(self) -> Any:
        statement = self.fn()
        for step in self.steps:
            statement = step(statement)
        return statement


_TRACKING = frozenset(
    {
        "enable_tracking",
        "track_closure_variables",
        "track_on",
        "global_track_bound_values",
        "track_bound_values",
        "lambda_cache",
    }
)


def _check_tracking(options: dict[str, Any]) -> None:
    unknown = set(options) - _TRACKING
    if unknown:
        raise ArgumentError(f"unknown lambda_stmt() arguments: {', '.join(sorted(unknown))}")


def lambda_stmt(lmb: Callable[[], Any], **tracking: Any) -> StatementLambdaElement:
    """A statement built by `lmb()`. SQLAlchemy's caching arguments
    (`enable_tracking`, `track_closure_variables`, `track_on`,
    `global_track_bound_values`, `track_bound_values`, `lambda_cache`) are
    accepted: the lambdas run at each execution, so every closure value is
    always current, which is what those arguments tune."""
    _check_tracking(tracking)
    return StatementLambdaElement(lmb)
