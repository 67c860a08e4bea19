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
