"""The ORM's exceptions, at SQLAlchemy's module path (sqlalchemy.orm.exc).
NoResultFound and MultipleResultsFound are cormorant.exc's classes, as in
SQLAlchemy."""

from __future__ import annotations

from typing import Any

from ..exc import ArgumentError, CormorantError, InvalidRequestError, MultipleResultsFound, NoResultFound


class StaleDataError(CormorantError):
    """The database holds other rows than the session expected: an UPDATE or
    DELETE of a flush matched fewer rows than it named, say."""


ConcurrentModificationError = StaleDataError


class FlushError(CormorantError):
    """flush() found the session's objects in a state it cannot write."""


class DetachedInstanceError(CormorantError):
    """An unloaded attribute was read on an object no session holds."""

    code = "bhk3"


class ObjectDereferencedError(CormorantError):
    """An operation needed an object that was garbage collected."""


class UnmappedError(InvalidRequestError):
    """Base of the errors about a class or object that should be mapped and is not."""


def _class_name(cls: type) -> str:
    return f"{cls.__module__}.{cls.__name__}"


class UnmappedClassError(UnmappedError):
    """A class that is not mapped was given where a mapped class is needed."""

    def __init__(self, cls: type, msg: str | None = None) -> None:
        super().__init__(msg or f"Class '{_class_name(cls)}' is not mapped")

    def __reduce__(self) -> Any:
        return self.__class__, (None, self.args[0])


class UnmappedInstanceError(UnmappedError):
    """An object of a class that is not mapped was given where a mapped one is needed."""

    def __init__(self, obj: object, msg: str | None = None) -> None:
        if not msg:
            msg = f"Class '{_class_name(type(obj))}' is not mapped"
            if isinstance(obj, type):
                msg += f"; was a class ({_class_name(obj)}) supplied where an instance was required?"
        super().__init__(msg)

    def __reduce__(self) -> Any:
        return self.__class__, (None, self.args[0])


class UnmappedColumnError(InvalidRequestError):
    """A column the mapper does not map was named."""


class ObjectDeletedError(InvalidRequestError):
    """Refreshing an object found no row for its primary key."""

    def __init__(self, state: Any, msg: str | None = None) -> None:
        if not msg:
            instance = state.obj() if state is not None else None
            msg = f"Instance '{_state_str(instance)}' has been deleted, or its row is otherwise not present."
        super().__init__(msg)

    def __reduce__(self) -> Any:
        return self.__class__, (None, self.args[0])


def _state_str(instance: object) -> str:
    return "None" if instance is None else f"<{type(instance).__name__} at 0x{id(instance):x}>"


class LoaderStrategyException(InvalidRequestError):
    """No loader strategy of the requested name exists for the attribute."""

    def __init__(
        self,
        applied_to_property_type: type,
        requesting_property: Any,
        applies_to: type | None,
        actual_strategy_type: type | None,
        strategy_key: tuple[Any, ...],
    ) -> None:
        if actual_strategy_type is None:
            message = f"Can't find strategy {strategy_key} for {requesting_property}"
        else:
            message = (
                f'Can\'t apply "{actual_strategy_type.__name__}" strategy to property "{requesting_property}", '
                f'which is a "{applied_to_property_type.__name__}"; this loader strategy is intended '
                f'to be used with a "{applies_to.__name__ if applies_to else None}".'
            )
        super().__init__(message)


class MappedAnnotationError(ArgumentError):
    """A Mapped[] annotation names a type the declarative mapping cannot interpret."""


__all__ = [
    "ConcurrentModificationError",
    "DetachedInstanceError",
    "FlushError",
    "LoaderStrategyException",
    "MappedAnnotationError",
    "MultipleResultsFound",
    "NoResultFound",
    "ObjectDeletedError",
    "ObjectDereferencedError",
    "StaleDataError",
    "UnmappedClassError",
    "UnmappedColumnError",
    "UnmappedError",
    "UnmappedInstanceError",
]
