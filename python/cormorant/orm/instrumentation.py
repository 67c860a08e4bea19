"""ClassManager: the instrumented attributes of a mapped class, by key, as
SQLAlchemy's class manager offers them (`manager_of_class(User)["name"]`)."""

from __future__ import annotations

from typing import Any

from .attributes import STATE_KEY
from .exc import UnmappedClassError


class ClassManager(dict[str, Any]):
    """A mapped class's attributes by key (columns, relationships and the other
    mapped properties), with the class and its Mapper."""

    def __init__(self, class_: type) -> None:
        mapper = getattr(class_, "__mapper__", None)
        if mapper is None:
            raise UnmappedClassError(class_)
        super().__init__((key, getattr(class_, key)) for key in mapper.attrs.keys())
        self.class_ = class_
        self.mapper = mapper

    @property
    def is_mapped(self) -> bool:
        return True

    def new_instance(self) -> Any:
        """An instance made without calling __init__, as loading makes them."""
        cls: Any = self.class_
        return cls.__new__(cls)

    def has_state(self, instance: Any) -> bool:
        """Whether `instance` carries ORM state (it was added to a Session or loaded)."""
        return STATE_KEY in getattr(instance, "__dict__", {})

    def __repr__(self) -> str:
        return f"<ClassManager of {self.class_.__name__} at {id(self):x}>"


def manager_of_class(class_: type) -> ClassManager:
    """The ClassManager of a mapped class; UnmappedClassError for another."""
    return ClassManager(class_)
