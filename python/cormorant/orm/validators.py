"""@validates: methods of a mapped class that check (and may replace) a value
before it is stored in a column attribute or added to (removed from) a
relationship. Only the attributes that have a validator get the validating
descriptor, so the others pay nothing."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, SupportsIndex

from ..exc import InvalidRequestError
from .attributes import InstrumentedAttribute
from .collections import InstrumentedList
from .relationships import Relationship

_VALIDATES = "__sa_validators__"


def validates(
    *names: str, include_removes: bool = False, include_backrefs: bool = True
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Decorates a method `(self, key, value)` (with `is_remove` after value
    when include_removes=True) that is called before each named attribute is
    set or appended to; what it returns is what is stored."""

    def mark(fn: Callable[..., Any]) -> Callable[..., Any]:
        setattr(fn, _VALIDATES, (names, include_removes, include_backrefs))
        return fn

    return mark


class Validator:
    """One @validates method bound to one attribute."""

    __slots__ = ("fn", "key", "include_removes", "include_backrefs")

    def __init__(
        self, fn: Callable[..., Any], key: str, include_removes: bool, include_backrefs: bool
    ) -> None:
        self.fn, self.key = fn, key
        self.include_removes, self.include_backrefs = include_removes, include_backrefs

    def set(self, obj: Any, value: Any) -> Any:
        if self.include_removes:
            return self.fn(obj, self.key, value, False)
        return self.fn(obj, self.key, value)

    def remove(self, obj: Any, value: Any) -> None:
        if self.include_removes:
            self.fn(obj, self.key, value, True)


def install_validators(cls: type, mapper: Any, sources: Iterable[type]) -> None:
    """Finds the @validates methods of `cls`, its mixins and the mapped
    classes it inherits from (`sources`, bases first) and gives each named
    attribute its validating descriptor."""
    found: dict[str, Validator] = {}
    for klass in sources:
        own: set[str] = set()  # a subclass's validator replaces its parent's; two in one class clash
        for value in klass.__dict__.values():
            spec = getattr(value, _VALIDATES, None)
            if spec is None:
                continue
            names, include_removes, include_backrefs = spec
            for key in names:
                if key in own:
                    raise InvalidRequestError(
                        f"A validation function for mapped attribute '{key}' on mapper {mapper} already exists."
                    )
                own.add(key)
                found[key] = Validator(value, key, include_removes, include_backrefs)
    for key, validator in found.items():
        _validate_attribute(cls, mapper, key, validator)


def _validate_attribute(cls: type, mapper: Any, key: str, validator: Validator) -> None:
    if key in mapper.instrumented:
        attr = ValidatedAttribute(key, mapper.attr_columns[key], mapper)
        attr.validator = validator
        mapper.instrumented[key] = attr
        setattr(cls, key, attr)
    elif key in mapper.relationships:
        rel = mapper.relationships[key]
        rel.__class__ = ValidatedRelationship
        rel.validator = validator
    else:
        raise InvalidRequestError(
            f"@validates names '{key}', which is not a mapped column or relationship of {cls.__name__}"
        )


class ValidatedAttribute(InstrumentedAttribute[Any]):
    """A column attribute whose new values pass through a validator first."""

    __slots__ = ("validator",)

    validator: Validator

    def __set__(self, instance: Any, value: Any) -> None:
        super().__set__(instance, self.validator.set(instance, value))

    def __delete__(self, instance: Any) -> None:
        self.validator.remove(instance, instance.__dict__.get(self.key))
        super().__set__(instance, None)


class ValidatedRelationship(Relationship):
    """A relationship whose members (or scalar value) pass through a validator
    when set, appended or (with include_removes) removed."""

    validator: Validator

    def __set__(self, instance: Any, value: Any) -> None:
        self._ensure()
        validator = self.validator
        if self.uselist:
            value = _validated_members(validator, instance, value)
        elif value is not None:
            value = validator.set(instance, value)
        super().__set__(instance, value)

    def new_collection(self, owner: Any, items: Any = ()) -> Any:
        if self._collection_factory is not None:  # sets, dictionaries: their events call the validator
            return self._new_instrumented_collection(owner, items)
        return ValidatedList(items, owner=owner, relationship=self)

    def _quiet_add(self, owner: Any, item: Any) -> None:
        """A change made from the other side (a backref) is validated too, unless
        the validator said include_backrefs=False."""
        if self.validator.include_backrefs:
            item = self.validator.set(owner, item)
        super()._quiet_add(owner, item)

    def _quiet_remove(self, owner: Any, item: Any) -> None:
        if self.validator.include_backrefs:
            self.validator.remove(owner, item)
        super()._quiet_remove(owner, item)


def _validated_members(validator: Validator, instance: Any, value: Any) -> Any:
    """An assigned collection with each member validated, of the kind it was given."""
    if isinstance(value, dict):
        return {key: validator.set(instance, item) for key, item in value.items()}
    if isinstance(value, (set, frozenset)):
        return {validator.set(instance, item) for item in value}
    return [validator.set(instance, item) for item in value]


class ValidatedList(InstrumentedList):
    """The collection of a validated relationship: each added member is what
    the validator returns; removals are reported with include_removes."""

    __slots__ = ()

    def _adding(self, item: Any) -> Any:
        """Every way in (append, insert, extend, assignment) validates the member first."""
        return super()._adding(self._rel.validator.set(self._owner, item))

    def _report_removal(self, item: Any) -> None:
        self._rel.validator.remove(self._owner, item)

    def remove(self, item: Any) -> None:
        self._report_removal(item)
        super().remove(item)

    def pop(self, index: SupportsIndex = -1) -> Any:
        self._report_removal(self[index])
        return super().pop(index)

    def clear(self) -> None:
        for item in list(self):
            self._report_removal(item)
        super().clear()

    def __setitem__(self, index: Any, value: Any) -> None:
        old = self[index]
        for item in old if isinstance(index, slice) else [old]:
            self._report_removal(item)
        super().__setitem__(index, value)

    def __delitem__(self, index: Any) -> None:
        old = self[index]
        for item in old if isinstance(index, slice) else [old]:
            self._report_removal(item)
        super().__delitem__(index)
