"""Fixtures of the differential suite (see sqlfuzz.py for how it works).

`engines` gives a cormorant Engine and a SQLAlchemy Engine on the same
database: the same SQLite file, or the same PostgreSQL database
(CORMORANT_TEST_PG_URL, reached by SQLAlchemy through postgresql+psycopg://).
Like every test asking for `url`, the suite runs once per backend; without
CORMORANT_TEST_PG_URL the PostgreSQL run is reported as a skip with the
reason (tests-py/conftest.py).

The hypothesis profiles (`ci`, the default, and `deep`) are registered in
tests-py/conftest.py so that `--hypothesis-profile=deep` works whichever
folder pytest is pointed at."""

import cormorant
import pytest
import sqlalchemy


def sqlalchemy_url(url):
    if url.startswith("postgresql://"):
        return "postgresql+psycopg://" + url[len("postgresql://") :]
    return url


@pytest.fixture
def engines(url):
    """(cormorant engine, SQLAlchemy engine) on one database, kept for all the examples of a test."""
    c_engine = cormorant.create_engine(url)
    sa_engine = sqlalchemy.create_engine(sqlalchemy_url(url))
    if sa_engine.dialect.name == "sqlite":

        @sqlalchemy.event.listens_for(sa_engine, "connect")
        def no_fsync(dbapi_connection, record):
            dbapi_connection.execute("PRAGMA synchronous = OFF")

    yield c_engine, sa_engine
    c_engine.dispose()
    sa_engine.dispose()
