"""Shared fixtures for cormorant's own test suite (tests-py/).

Every test that asks for `url` / `db_url` / `engine` runs once per backend:

* sqlite      - always, on a fresh database file in pytest's tmp_path;
* postgresql  - when CORMORANT_TEST_PG_URL is set (for example
  postgresql://postgres@127.0.0.1:55432/postgres); the public schema is
  dropped and recreated before each test.

When CORMORANT_TEST_PG_URL is unset the postgresql parameters are not
generated; dialects/test_postgres.py then reports that with a skip, so it
never goes unnoticed. Every skip's reason is printed in the summary.

The tests live in folders by area (sql, engine, orm, dialects, pool) with no
__init__.py: each test file's basename must be unique across the folders.

Markers:
* @pytest.mark.sqlite_only - the test is about SQLite itself (in-memory
  databases, busy timeouts, pysqlite-style lazy BEGIN, sqlite_master...).
* @pytest.mark.postgresql_only - the test is about PostgreSQL itself.

`backend` ("sqlite" or "postgresql") is available to any test that needs to
assert something different per backend. `engine` is an Engine on `url`,
disposed after the test. `capture_sql` collects every SQL text sent through
an engine. `mypy_strict` and `run_program` check and run the typed programs
of the static-typing tests."""

import contextlib
import os
import pathlib
import subprocess
import sys

import cormorant
import pytest
from cormorant import create_engine, event, text
from cormorant.pool import NullPool
from hypothesis import HealthCheck, settings

PG_URL = os.environ.get("CORMORANT_TEST_PG_URL")
PG_NOT_SET = "CORMORANT_TEST_PG_URL is not set; PostgreSQL tests did not run"

BACKENDS = ["sqlite"] + (["postgresql"] if PG_URL else [])

# Hypothesis profiles (the differential suite, tests-py/differential, uses them).
# "ci", the default: a few hundred examples per test and backend, derandomized
# (the same examples on every run, so a CI failure reproduces as is).
# "deep": `pytest --hypothesis-profile=deep tests-py/differential`, 20,000
# random examples per test and backend; a failure prints its seed and blob.
# Registered here rather than in differential/conftest.py, so that the option
# also works when pytest is run on all of tests-py. The engines a test keeps
# for all its examples are function-scoped fixtures on purpose.
_HYPOTHESIS_COMMON = dict(
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.filter_too_much,
    ],
)
settings.register_profile("ci", max_examples=300, derandomize=True, database=None, **_HYPOTHESIS_COMMON)
settings.register_profile("deep", max_examples=20_000, print_blob=True, **_HYPOTHESIS_COMMON)
settings.load_profile("ci")  # --hypothesis-profile=NAME, read after this file, overrides it


def pytest_configure(config):
    config.addinivalue_line("markers", "sqlite_only: runs only on the SQLite backend")
    config.addinivalue_line("markers", "postgresql_only: runs only on the PostgreSQL backend")


def pytest_collection_modifyitems(config, items):
    # greenlet switches stacks by copying them, which ASan cannot follow; the
    # asyncio suites (tests-py/aio) are left out of the sanitized run for the
    # same reason; an async test elsewhere (one using the async_url fixture)
    # is skipped with them.
    if not os.environ.get("CORMORANT_SANITIZED"):
        return
    skip = pytest.mark.skip(reason="greenlet's stack switching cannot run under ASan (.ci/sanitize)")
    for item in items:
        if "async_url" in getattr(item, "fixturenames", ()):
            item.add_marker(skip)
    # every skip says why in the summary (as -rs would), so none goes unnoticed
    if not set(config.option.reportchars) & set("sSaAN"):
        config.option.reportchars += "s"


def pytest_generate_tests(metafunc):
    if "backend" not in metafunc.fixturenames:
        return
    backends = BACKENDS
    if metafunc.definition.get_closest_marker("sqlite_only"):
        backends = ["sqlite"]
    elif metafunc.definition.get_closest_marker("postgresql_only"):
        backends = ["postgresql"] if PG_URL else []
    if backends:
        metafunc.parametrize("backend", backends)
    else:
        # Not silently dropped: reported as a skip with the reason.
        metafunc.parametrize(
            "backend", [pytest.param("postgresql", marks=pytest.mark.skip(reason=PG_NOT_SET))]
        )


def reset_pg_schema(pg_url=None):
    """Drop and recreate schema public: an empty PostgreSQL database."""
    engine = create_engine(pg_url or PG_URL, poolclass=NullPool)
    try:
        with engine.begin() as conn:
            # a connection a previous test leaked inside a transaction would make
            # DROP SCHEMA wait forever; fail loudly instead
            conn.execute(text("SET LOCAL lock_timeout = '20s'"))
            conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
    finally:
        engine.dispose()


@pytest.fixture
def url(backend, tmp_path):
    """A database URL for a fresh, empty database on `backend`."""
    if backend == "sqlite":
        return f"sqlite:///{tmp_path}/t.db"
    reset_pg_schema()
    return PG_URL


@pytest.fixture
def db_url(url):
    return url


@pytest.fixture
def async_url(url):
    """The same database, spelled with the asyncio driver names SQLAlchemy users write."""
    if url.startswith("sqlite:"):
        return url.replace("sqlite:", "sqlite+aiosqlite:", 1)
    return url.replace("postgresql:", "postgresql+asyncpg:", 1)


@pytest.fixture
def engine(url):
    eng = create_engine(url)
    yield eng
    eng.dispose()


def _table_names(engine):
    """Names of the tables in the engine's database (public schema on PostgreSQL)."""
    if engine.dialect.name == "sqlite":
        sql = "SELECT name FROM sqlite_master WHERE type = 'table'"
    else:
        sql = "SELECT tablename FROM pg_catalog.pg_tables WHERE schemaname = 'public'"
    with engine.connect() as conn:
        return {r[0] for r in conn.execute(text(sql))}


def _index_names(engine, table):
    """Names of the indexes on `table`."""
    if engine.dialect.name == "sqlite":
        sql = "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = :t"
    else:
        sql = "SELECT indexname FROM pg_catalog.pg_indexes WHERE schemaname = 'public' AND tablename = :t"
    with engine.connect() as conn:
        return {r[0] for r in conn.execute(text(sql), {"t": table})}


@pytest.fixture
def table_names():
    """`table_names(engine)` -> set of table names, on either backend."""
    return _table_names


@pytest.fixture
def index_names():
    """`index_names(engine, table)` -> set of index names on that table, on either backend."""
    return _index_names


@contextlib.contextmanager
def _capture(engine):
    seen = []

    def on_execute(conn, cursor, statement, parameters, context, executemany):
        seen.append(statement)

    event.listen(engine, "before_cursor_execute", on_execute)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", on_execute)


@pytest.fixture
def capture_sql():
    """`with capture_sql(engine) as seen:` -> list of SQL strings executed."""
    return _capture


def _write_program(directory, source, filename):
    path = directory / filename
    path.write_text(source)
    return path


def _mypy_env():
    """mypy checks the cormorant under test: an installed one it finds itself,
    a source tree (PYTHONPATH, which mypy ignores) through MYPYPATH."""
    root = pathlib.Path(cormorant.__file__).parent.parent
    if root.name in ("site-packages", "dist-packages"):
        return None
    return {**os.environ, "MYPYPATH": str(root)}


@pytest.fixture
def mypy_strict(tmp_path):
    """`mypy_strict(source, filename)` -> the CompletedProcess of `mypy --strict`
    over `source`, written to tmp_path/filename."""

    def check(source, filename):
        path = _write_program(tmp_path, source, filename)
        # as pyproject.toml's [tool.mypy]: greenlet ships no type information
        config = _write_program(
            tmp_path, "[mypy]\n[mypy-greenlet]\nignore_missing_imports = True\n", "mypy.ini"
        )
        return subprocess.run(
            [
                sys.executable,
                "-m",
                "mypy",
                "--config-file",
                str(config),
                "--strict",
                "--no-incremental",
                "--cache-dir",
                os.devnull,
                str(path),
            ],
            cwd=tmp_path,
            env=_mypy_env(),
            capture_output=True,
            text=True,
            timeout=600,
        )

    return check


@pytest.fixture
def run_program(tmp_path):
    """`run_program(source, filename, url)` runs `source` (written to
    tmp_path/filename, so tracebacks show its lines) and calls its
    `exercise(engine)` with an Engine on `url`."""

    def run(source, filename, url):
        namespace: dict = {}
        exec(compile(source, str(_write_program(tmp_path, source, filename)), "exec"), namespace)
        engine = create_engine(url)
        try:
            namespace["exercise"](engine)
        finally:
            engine.dispose()

    return run
