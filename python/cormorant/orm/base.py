"""Markers shared by the ORM's attribute extensions: what kind of extension
made an attribute (its `extension_type`), as sqlalchemy.orm exports them; and
the check of the dataclass options these attribute functions accept but do
not support."""

from __future__ import annotations

import enum
from typing import Any

DATACLASS_OPTIONS = (
    "init",
    "repr",
    "default",
    "default_factory",
    "compare",
    "kw_only",
    "hash",
    "dataclass_metadata",
)


class InspectionAttrExtensionType(enum.Enum):
    """Base of the enums naming an attribute's extension (hybrid, association proxy)."""


class NotExtension(InspectionAttrExtensionType):
    """The `extension_type` of an attribute that no extension made."""

    NOT_EXTENSION = "not_extension"


# --- the constants of attribute loading and of events ------------------------------------------


class LoaderCallableStatus(enum.Enum):
    """What loading an attribute may produce instead of a value. NO_VALUE
    (also named NEVER_SET) is the ORM's "nothing here": the old value an
    attribute event receives when the attribute was never loaded or set."""

    PASSIVE_NO_RESULT = 0
    PASSIVE_CLASS_MISMATCH = 1
    ATTR_WAS_SET = 2
    ATTR_EMPTY = 3
    NO_VALUE = 4
    NEVER_SET = NO_VALUE


class PassiveFlag(enum.IntFlag):
    """How far an attribute load may go (SQL, callables, autoflush...), as
    SQLAlchemy's: single flags combine into the PASSIVE_* presets."""

    NO_CHANGE = 0
    CALLABLES_OK = 1
    SQL_OK = 2
    RELATED_OBJECT_OK = 4
    INIT_OK = 8
    NON_PERSISTENT_OK = 16
    LOAD_AGAINST_COMMITTED = 32
    NO_AUTOFLUSH = 64
    NO_RAISE = 128
    DEFERRED_HISTORY_LOAD = 256
    INCLUDE_PENDING_MUTATIONS = 512
    PASSIVE_OFF = CALLABLES_OK | SQL_OK | RELATED_OBJECT_OK | INIT_OK | NON_PERSISTENT_OK
    PASSIVE_RETURN_NO_VALUE = PASSIVE_OFF ^ INIT_OK
    PASSIVE_NO_INITIALIZE = PASSIVE_RETURN_NO_VALUE ^ CALLABLES_OK
    PASSIVE_NO_FETCH = PASSIVE_OFF ^ SQL_OK
    PASSIVE_NO_FETCH_RELATED = PASSIVE_OFF ^ RELATED_OBJECT_OK
    PASSIVE_ONLY_PERSISTENT = PASSIVE_OFF ^ NON_PERSISTENT_OK
    PASSIVE_MERGE = PASSIVE_OFF | NO_RAISE


class EventConstants(enum.Enum):
    """Return values and markers of ORM events: EXT_CONTINUE, EXT_STOP,
    EXT_SKIP (a listener's answer), NO_KEY (no collection key applies)."""

    EXT_CONTINUE = 1
    EXT_STOP = 2
    EXT_SKIP = 3
    NO_KEY = 4


EXT_CONTINUE, EXT_STOP, EXT_SKIP, NO_KEY = tuple(EventConstants)


def refuse_dataclass_options(what: str, options: dict[str, Any]) -> None:
    """TypeError for a keyword `what`() does not know; NotImplementedError for
    a dataclass option (`what` takes them as SQLAlchemy's does, but cannot apply them)."""
    unknown = sorted(set(options) - set(DATACLASS_OPTIONS))
    if unknown:
        raise TypeError(f"{what}() got unexpected keyword argument(s): {', '.join(unknown)}")
    if options:
        raise NotImplementedError(
            f"{what}(): the dataclass options {', '.join(sorted(options))} are not supported"
        )
