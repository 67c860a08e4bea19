"""Errors of the asyncio extension, as sqlalchemy.ext.asyncio.exc."""

from __future__ import annotations

from ...exc import InvalidRequestError


class AsyncMethodRequired(InvalidRequestError):
    """An API can't be used because its result would not be compatible with async."""


class AsyncContextNotStarted(InvalidRequestError):
    """A startable context manager was used before it was started (awaited or entered)."""


class AsyncContextAlreadyStarted(InvalidRequestError):
    """A startable context manager was started twice."""
