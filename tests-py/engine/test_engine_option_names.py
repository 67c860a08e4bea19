"""Every create_engine() option cormorant used to accept and ignore (the former
_IGNORED set of engine/create.py): each is now honoured, shown by its effect,
or refused with an ArgumentError that names it and says why."""

import logging

import pytest
from cormorant import Column, Integer, MetaData, String, Table, create_engine, event, insert, select, text
from cormorant.exc import ArgumentError, IntegrityError
from cormorant.pool import NullPool

FORMER_IGNORED = {
    "future",
    "pool_use_lifo",
    "pool_reset_on_return",
    "echo_pool",
    "hide_parameters",
    "query_cache_size",
    "execution_options",
    "isolation_level",
    "json_serializer",
    "json_deserializer",
    "insertmanyvalues_page_size",
    "logging_name",
    "pool_logging_name",
    "plugins",
    "paramstyle",
    "implicit_returning",
}

# name -> (a value that is honoured or None, a value that is refused or None, the refusal's words)
OUTCOMES = {
    "future": (True, False, "The 'future' parameter passed to create_engine() may only be set to True."),
    "pool_use_lifo": (True, None, None),
    "pool_reset_on_return": ("rollback", "commit", "pool_reset_on_return='commit' is not supported"),
    "echo_pool": (True, None, None),
    "hide_parameters": (True, None, None),
    "query_cache_size": (10, -1, "query_cache_size must be an integer >= 0"),
    "execution_options": ({"isolation_level": "AUTOCOMMIT"}, None, None),
    "isolation_level": ("SERIALIZABLE", "BOGUS", "Invalid value 'BOGUS' for isolation_level"),
    "json_serializer": (
        None,
        str,
        "json_serializer= is not supported: cormorant's JSON type encodes with json.dumps",
    ),
    "json_deserializer": (None, str, "json_deserializer= is not supported"),
    "insertmanyvalues_page_size": (100, 0, "insertmanyvalues_page_size must be a positive integer"),
    "logging_name": ("named", None, None),
    "pool_logging_name": ("named", None, None),
    "plugins": (
        [],
        ["some_plugin"],
        "Can't load plugin: cormorant.plugins:some_plugin",
    ),
    "paramstyle": (None, "format", "paramstyle='format' is not supported: cormorant's native"),
    "implicit_returning": (True, False, "implicit_returning=False is not supported"),
}


def test_every_former_ignored_name_has_an_outcome():
    assert set(OUTCOMES) == FORMER_IGNORED


@pytest.mark.parametrize("name", sorted(FORMER_IGNORED))
def test_each_name_is_honoured_or_refused_by_name(url, name):
    honoured, refused, words = OUTCOMES[name]
    if honoured is not None:
        create_engine(url, **{name: honoured}).dispose()
    if refused is not None:
        with pytest.raises(ArgumentError) as raised:
            create_engine(url, **{name: refused})
        assert words in str(raised.value)
        assert name in str(raised.value)


def test_an_unknown_option_is_still_refused(url):
    with pytest.raises(ArgumentError, match=r"Invalid argument\(s\) 'pool_bogus' sent to create_engine\(\)"):
        create_engine(url, pool_bogus=1)


def test_creator_is_refused_with_the_reason(url):
    with pytest.raises(ArgumentError, match=r"creator= is not supported: it returns a DB-API connection"):
        create_engine(url, creator=lambda: None)


# --- the honoured ones, by their effect -------------------------------------------------------


def _checked_out_ids(engine):
    """The pooled connection ids in checkout order."""
    seen = []
    event.listen(engine, "checkout", lambda dbapi_conn, record, proxy: seen.append(record.id))
    return seen


@pytest.mark.parametrize("use_lifo", [False, True])
def test_pool_use_lifo_hands_out_the_newest_idle_connection(url, use_lifo):
    engine = create_engine(url, pool_use_lifo=use_lifo, pool_size=2, max_overflow=0)
    seen = _checked_out_ids(engine)
    first, second = engine.connect(), engine.connect()
    first.close()
    second.close()  # the most recently returned
    with engine.connect():
        pass
    oldest, newest = seen[0], seen[1]
    assert seen[2] == (newest if use_lifo else oldest)
    engine.dispose()


def test_pool_use_lifo_needs_a_queue_pool(url):
    with pytest.raises(
        ArgumentError,
        match=r"Invalid argument\(s\) 'pool_use_lifo' sent to create_engine\(\), using configuration NullPool",
    ):
        create_engine(url, poolclass=NullPool, pool_use_lifo=True)


def test_pool_reset_on_return_rollback_undoes_uncommitted_work(url):
    for value in ("rollback", True):
        engine = create_engine(url, pool_reset_on_return=value)
        with engine.begin() as conn:
            conn.execute(text("CREATE TABLE IF NOT EXISTS t (x INTEGER)"))
        with engine.connect() as conn:
            conn.execute(text("INSERT INTO t VALUES (1)"))
        with engine.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM t")).scalar() == 0
        engine.dispose()


@pytest.mark.parametrize("value", ["commit", None, False])
def test_pool_reset_on_return_other_than_rollback_is_refused(url, value):
    with pytest.raises(ArgumentError, match=r"always rolls back a connection returned inside a transaction"):
        create_engine(url, pool_reset_on_return=value)


def test_pool_reset_on_return_invalid_value(url):
    with pytest.raises(ArgumentError, match=r"Invalid value for 'reset_on_return': 'bogus'"):
        create_engine(url, pool_reset_on_return="bogus")


def test_echo_pool_logs_checkouts_under_the_pool_logging_name(url, caplog):
    engine = create_engine(url, echo_pool=True, pool_logging_name="mypool")
    caplog.set_level(logging.DEBUG, logger="cormorant.pool")
    with engine.connect():
        pass
    pool_logger = f"cormorant.pool.impl.{type(engine.pool).__name__}.mypool"
    messages = [r.getMessage() for r in caplog.records if r.name == pool_logger]
    assert any("checked out from pool" in m for m in messages)
    assert any("being returned to pool" in m for m in messages)
    engine.dispose()


def test_without_echo_pool_the_pool_logs_nothing(url, caplog):
    engine = create_engine(url)
    caplog.set_level(logging.DEBUG, logger="cormorant.pool")
    with engine.connect():
        pass
    assert not [r for r in caplog.records if r.name.startswith("cormorant.pool")]
    engine.dispose()


def test_logging_name_names_the_echo_logger(url, caplog):
    engine = create_engine(url, echo=True, logging_name="reports")
    caplog.set_level(logging.INFO, logger="cormorant.engine")
    with engine.connect() as conn:
        conn.execute(text("SELECT 42"))
    assert engine.logging_name == "reports"
    assert any(
        r.name == "cormorant.engine.Engine.reports" and "SELECT 42" in r.getMessage() for r in caplog.records
    )
    engine.dispose()


def _secret_table(engine):
    metadata = MetaData()
    table = Table("secrets", metadata, Column("id", Integer, primary_key=True), Column("word", String(20)))
    metadata.create_all(engine)
    return table


def test_hide_parameters_keeps_values_out_of_errors_and_logs(url, caplog):
    engine = create_engine(url, hide_parameters=True, echo=True)
    table = _secret_table(engine)
    caplog.set_level(logging.INFO, logger="cormorant.engine")
    with engine.connect() as conn:
        conn.execute(insert(table), {"id": 1, "word": "swordfish"})
        with pytest.raises(IntegrityError) as raised:
            conn.execute(insert(table), {"id": 1, "word": "swordfish"})
    message = str(raised.value)
    assert "[SQL parameters hidden due to hide_parameters=True]" in message
    assert "swordfish" not in message
    assert "swordfish" not in caplog.text
    assert "[SQL parameters hidden due to hide_parameters=True]" in caplog.text
    engine.dispose()


def test_without_hide_parameters_errors_show_them(url):
    engine = create_engine(url)
    table = _secret_table(engine)
    with engine.connect() as conn:
        conn.execute(insert(table), {"id": 1, "word": "swordfish"})
        with pytest.raises(IntegrityError, match="swordfish"):
            conn.execute(insert(table), {"id": 1, "word": "swordfish"})
    engine.dispose()


def test_query_cache_size_bounds_the_statement_cache(url):
    small = create_engine(url, query_cache_size=2)
    none = create_engine(url, query_cache_size=0)
    for engine in (small, none):
        with engine.connect() as conn:
            for n in range(5):
                assert conn.execute(select(text(str(n)))).scalar() == n
    assert len(small._cache._entries) == 2
    assert len(none._cache._entries) == 0
    small.dispose()
    none.dispose()


def test_engine_execution_options_are_every_connections_defaults(url):
    engine = create_engine(url, execution_options={"isolation_level": "AUTOCOMMIT", "yield_per": 3})
    assert engine.get_execution_options() == {"isolation_level": "AUTOCOMMIT", "yield_per": 3}
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE t (x INTEGER)"))
    with engine.connect() as conn:
        assert conn.get_execution_options()["yield_per"] == 3
        conn.execute(text("INSERT INTO t VALUES (1)"))
        conn.rollback()  # AUTOCOMMIT: already committed
    with create_engine(url).connect() as other:
        assert other.execute(text("SELECT count(*) FROM t")).scalar() == 1
    engine.dispose()


def test_insertmanyvalues_page_size_sets_rows_per_insert(url, capture_sql):
    engine = create_engine(url, insertmanyvalues_page_size=2)
    table = _secret_table(engine)
    rows = [{"id": n, "word": f"w{n}"} for n in range(5)]
    with capture_sql(engine) as seen, engine.begin() as conn:
        returned = conn.execute(insert(table).returning(table.c.id), rows).scalars().all()
    assert returned == [0, 1, 2, 3, 4]
    assert len([sql for sql in seen if sql.startswith("INSERT")]) == 3
    engine.dispose()


def test_paramstyle_of_the_native_driver_is_accepted(url, backend):
    native = "pyformat" if backend == "postgresql" else "qmark"
    create_engine(url, paramstyle=native).dispose()
    with pytest.raises(ArgumentError, match=f"statements show them in the '{native}' style"):
        create_engine(url, paramstyle="named")


@pytest.mark.parametrize(
    "option, reason",
    [
        ("schema_translate_map", "the native compiler writes schema names as the Table gives them"),
        ("compiled_cache", "size it with create_engine(query_cache_size=...)"),
        ("logging_token", "echo logs carry no per-connection token"),
        ("postgresql_readonly", "no READ ONLY transaction mode"),
        ("postgresql_deferrable", "no DEFERRABLE transaction mode"),
    ],
)
def test_execution_options_that_cannot_apply_are_refused(url, option, reason):
    engine = create_engine(url)
    expected = f"execution option '{option}' is not supported: "
    for target in (engine.execution_options, engine.update_execution_options):
        with pytest.raises(ArgumentError) as raised:
            target(**{option: {}})
        assert str(raised.value).startswith(expected) and reason in str(raised.value)
    with engine.connect() as conn, pytest.raises(ArgumentError, match=expected):
        conn.execution_options(**{option: {}})
    with pytest.raises(ArgumentError, match=expected):
        create_engine(url, execution_options={option: {}})
    engine.dispose()


def test_update_execution_options_changes_the_engine_in_place(url):
    engine = create_engine(url)
    engine.update_execution_options(isolation_level="AUTOCOMMIT", stream_results=True)
    assert engine.get_execution_options() == {"isolation_level": "AUTOCOMMIT", "stream_results": True}
    with engine.connect() as conn:
        conn.execute(text("CREATE TABLE t (x INTEGER)"))  # committed without commit()
    with create_engine(url).connect() as other:
        assert other.execute(text("SELECT count(*) FROM t")).scalar() == 0
    engine.dispose()


@pytest.mark.sqlite_only
@pytest.mark.parametrize(
    "arguments, reason",
    [
        ({"check_same_thread": True}, "not bound to the thread that opened them"),
        ({"isolation_level": None}, "use create_engine(isolation_level="),
        ({"detect_types": 1}, "converted by the columns' types"),
        ({"cached_statements": 10}, "sizes its own prepared-statement cache"),
    ],
)
def test_sqlite3_connect_arguments_without_effect_are_refused(url, arguments, reason):
    ((name, value),) = arguments.items()
    with pytest.raises(ArgumentError) as raised:
        create_engine(url, connect_args=arguments)
    assert f"SQLite connect argument {name}={value!r} is not supported" in str(raised.value)
    assert reason in str(raised.value)


@pytest.mark.sqlite_only
def test_sqlite3_connect_arguments_cormorant_already_honours(url):
    engine = create_engine(
        url + "?check_same_thread=false", connect_args={"check_same_thread": False, "detect_types": 0}
    )
    with engine.connect() as conn:
        assert conn.execute(text("SELECT 1")).scalar() == 1
    engine.dispose()
    with pytest.raises(ArgumentError, match="check_same_thread='true' is not supported"):
        create_engine(url + "?check_same_thread=true")
