"""create_mock_engine() dumping DDL without a database, and
create_engine() loading CreateEnginePlugin classes by entry point (group
`cormorant.plugins`) from plugins=[...] or the URL's ?plugin=."""

import sys
import textwrap

import pytest
from cormorant import (
    Column,
    Enum,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    create_engine,
    create_mock_engine,
    text,
)
from cormorant.engine import CreateEnginePlugin
from cormorant.exc import ArgumentError, NoSuchModuleError


def _metadata():
    metadata = MetaData()
    Table(
        "author",
        metadata,
        Column("id", Integer, primary_key=True),
        Column("mood", Enum("calm", "busy", name="mood")),
    )
    Table(
        "book",
        metadata,
        Column("id", Integer, primary_key=True),
        Column("author_id", ForeignKey("author.id")),
        Column("title", String(40)),
        Index("ix_book_title", "title"),
    )
    return metadata


@pytest.mark.parametrize("backend_url", ["postgresql://", "sqlite://"])
def test_mock_engine_dumps_create_all_ddl(backend_url):
    statements = []

    def dump(sql, *multiparams, **params):
        statements.append((str(sql.compile(dialect=mock.dialect)).strip(), multiparams, params))

    mock = create_mock_engine(backend_url, dump)
    assert mock.dialect.name == backend_url[:-3]
    _metadata().create_all(mock, checkfirst=False)
    sql = [s for s, _, _ in statements]
    assert all(multiparams == (None,) and params == {} for _, multiparams, params in statements)
    if backend_url.startswith("postgresql"):
        assert sql[0] == "CREATE TYPE mood AS ENUM ('calm', 'busy')"
        sql = sql[1:]
    assert sql[0].startswith("CREATE TABLE author (")
    assert sql[1].startswith("CREATE TABLE book (")
    assert "FOREIGN KEY(author_id) REFERENCES author (id)" in sql[1]
    assert sql[2] == "CREATE INDEX ix_book_title ON book (title)"
    assert len(sql) == 3


def test_mock_engine_drop_all_and_execute_go_to_the_executor():
    received = []
    mock = create_mock_engine("sqlite://", lambda sql, *rest: received.append((sql, rest)))
    assert mock.connect() is mock and mock.engine is mock
    _metadata().drop_all(mock, checkfirst=False)
    assert [str(sql.compile(dialect=mock.dialect)).strip() for sql, _ in received] == [
        "DROP TABLE book",
        "DROP TABLE author",
    ]
    statement = text("SELECT 1")
    mock.execute(statement, {"a": 1})
    assert received[-1] == (statement, ({"a": 1},))


def test_mock_engine_refuses_dialect_arguments_and_unknown_urls():
    with pytest.raises(ArgumentError, match="'foo'"):
        create_mock_engine("sqlite://", print, foo=1)
    with pytest.raises(NoSuchModuleError):
        create_mock_engine("oracle://", print)


# --- plugins -------------------------------------------------------------------------

PLUGIN_MODULE = """
from cormorant.engine import CreateEnginePlugin

calls = []


class CountingPlugin(CreateEnginePlugin):
    def __init__(self, url, kwargs):
        super().__init__(url, kwargs)
        self.size = int(kwargs.pop("counting_pool_size", 3))
        calls.append(("init", url.query.get("counting")))

    def update_url(self, url):
        return url.difference_update_query(["counting"])

    def handle_dialect_kwargs(self, dialect_cls, dialect_args):
        calls.append(("dialect", dialect_cls.__name__))

    def handle_pool_kwargs(self, pool_cls, pool_args):
        pool_args["pool_size"] = self.size
        calls.append(("pool", pool_cls.__name__))

    def engine_created(self, engine):
        engine.created_by_plugin = True
        calls.append(("engine", engine.url.query.get("counting")))


class NoUpdateUrl(CreateEnginePlugin):
    pass
"""


@pytest.fixture
def installed_plugins(tmp_path, monkeypatch):
    """A distribution on sys.path declaring two cormorant.plugins entry points."""
    (tmp_path / "counting_plugin.py").write_text(PLUGIN_MODULE)
    dist_info = tmp_path / "counting_plugin-1.0.dist-info"
    dist_info.mkdir()
    (dist_info / "METADATA").write_text("Metadata-Version: 2.1\nName: counting-plugin\nVersion: 1.0\n")
    (dist_info / "entry_points.txt").write_text(
        textwrap.dedent(
            """\
            [cormorant.plugins]
            counting = counting_plugin:CountingPlugin
            no_update_url = counting_plugin:NoUpdateUrl
            """
        )
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    yield
    sys.modules.pop("counting_plugin", None)


def test_plugin_named_by_keyword_sees_each_step(installed_plugins, url):
    engine = create_engine(url, plugins=["counting"], counting_pool_size=2)
    try:
        import counting_plugin

        assert [step for step, _ in counting_plugin.calls] == ["init", "dialect", "pool", "engine"]
        assert engine.created_by_plugin is True
        assert engine.pool.size() == 2
        with engine.connect() as conn:
            assert conn.scalar(text("SELECT 4")) == 4
    finally:
        engine.dispose()


def test_plugin_named_in_the_url_is_taken_out_of_it(installed_plugins, url):
    separator = "&" if "?" in url else "?"
    engine = create_engine(f"{url}{separator}plugin=counting&counting=yes")
    try:
        import counting_plugin

        assert counting_plugin.calls[0] == ("init", "yes")  # the plugin saw its argument
        assert counting_plugin.calls[-1] == ("engine", None)  # which update_url() removed
        assert "plugin" not in engine.url.query
        assert engine.pool.size() == 3
        with engine.connect() as conn:
            assert conn.scalar(text("SELECT 5")) == 5
    finally:
        engine.dispose()


def test_plugin_without_update_url_and_unknown_plugins_are_refused(installed_plugins):
    with pytest.raises(NotImplementedError):
        create_engine("sqlite://", plugins=["no_update_url"])
    with pytest.raises(NoSuchModuleError, match="Can't load plugin: cormorant.plugins:absent"):
        create_engine("sqlite://", plugins=["absent"])
    # a keyword no plugin took is still refused by name
    with pytest.raises(ArgumentError, match="counting_pool_size"):
        create_engine("sqlite://", counting_pool_size=2)


def test_plugin_adding_dialect_arguments_is_refused(monkeypatch):
    class DialectArgs(CreateEnginePlugin):
        def update_url(self, url):
            return url

        def handle_dialect_kwargs(self, dialect_cls, dialect_args):
            dialect_args["use_native_hstore"] = False

    from cormorant.engine import create as create_module

    monkeypatch.setattr(create_module, "load_plugin", lambda name: DialectArgs)
    with pytest.raises(ArgumentError, match="use_native_hstore"):
        create_engine("sqlite://", plugins=["dialect_args"])


def test_mock_engine_takes_single_table_ddl_and_checkfirst_forms():
    received = []
    mock = create_mock_engine("sqlite://", lambda sql, *rest: received.append(str(sql.compile(mock)).strip()))
    metadata = _metadata()
    metadata.tables["author"].create(mock)
    metadata.tables["book"].drop(mock, checkfirst=True)
    assert received[0].startswith("CREATE TABLE author (")  # Table.create: checkfirst=False
    assert received[1] == "DROP TABLE IF EXISTS book"
