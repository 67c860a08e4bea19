"""Alembic on cormorant models (the `cormorant[alembic]` extra).

Alembic's own `env.py` works unchanged with `target_metadata = Base.metadata`
where `Base` is a cormorant `DeclarativeBase`. cormorant publishes this module
as an Alembic plugin (the `alembic.plugins` entry point); when Alembic starts an
autogenerate run (`revision --autogenerate`, `check`, `compare_metadata()`), the
plugin hands it a SQLAlchemy `MetaData` translated from cormorant's, so Alembic
compares and renders exactly what it would for SQLAlchemy models of the same
shape. Migrations themselves run through Alembic and SQLAlchemy, as always.

The plugin is named `alembic.autogenerate.cormorant` so that Alembic's default
plugin selection (`alembic.autogenerate.*`) includes it; an `env.py` that
passes its own `autogenerate_plugins=` list must name it too.

This is the one place where cormorant imports SQLAlchemy.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .translate import sqlalchemy_metadata

if TYPE_CHECKING:
    from alembic.autogenerate.api import AutogenContext
    from alembic.operations.ops import UpgradeOps
    from alembic.runtime.plugins import Plugin

__all__ = ["setup", "sqlalchemy_metadata"]


def setup(plugin: Plugin) -> None:
    """Alembic's plugin hook: translate the target metadata before any comparison runs."""
    from alembic.util import DispatchPriority

    plugin.add_autogenerate_comparator(
        _translate_target_metadata, "autogenerate", priority=DispatchPriority.FIRST
    )


def _translate_target_metadata(autogen_context: AutogenContext, upgrade_ops: UpgradeOps) -> Any:
    from alembic.util import PriorityDispatchResult

    target = autogen_context.metadata
    if target is not None:
        dialect = autogen_context.dialect.name if autogen_context.dialect is not None else None
        if isinstance(target, (list, tuple)):
            autogen_context.metadata = [sqlalchemy_metadata(m, dialect) for m in target]
        else:
            autogen_context.metadata = sqlalchemy_metadata(target, dialect)
    return PriorityDispatchResult.CONTINUE
