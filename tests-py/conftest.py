"""Shared fixtures for cormorant's own test suite (tests-py/).

`engine` is a fresh SQLite database file in pytest's tmp_path, disposed after
the test. `capture_sql` collects every SQL text sent through an engine."""
import contextlib

import pytest
from cormorant import create_engine, event


@pytest.fixture
def db_url(tmp_path):
    return f"sqlite:///{tmp_path}/t.db"


@pytest.fixture
def engine(db_url):
    eng = create_engine(db_url)
    yield eng
    eng.dispose()


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
