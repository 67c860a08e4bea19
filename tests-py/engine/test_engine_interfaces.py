"""The engine's interface classes: Dialect and its type compiler,
ExecutionContext for cursor events, the handle_error event with
ExceptionContext, transaction classes, Inspector.get_multi_*,
connection_memoize and the cormorant.engine.interfaces module."""

import pytest
from cormorant import (
    Column,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Table,
    create_engine,
    event,
    inspect,
    select,
    text,
)
from cormorant.engine import (
    BindTyping,
    Compiled,
    Connectable,
    Connection,
    ConnectionEventsTarget,
    Dialect,
    Engine,
    ExceptionContext,
    ExecutionContext,
    Inspector,
    NestedTransaction,
    ObjectKind,
    ObjectScope,
    RootTransaction,
    TwoPhaseTransaction,
    TypeCompiler,
    connection_memoize,
)
from cormorant.exc import DBAPIError, OperationalError, ProgrammingError


class DatabaseSaysNo(Exception):
    pass


def test_engine_dialect_is_a_dialect_with_its_type_compiler(engine):
    dialect = engine.dialect
    assert isinstance(dialect, Dialect)
    assert dialect.bind_typing is BindTyping.NONE
    assert isinstance(dialect.type_compiler, TypeCompiler)
    assert dialect.type_compiler.process(String(20)) == "VARCHAR(20)"
    assert dialect.type_compiler.process(Integer) == "INTEGER"
    assert list(BindTyping) == [BindTyping.NONE, BindTyping.SETINPUTSIZES, BindTyping.RENDER_CASTS]


def test_engine_and_connection_are_connection_event_targets(engine):
    assert Connectable is ConnectionEventsTarget
    assert isinstance(engine, ConnectionEventsTarget)
    with engine.connect() as conn:
        assert isinstance(conn, Connectable)


def test_cursor_events_receive_an_execution_context(engine):
    seen = []

    @event.listens_for(engine, "before_cursor_execute")
    def before(conn, cursor, statement, parameters, context, executemany):
        seen.append(("before", context))

    @event.listens_for(engine, "after_cursor_execute")
    def after(conn, cursor, statement, parameters, context, executemany):
        seen.append(("after", context))

    with engine.connect() as conn:
        assert conn.execute(select(text("7"))).scalar() == 7
        before_context = seen[0][1]
        assert isinstance(before_context, ExecutionContext)
        assert before_context.connection is conn
        assert before_context.engine is engine
        assert before_context.dialect is engine.dialect
        assert "7" in before_context.statement
        assert before_context.executemany is False
        assert isinstance(seen[1][1], ExecutionContext)


def test_handle_error_listener_sees_the_error_and_may_replace_it(engine):
    contexts = []

    @event.listens_for(engine, "handle_error")
    def rewrite(context):
        contexts.append(context)
        if "no_such_table" in context.statement:
            return DatabaseSaysNo(f"missing: {context.statement}")
        return None

    with engine.connect() as conn:
        with pytest.raises(DatabaseSaysNo, match="missing: SELECT x FROM no_such_table") as raised:
            conn.execute(text("SELECT x FROM no_such_table"))
        context = contexts[0]
        assert isinstance(context, ExceptionContext)
        assert isinstance(context.sqlalchemy_exception, (OperationalError, ProgrammingError))
        assert context.chained_exception is raised.value
        assert context.original_exception is not None
        assert context.connection is conn and context.engine is engine
        assert context.is_disconnect is False
        assert isinstance(context.execution_context, ExecutionContext)
        conn.rollback()
        # a listener returning None leaves the error as it was
        with pytest.raises(DBAPIError):
            conn.execute(text("SELECT nonsense syntax here"))


def test_handle_error_receives_the_parameters(engine):
    contexts = []
    event.listen(engine, "handle_error", contexts.append)
    with engine.connect() as conn:
        with pytest.raises(DBAPIError):
            conn.execute(text("SELECT :v FROM no_such_table"), {"v": 42})
    assert 42 in list(contexts[0].parameters)


def test_handle_error_listener_may_raise_its_own_exception(engine):
    def refuse(context):
        raise DatabaseSaysNo("from the listener") from context.original_exception

    event.listen(engine, "handle_error", refuse)
    with engine.connect() as conn, pytest.raises(DatabaseSaysNo, match="from the listener"):
        conn.execute(text("SELECT * FROM absent_table"))


def test_handle_error_is_disconnect_invalidates_the_connection(engine):
    def call_it_a_disconnect(context):
        context.is_disconnect = True

    event.listen(engine, "handle_error", call_it_a_disconnect)
    with engine.connect() as conn:
        with pytest.raises(DBAPIError) as raised:
            conn.execute(text("SELECT * FROM absent_table"))
        assert raised.value.connection_invalidated is True
        assert conn.invalidated
        conn.rollback()
        assert conn.scalar(select(text("3"))) == 3  # a new connection


def test_transactions_are_root_or_nested(engine):
    with engine.connect() as conn:
        root = conn.begin()
        assert isinstance(root, RootTransaction)
        nested = conn.begin_nested()
        assert isinstance(nested, NestedTransaction) and not isinstance(nested, RootTransaction)
        nested.commit()
        root.commit()
        conn.execute(select(text("1")))
        assert isinstance(conn.get_transaction(), RootTransaction)


def test_two_phase_transactions_are_refused_by_name(engine):
    with engine.connect() as conn:
        with pytest.raises(NotImplementedError, match="begin_twophase"):
            conn.begin_twophase()
    with pytest.raises(NotImplementedError, match="TwoPhaseTransaction"):
        TwoPhaseTransaction(None)


def test_statement_compile_gives_a_compiled(engine):
    compiled = select(text("1")).compile(engine)
    assert isinstance(compiled, Compiled)
    assert str(compiled) == compiled.string
    stmt = select(Column("a", Integer)).where(Column("a", Integer) == 5)
    (name,) = stmt.compile().params
    assert stmt.compile().construct_params() == {name: 5}
    assert stmt.compile().construct_params({name: 6}) == {name: 6}


def _schema(engine):
    metadata = MetaData()
    Table("parent", metadata, Column("id", Integer, primary_key=True), Column("name", String(20)))
    Table(
        "child",
        metadata,
        Column("id", Integer, primary_key=True),
        Column("parent_id", ForeignKey("parent.id")),
    )
    metadata.create_all(engine)
    with engine.begin() as conn:
        conn.execute(text("CREATE VIEW parent_names AS SELECT name FROM parent"))


def test_inspector_reads_several_tables_at_once(engine):
    _schema(engine)
    inspector = inspect(engine)
    assert isinstance(inspector, Inspector)
    columns = inspector.get_multi_columns()
    assert set(columns) == {(None, "parent"), (None, "child")}
    assert [c["name"] for c in columns[(None, "parent")]] == ["id", "name"]
    keys = inspector.get_multi_pk_constraint(filter_names=["child"])
    assert keys == {(None, "child"): inspector.get_pk_constraint("child")}
    foreign = inspector.get_multi_foreign_keys()
    assert foreign[(None, "child")][0]["referred_table"] == "parent"
    assert foreign[(None, "parent")] == []
    assert set(inspector.get_multi_indexes()) == {(None, "parent"), (None, "child")}
    assert inspector.get_multi_unique_constraints(filter_names=["parent"]) == {(None, "parent"): []}
    views = inspector.get_multi_columns(kind=ObjectKind.VIEW)
    assert [c["name"] for c in views[(None, "parent_names")]] == ["name"]
    both = inspector.get_multi_columns(kind=ObjectKind.TABLE | ObjectKind.VIEW)
    assert len(both) == 3


def test_inspector_refuses_what_it_cannot_list(engine):
    inspector = inspect(engine)
    with pytest.raises(NotImplementedError, match="TEMPORARY"):
        inspector.get_multi_columns(scope=ObjectScope.ANY)
    with pytest.raises(NotImplementedError, match="MATERIALIZED_VIEW"):
        inspector.get_multi_columns(kind=ObjectKind.ANY)
    assert ObjectKind.ANY_VIEW == ObjectKind.VIEW | ObjectKind.MATERIALIZED_VIEW


class _Probe:
    calls = 0

    @connection_memoize("probe_value")
    def value(self, connection):
        type(self).calls += 1
        return connection.scalar(select(text("11")))


def test_connection_memoize_keeps_a_value_per_database_connection(url):
    engine = create_engine(url, pool_size=1, max_overflow=0)
    probe = _Probe()
    _Probe.calls = 0
    try:
        with engine.connect() as conn:
            assert probe.value(conn) == 11
            assert probe.value(conn) == 11
            assert conn.info["probe_value"] == 11
        with engine.connect() as conn:  # the same pooled connection, its info kept
            assert probe.value(conn) == 11
        assert _Probe.calls == 1
    finally:
        engine.dispose()


def test_engine_interfaces_module_offers_sqlalchemys_names():
    from cormorant.engine.interfaces import (
        AdaptedConnection,
        CreateEnginePlugin,
        DBAPIConnection,
        DBAPICursor,
        ExecuteStyle,
        IsolationLevel,
        Pool,
        PoolProxiedConnection,
        ReflectedColumn,
    )
    from cormorant.engine.interfaces import Dialect as InterfaceDialect
    from cormorant.pool import QueuePool

    assert InterfaceDialect is Dialect
    assert issubclass(QueuePool, Pool)
    assert issubclass(DBAPIConnection, PoolProxiedConnection)
    assert issubclass(DBAPIConnection, AdaptedConnection)
    assert DBAPICursor.__name__ == "DBAPICursor"
    assert CreateEnginePlugin.__name__ == "CreateEnginePlugin"
    assert ExecuteStyle.EXECUTEMANY.value == 1
    assert "AUTOCOMMIT" in IsolationLevel.__args__
    assert ReflectedColumn is not None
    with pytest.raises(AttributeError):
        from cormorant.engine import interfaces

        interfaces.NoSuchName  # noqa: B018


def test_raw_connection_is_an_adapted_pool_proxied_connection(engine):
    from cormorant import AdaptedConnection, PoolProxiedConnection

    raw = engine.raw_connection()
    try:
        assert isinstance(raw, PoolProxiedConnection) and isinstance(raw, AdaptedConnection)
        assert raw.driver_connection is not None
        assert raw.dbapi_connection is raw
        assert raw.cursor().execute("SELECT 5").fetchone() == (5,)
        with pytest.raises(NotImplementedError, match="run_async"):
            raw.run_async(lambda connection: None)
    finally:
        raw.close()
    assert engine.pool.checkedout() == 0
    assert isinstance(engine, Engine) and Connection is not None


def test_handle_error_sees_errors_while_connecting(tmp_path):
    engine = create_engine(f"sqlite:///{tmp_path}/no/such/dir/db.sqlite")
    contexts = []

    @event.listens_for(engine, "handle_error")
    def rewrite(context):
        contexts.append(context)
        return DatabaseSaysNo("cannot reach the database")

    with pytest.raises(DatabaseSaysNo, match="cannot reach") as raised:
        engine.connect()
    context = contexts[0]
    assert context.connection is None and context.statement is None
    assert context.engine is engine
    assert isinstance(context.sqlalchemy_exception, OperationalError)
    assert raised.value.__cause__ is context.sqlalchemy_exception
    event.remove(engine, "handle_error", rewrite)
    with pytest.raises(OperationalError):
        engine.connect()


def test_engine_connect_and_engine_disposed_events(url):
    engine = create_engine(url)
    connected, disposed = [], []
    event.listen(engine, "engine_connect", connected.append)
    event.listen(engine, "engine_disposed", disposed.append)
    with engine.connect() as conn:
        assert connected == [conn]
        assert conn.scalar(select(text("1"))) == 1
    with engine.begin() as conn:
        assert connected[-1] is conn and len(connected) == 2
    engine.dispose()
    assert disposed == [engine]
