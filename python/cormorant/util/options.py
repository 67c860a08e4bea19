"""Refusing SQLAlchemy options cormorant does not carry out, rather than dropping them."""

from __future__ import annotations

from typing import Any


def refuse_unsupported(owner: str, options: dict[str, Any], defaults: dict[str, Any] | None = None) -> None:
    """Raises NotImplementedError naming each option in `options` given a value
    other than its default (None unless `defaults` says otherwise): such a value
    asks for something cormorant would not do. Defaults are None, True or False,
    compared by identity, as a SQL expression has no truth value."""
    defaults = defaults or {}
    given = sorted(name for name, value in options.items() if value is not defaults.get(name))
    if given:
        raise NotImplementedError(
            f"{owner}: {', '.join(f'{name}={options[name]!r}' for name in given)} "
            f"{'is' if len(given) == 1 else 'are'} not supported by cormorant"
        )
