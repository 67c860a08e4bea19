"""Options of one's own: UserDefinedOption carries a payload on a statement
(`select(User).options(MyOption(...))`) for do_orm_execute listeners to read
from `orm_execute_state.user_defined_options`; loading ignores it."""

from __future__ import annotations

from typing import Any


class UserDefinedOption:
    """Base class of an option that only do_orm_execute listeners consume."""

    __slots__ = ("payload",)

    #: SQLAlchemy carries such options on to the lazy loads of the objects
    #: loaded with them when this is True; cormorant does not, so a subclass
    #: setting it is refused when made.
    propagate_to_loaders = False

    def __init__(self, payload: Any | None = None) -> None:
        if self.propagate_to_loaders:
            raise NotImplementedError(
                f"{type(self).__name__}.propagate_to_loaders = True: cormorant does not carry "
                "user-defined options on to lazy loads and refreshes"
            )
        self.payload = payload

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.payload!r})"
