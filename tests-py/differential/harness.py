"""What the differential tests share: loading a scenario's tables, running a
statement on each library, and comparing the outcomes (see sqlfuzz.py).

SQLFUZZ_SELF_CHECK=1 renders and runs the "cormorant" side with SQLAlchemy
too: with SQLFUZZ_ALL_CONSTRUCTS=1 it checks that generators of constructs
cormorant does not have yet are well-formed (SQLAlchemy agrees with itself)."""

import os

import cormorant
import cormorant.exc
import cormorant.orm
import sqlalchemy
import sqlalchemy.exc
import sqlalchemy.orm
import sqlfuzz
from hypothesis import note, reject

TABLES = ("t2", "t1", "t0")
SELF_CHECK = os.environ.get("SQLFUZZ_SELF_CHECK") == "1"


def raised_by_sqlalchemy_itself(error):
    """SQLAlchemy's SQLite dialect registers its own Python floor() on each
    connection (for SQLite builds without math functions); floor(NULL) makes
    it raise where SQLite's would return NULL. Such an example compares
    SQLAlchemy with itself, not with the database.

    Likewise, type_coerce(<a CASE of NULLs only>, Float) on PostgreSQL: the
    column comes back as text, and SQLAlchemy's psycopg dialect refuses to
    convert it ("Unknown PG numeric type: 25") before reading any row."""
    return "user-defined function raised exception" in str(error) or "Unknown PG numeric type" in str(error)


def load(sa_engine, scenario):
    """The scenario's tables, created afresh with SQLAlchemy and filled with its rows."""
    tables = scenario.schema.build(sqlalchemy)
    with sa_engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.exec_driver_sql(f"DROP TABLE IF EXISTS {', '.join(TABLES)} CASCADE")
        else:
            for name in TABLES:
                conn.exec_driver_sql(f"DROP TABLE IF EXISTS {name}")
        next(iter(tables.values())).metadata.create_all(conn)
        for spec in sorted(scenario.schema.tables, key=lambda t: t.ref is not None):
            rows = scenario.data[spec.name]
            if rows:
                conn.execute(tables[spec.name].insert(), rows)
    return tables


def run(engine, stmt, db_error):
    """("rows", keys, rows) or ("error", class name, exception) for a database error."""
    try:
        with engine.connect() as conn:
            result = conn.execute(stmt)
            return "rows", list(result.keys()), [tuple(row) for row in result]
    except db_error as e:
        return "error", type(e).__name__, e


def cormorant_sql(engine, stmt):
    if SELF_CHECK:
        return str(stmt.compile(engine))
    try:
        return engine._cache.compile(stmt)[0].sql
    except Exception as e:  # the failure itself is reported by the execution
        return f"<does not compile: {e!r}>"


def check_scenario(engines, scenario):
    """Loads the scenario's tables and compares each of its SELECTs."""
    c_engine, sa_engine = engines
    note(f"schema: {scenario.schema}\ndata: {scenario.data}")
    sa_tables = load(sa_engine, scenario)
    if SELF_CHECK:
        c_module, c_engine = sqlalchemy, sa_engine
    else:
        c_module = cormorant
        if c_engine.dialect.name == "postgresql":
            # Open bug (engine, PostgreSQL driver): a connection's prepared statement,
            # kept after its table was dropped and created again with other column
            # types, fails with "cached plan must not change result type". Until it
            # is fixed, cormorant starts each example on fresh connections.
            c_engine.dispose()
    c_tables = scenario.schema.build(c_module)
    for select in scenario.selects:
        compare(
            select,
            sqlfuzz.Renderer(sqlalchemy, sa_tables),
            sa_engine,
            sqlfuzz.Renderer(c_module, c_tables),
            c_engine,
        )


def compare(select, sa_renderer, sa_engine, c_renderer, c_engine):
    c_exc = c_renderer.m.exc
    note(f"select: {select}")
    sa_stmt = sa_renderer.select(select)
    c_stmt = c_renderer.select(select)
    note(f"SQLAlchemy SQL: {sa_stmt.compile(sa_engine)}")
    note(f"cormorant SQL: {cormorant_sql(c_engine, c_stmt)}")

    expected = run(sa_engine, sa_stmt, (sqlalchemy.exc.DBAPIError, sqlalchemy.exc.InvalidRequestError))
    if expected[0] == "error":
        note(f"SQLAlchemy raised {expected[2]!r}")
        if raised_by_sqlalchemy_itself(expected[2]):
            reject()
        if not isinstance(expected[2], sqlalchemy.exc.DBAPIError):
            raise expected[2]
    got = run(c_engine, c_stmt, c_exc.DBAPIError)
    if expected[0] == "error":
        assert got[0] == "error", f"SQLAlchemy raised {expected[1]}, cormorant returned {got[2]!r}"
        assert got[1] == expected[1], f"SQLAlchemy raised {expected[1]}, cormorant {got[2]!r}"
        assert isinstance(got[2], getattr(c_exc, expected[1]))
        return
    assert got[0] == "rows", f"cormorant raised {got[2]!r}; SQLAlchemy returned {expected[2]!r}"
    assert got[1] == expected[1], f"result keys differ: SQLAlchemy {expected[1]}, cormorant {got[1]}"
    problems = sqlfuzz.row_differences(expected[2], got[2], ordered=select.total_order)
    assert not problems, "\n".join(problems[:10])
