"""cormorant.dialects.sqlite's type names: the SQL-standard ones are the
generic uppercase types; DATE, DATETIME and TIME are SQLite's own, whose
storage_format / regexp set the text layout, as in SQLAlchemy."""

import datetime as dt
import re

import pytest
from cormorant import Column, Integer, MetaData, Table, insert, select, text
from cormorant import types as T
from cormorant.dialects import sqlite
from cormorant.exc import StatementError

SHARED = "BLOB BOOLEAN CHAR DECIMAL FLOAT INTEGER NUMERIC REAL SMALLINT TEXT TIMESTAMP VARCHAR".split()

COMPACT = "%(year)04d%(month)02d%(day)02d%(hour)02d%(minute)02d%(second)02d"
COMPACT_RE = r"(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})"


@pytest.mark.parametrize("name", SHARED)
def test_the_standard_names_are_the_generic_types(name):
    assert getattr(sqlite, name) is getattr(T, name)


def test_sqlites_own_date_types_specialise_the_generic_ones():
    assert issubclass(sqlite.DATETIME, T.DATETIME) and sqlite.DATETIME is not T.DATETIME
    assert issubclass(sqlite.DATE, T.Date) and issubclass(sqlite.TIME, T.TIME)
    assert sqlite.DATETIME().compile("sqlite") == "DATETIME"
    assert sqlite.DATETIME().compile("postgresql") == "TIMESTAMP WITHOUT TIME ZONE"
    assert sqlite.TIME().compile("postgresql") == "TIME WITHOUT TIME ZONE"
    # an all-digit layout would give the column NUMERIC affinity: _CHAR keeps it text
    assert sqlite.DATETIME(storage_format=COMPACT).compile("sqlite") == "DATETIME_CHAR"
    assert sqlite.DATE(storage_format="%(year)04d%(month)02d%(day)02d").compile("sqlite") == "DATE_CHAR"


def test_unknown_or_conflicting_keywords_are_refused():
    with pytest.raises(TypeError, match="unexpected keyword argument 'fmt'"):
        sqlite.DATETIME(fmt="%(year)d")
    with pytest.raises(ValueError, match="only one of truncate_microseconds or storage_format"):
        sqlite.TIME(truncate_microseconds=True, storage_format="%(hour)02d")


@pytest.mark.sqlite_only
def test_default_layout_is_sqlalchemys(engine):
    md = MetaData()
    table = Table(
        "t", md, Column("at", sqlite.DATETIME), Column("day", sqlite.DATE), Column("tm", sqlite.TIME)
    )
    md.create_all(engine)
    values = dict(at=dt.datetime(2020, 1, 2, 3, 4, 5, 6), day=dt.date(2020, 1, 2), tm=dt.time(1, 2, 3))
    with engine.begin() as conn:
        conn.execute(insert(table), values)
        assert conn.execute(text("SELECT at, day, tm FROM t")).one() == (
            "2020-01-02 03:04:05.000006",
            "2020-01-02",
            "01:02:03.000000",
        )
        assert conn.execute(select(table)).one()._asdict() == values


@pytest.mark.sqlite_only
def test_storage_format_and_regexp_round_trip(engine):
    md = MetaData()
    table = Table(
        "t",
        md,
        Column("id", Integer, primary_key=True),
        Column("at", sqlite.DATETIME(storage_format=COMPACT, regexp=COMPACT_RE)),
        Column(
            "day",
            sqlite.DATE(
                storage_format="%(day)02d/%(month)02d/%(year)04d",
                regexp=re.compile(r"(?P<day>\d+)/(?P<month>\d+)/(?P<year>\d+)"),
            ),
        ),
        Column("tm", sqlite.TIME(truncate_microseconds=True)),
    )
    md.create_all(engine)
    at, day = dt.datetime(1999, 12, 31, 23, 59, 58), dt.date(2024, 2, 29)
    with engine.begin() as conn:
        conn.execute(
            insert(table),
            [
                {"id": 1, "at": at, "day": day, "tm": dt.time(1, 2, 3, 999)},
                {"id": 2, "at": None, "day": None, "tm": None},
            ],
        )
        raw = conn.execute(text("SELECT at, day, tm FROM t WHERE id = 1")).one()
        assert tuple(raw) == ("19991231235958", "29/02/2024", "01:02:03")
        rows = conn.execute(select(table.c.at, table.c.day, table.c.tm).order_by(table.c.id)).all()
        assert rows == [(at, day, dt.time(1, 2, 3)), (None, None, None)]
        found = conn.execute(select(table.c.id).where(table.c.at == at)).scalars().all()
        assert found == [1]
        with pytest.raises(StatementError, match="expected a datetime.datetime"):
            conn.execute(insert(table), {"id": 3, "at": "1999"})
