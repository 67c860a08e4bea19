"""Markers shared by the ORM's attribute extensions: what kind of extension
made an attribute (its `extension_type`), as sqlalchemy.orm exports them."""

from __future__ import annotations

import enum


class InspectionAttrExtensionType(enum.Enum):
    """Base of the enums naming an attribute's extension (hybrid, association proxy)."""


class NotExtension(InspectionAttrExtensionType):
    """The `extension_type` of an attribute that no extension made."""

    NOT_EXTENSION = "not_extension"
