"""Core knows nothing of the ORM: no module under cormorant.engine or
cormorant.sql imports cormorant.orm (not even for type checking) or names the
Session's private state, and sql/ never imports the engine."""

import ast
import pathlib

import cormorant
import pytest

PACKAGE = pathlib.Path(cormorant.__file__).parent
SESSION_STATE = {"_identity_map", "_new", "_deleted", "_modified", "_ref", "_flushed_deletes"}


def _modules(folder):
    return sorted((PACKAGE / folder).rglob("*.py"))


def _imported(path):
    """Absolute names of every module `path` imports, resolved against the package."""
    tree = ast.parse(path.read_text())
    package = ".".join(("cormorant", *path.relative_to(PACKAGE).parent.parts))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package.split(".")[: len(package.split(".")) - (node.level - 1)] if node.level else []
            yield ".".join([*base, node.module] if node.module else base)


@pytest.mark.parametrize("folder", ["engine", "sql"])
def test_core_never_imports_the_orm(folder):
    offenders = [
        f"{path.relative_to(PACKAGE)} imports {name}"
        for path in _modules(folder)
        for name in _imported(path)
        if name == "cormorant.orm" or name.startswith("cormorant.orm.")
    ]
    assert offenders == []


def test_sql_never_imports_the_engine():
    offenders = [
        f"{path.relative_to(PACKAGE)} imports {name}"
        for path in _modules("sql")
        for name in _imported(path)
        if name == "cormorant.engine" or name.startswith("cormorant.engine.")
    ]
    assert offenders == []


@pytest.mark.parametrize("folder", ["engine", "sql"])
def test_core_never_names_session_state(folder):
    offenders = [
        f"{path.relative_to(PACKAGE)}:{node.lineno} reads .{node.attr}"
        for path in _modules(folder)
        for node in ast.walk(ast.parse(path.read_text()))
        if isinstance(node, ast.Attribute) and node.attr in SESSION_STATE
    ]
    assert offenders == []


def test_the_import_resolver_sees_relative_imports():
    names = set(_imported(PACKAGE / "orm" / "session.py"))
    assert "cormorant.engine.base" in names
    assert "cormorant.orm.unitofwork" in names


def test_only_the_alembic_bridge_imports_sqlalchemy():
    bridge = PACKAGE / "ext" / "alembic"
    offenders = [
        f"{path.relative_to(PACKAGE)} imports {name}"
        for path in sorted(PACKAGE.rglob("*.py"))
        if bridge not in path.parents
        for name in _imported(path)
        if name.split(".")[0] in ("sqlalchemy", "alembic")
    ]
    assert offenders == []
