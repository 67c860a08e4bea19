"""Internal helpers shared by the engine and the ORM, and the public
utilities SQLAlchemy keeps in `sqlalchemy.util` (IdentitySet)."""

from ._collections import IdentitySet

__all__ = ["IdentitySet"]
