"""Compilation of SQL constructs by Python functions, as SQLAlchemy's
sqlalchemy.ext.compiler: @compiles(MyElement) makes `fn(element, compiler,
**kw)` write MyElement's SQL, for every dialect or for those named;
@compiles(a built-in class, "sqlite") overrides cormorant's own rendering.

A statement describes itself as a nested tuple, its datum, which the native
compiler turns into SQL and which is also its cache key. A compiled element's
datum is the SQL text the function wrote, with its sub-elements
(compiler.process()) rendered into it and their values left as bound
parameters, so a registration that changes the SQL changes the cache key.
Registering wraps the datum method of that one class: statements without it
pay nothing."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from .. import _native
from ..exc import CompileError
from ..sql.cache import forget_compiled_statements
from ..sql.compiler import render_literal
from ..sql.elements import BindCollector, ClauseElement, coerce
from ..sql.sqltypes import NullType

_CompileFn = Callable[..., str]

# The datum method a class's rendering goes through: DML statements build
# theirs in _datum_with (their _datum calls it), everything else in _datum.
_DATUM_METHODS = ("_datum_with", "_datum")


class _Registration:
    """The functions registered for one class, by dialect name ("default"
    for any dialect), and the datum method they stand in front of."""

    def __init__(self, class_: type, method: str) -> None:
        self.class_ = class_
        self.method = method
        self.own = class_.__dict__.get(method)  # restored by deregister(); None if inherited
        self.original: Callable[..., tuple[Any, ...]] | None = getattr(class_, method, None)
        self.functions: dict[str, _CompileFn] = {}

    def function_for(self, dialect: str) -> _CompileFn | None:
        return self.functions.get(dialect) or self.functions.get("default")


_REGISTRY: dict[type, _Registration] = {}


def compiles(class_: type, *specs: str) -> Callable[[_CompileFn], _CompileFn]:
    """Registers the decorated `fn(element, compiler, **kw) -> str` as the SQL
    of `class_` on the dialects named in `specs` ("sqlite", "postgresql"),
    or on every dialect without one of its own when none is named."""

    def decorate(fn: _CompileFn) -> _CompileFn:
        registration = _REGISTRY.get(class_)
        if registration is None:
            registration = _REGISTRY[class_] = _install(class_)
        for spec in specs or ("default",):
            registration.functions[spec] = fn
        forget_compiled_statements()
        return fn

    return decorate


def deregister(class_: type) -> None:
    """Removes every compilation registered for `class_`: it renders as before."""
    registration = _REGISTRY.pop(class_, None)
    if registration is None:
        return
    if registration.own is not None:
        setattr(class_, registration.method, registration.own)
    else:
        delattr(class_, registration.method)
    forget_compiled_statements()


def _install(class_: type) -> _Registration:
    method = next((m for m in _DATUM_METHODS if hasattr(class_, m)), "_datum")
    registration = _Registration(class_, method)

    def datum(element: Any, binds: BindCollector, *args: Any) -> tuple[Any, ...]:
        fn = registration.function_for(binds.dialect)
        if fn is None:
            return _default_datum(registration, element, binds, args)
        compiler = Compiler(binds, args)
        return compiler._text_datum(fn(element, compiler))

    setattr(class_, method, datum)
    return registration


def _default_datum(
    registration: _Registration, element: Any, binds: BindCollector, args: tuple[Any, ...]
) -> tuple[Any, ...]:
    original = registration.original
    if original is None or getattr(original, "__qualname__", "") == "ClauseElement._datum":
        raise CompileError(
            f"<class '{type(element).__module__}.{type(element).__name__}'> construct has no default "
            "compilation handler."
        )
    return original(element, binds, *args)


def _bypassing_overrides(element: Any, binds: BindCollector, args: tuple[Any, ...]) -> tuple[Any, ...]:
    """The datum of `element` as cormorant renders it, whatever is registered for its class."""
    for klass in type(element).__mro__:
        registration = _REGISTRY.get(klass)
        if registration is not None:
            return _default_datum(registration, element, binds, args)
    return _datum_of(element, binds)


def _datum_of(element: Any, binds: BindCollector) -> tuple[Any, ...]:
    datum_from = getattr(element, "_datum_from", None)
    if datum_from is not None:
        result: tuple[Any, ...] = datum_from(binds)
        return result
    clause = element if isinstance(element, ClauseElement) else coerce(element)
    return clause._datum(binds)


class _Dialect:
    """compiler.dialect: the name of the dialect being compiled for."""

    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return f"<dialect {self.name}>"


class _Preparer:
    """compiler.preparer: identifiers quoted as the dialect needs them."""

    def __init__(self, dialect: str) -> None:
        self._dialect = dialect if dialect == "sqlite" else "postgresql"

    def quote(self, ident: str) -> str:
        """`ident`, quoted when it must be (upper case, a reserved word, odd characters)."""
        sql: str = _native.render(("table", ident), self._dialect, "named", {})[0]
        return sql

    def quote_identifier(self, value: str) -> str:
        """`value` quoted, whatever it is."""
        return '"' + value.replace('"', '""') + '"'

    def format_table(self, table: Any, use_schema: bool = True) -> str:
        schema = getattr(table, "schema", None)
        name = self.quote(table.name)
        return f"{self.quote(schema)}.{name}" if use_schema and schema else name

    def format_column(self, column: Any) -> str:
        return self.quote(column.name)


_DIALECTS: dict[str, _Dialect] = {}
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_FRAGMENT = re.compile(r"\x00(\d+)\x00")


class Compiler:
    """The `compiler` a compilation function receives: process() writes a
    sub-element's SQL (its values bound as parameters), dialect.name says
    which database the SQL is for, preparer quotes identifiers, and
    visit_<name>(element) writes an element as cormorant would without the
    functions registered for it."""

    def __init__(self, binds: BindCollector, args: tuple[Any, ...] = ()) -> None:
        self._binds = binds
        self._args = args
        self._fragments: list[str] = []

    @property
    def dialect(self) -> _Dialect:
        name = self._binds.dialect
        found = _DIALECTS.get(name)
        if found is None:
            found = _DIALECTS[name] = _Dialect(name)
        return found

    @property
    def sql_compiler(self) -> Compiler:
        """What a DDL compilation function compiles its SQL expressions with: this compiler."""
        return self

    @property
    def preparer(self) -> _Preparer:
        return _Preparer(self._binds.dialect)

    def process(self, element: Any, *, literal_binds: bool = False, **kw: Any) -> str:
        """The SQL of `element` (a SQL expression or construct; a Python value
        becomes a bound parameter) to place in the SQL being written. With
        `literal_binds` its values are written inline instead (for DDL, which
        takes no parameters)."""
        return self._fragment(_datum_of(element, self._binds), literal_binds)

    def __getattr__(self, name: str) -> Callable[..., str]:
        if not name.startswith("visit_"):
            raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

        def visit(element: Any, **kw: Any) -> str:
            return self._fragment(
                _bypassing_overrides(element, self._binds, self._args), kw.get("literal_binds", False)
            )

        return visit

    def _fragment(self, datum: tuple[Any, ...], literal_binds: bool) -> str:
        """A placeholder for `datum`'s SQL in the text the function returns;
        its binds keep their values, under names text SQL can carry (or with
        `literal_binds` are written as SQL literals)."""
        renamed: list[str] = []
        datum = self._named_binds(datum, renamed)
        dialect = self._binds.dialect if self._binds.dialect == "sqlite" else "postgresql"
        literals = self._literals(renamed, dialect) if literal_binds else {}
        sql, keys = _native.render(datum, dialect, "named", literals)
        self._fragments.append(_escape_colons(sql, set(keys) - set(literals)))
        return f"\x00{len(self._fragments) - 1}\x00"

    def _named_binds(self, datum: Any, renamed: list[str]) -> Any:
        """`datum` with each anonymous bind ("%3") renamed "_cmp3", its value
        moved along; the binds met go to `renamed`."""
        if not isinstance(datum, tuple):
            return datum
        if datum and datum[0] == "bind" and isinstance(datum[1], str):
            key = datum[1]
            if _NAME.fullmatch(key):
                renamed.append(key)
                return datum
            name = "_cmp" + re.sub(r"\W", "_", key)
            values = self._binds.values
            if key in values:
                values[name] = values.pop(key)
            renamed.append(name)
            return ("bind", name, *datum[2:])
        return tuple(self._named_binds(part, renamed) for part in datum)

    def _literals(self, keys: list[str], dialect: str) -> dict[str, str]:
        """The values of binds `keys` as SQL literals, no longer parameters."""
        values = self._binds.values
        return {key: render_literal(values.pop(key), NullType(), dialect) for key in keys if key in values}

    def _text_datum(self, sql: str) -> tuple[Any, ...]:
        if not isinstance(sql, str):
            raise CompileError(f"a compilation function must return SQL text, got {type(sql).__name__}")
        pieces = _FRAGMENT.split(sql)
        written = [
            self._fragments[int(piece)] if odd else _escape_colons(piece, set())
            for odd, piece in ((i % 2 == 1, p) for i, p in enumerate(pieces))
        ]
        return ("text", "".join(written))


def _escape_colons(sql: str, bind_names: set[str]) -> str:
    """`sql` as text SQL carries it verbatim: every colon that would start a
    bind parameter is escaped, but for those of `bind_names`."""
    out: list[str] = []
    i, n = 0, len(sql)
    while i < n:
        c = sql[i]
        if c == "'":
            end = _quote_end(sql, i)
            out.append(sql[i:end])
            i = end
            continue
        if c == ":":
            if sql.startswith("::", i):
                out.append("::")
                i += 2
                continue
            name = _NAME.match(sql, i + 1)
            if name is None or name.group() not in bind_names:
                out.append("\\:")
                i += 1
                continue
        out.append(c)
        i += 1
    return "".join(out)


def _quote_end(sql: str, start: int) -> int:
    """The index after the '...' literal opening at `start` ('' escapes a quote)."""
    i = start + 1
    while i < len(sql):
        if sql[i] == "'":
            if i + 1 < len(sql) and sql[i + 1] == "'":
                i += 2
                continue
            return i + 1
        i += 1
    return len(sql)


__all__ = ["compiles", "deregister"]
