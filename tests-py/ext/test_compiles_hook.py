"""cormorant.ext.compiler: @compiles for user constructs (per dialect, values
bound, never spliced) and for overrides of built-in ones, run through the
engine; deregister() restores cormorant's own rendering."""

import pytest
from cormorant import Column, Integer, MetaData, String, Table, event, func, insert, literal, select, text
from cormorant.dialects import postgresql, sqlite
from cormorant.exc import CompileError
from cormorant.ext.compiler import compiles, deregister
from cormorant.sql import functions
from cormorant.sql.ddl import ExecutableDDLElement
from cormorant.sql.dml import Insert
from cormorant.sql.expression import ColumnElement


class plus(ColumnElement):
    """x + n, written by the functions registered below."""

    type = Integer()
    inherit_cache = True

    def __init__(self, left, right):
        self.left = left
        self.right = right


class tagged(ColumnElement):
    """A string prefixed by a literal holding a colon (text SQL must keep it)."""

    type = String()
    inherit_cache = True

    def __init__(self, value):
        self.value = value


class nowhere(ColumnElement):
    """Has a compilation for no dialect but 'mssql'."""

    type = Integer()


class CreateView(ExecutableDDLElement):
    def __init__(self, name, selectable):
        super().__init__()
        self.name = name
        self.selectable = selectable


@pytest.fixture
def registered():
    """The compilations of the user constructs, removed after the test."""

    @compiles(plus)
    def plus_default(element, compiler, **kw):
        return f"({compiler.process(element.left, **kw)} + {compiler.process(element.right, **kw)})"

    @compiles(tagged)
    def tagged_default(element, compiler, **kw):
        return f"('a:b' || {compiler.process(element.value, **kw)})"

    @compiles(nowhere, "mssql")
    def nowhere_mssql(element, compiler, **kw):
        return "1"

    @compiles(CreateView)
    def create_view(element, compiler, **kw):
        query = compiler.sql_compiler.process(element.selectable, literal_binds=True)
        return f"CREATE VIEW {compiler.preparer.quote(element.name)} AS {query}"

    yield
    for class_ in (plus, tagged, nowhere, CreateView):
        deregister(class_)


@pytest.fixture
def numbers(engine):
    table = Table("numbers", MetaData(), Column("id", Integer, primary_key=True), Column("label", String(20)))
    table.metadata.create_all(engine)
    with engine.begin() as conn:
        conn.execute(insert(table), [{"id": 1, "label": "one"}, {"id": 10, "label": "ten"}])
    statements = []
    event.listen(engine, "before_cursor_execute", lambda conn, cur, sql, *rest: statements.append(sql))
    table.statements = statements
    return table


def test_custom_element_in_select_and_where_with_bound_values(engine, numbers, registered):
    with engine.connect() as conn:
        rows = conn.execute(
            select(numbers.c.id, plus(numbers.c.id, 987654).label("bumped"))
            .where(plus(numbers.c.id, 5) > 7)
            .order_by(numbers.c.id)
        ).all()
    assert rows == [(10, 987664)]
    sql = numbers.statements[-1]
    assert "987654" not in sql and "+" in sql  # the values are parameters
    assert "numbers.id" in sql


def test_custom_element_of_python_values_and_its_result_key(engine, registered):
    with engine.connect() as conn:
        result = conn.execute(select(plus(literal(40), 2), plus(literal(1), 1)))
        assert list(result.keys()) == ["anon_1", "anon_2"]
        assert result.all() == [(42, 2)]


def test_colons_in_the_written_sql_and_in_bound_values(engine, registered):
    with engine.connect() as conn:
        assert conn.execute(select(tagged(literal("x:y")))).scalar() == "a:bx:y"
        assert conn.execute(select(tagged(text("'::z'")))).scalar() == "a:b::z"


def test_a_variant_for_one_dialect(engine, registered, backend):
    @compiles(plus, backend)
    def plus_hundred(element, compiler, **kw):
        assert compiler.dialect.name == backend
        return f"({compiler.process(element.left)} + {compiler.process(element.right)} + 100)"

    try:
        with engine.connect() as conn:
            assert conn.execute(select(plus(literal(1), 2))).scalar() == 103
        other = postgresql.dialect() if backend == "sqlite" else sqlite.dialect()
        assert "100" not in str(select(plus(literal(1), 2)).compile(dialect=other))
        assert "100" in str(select(plus(literal(1), 2)).compile(engine))
    finally:
        deregister(plus)


def test_a_dialect_without_a_compilation_is_refused(engine, registered):
    with engine.connect() as conn:
        with pytest.raises(CompileError, match="has no default compilation handler"):
            conn.execute(select(nowhere()))


def test_custom_ddl_element(engine, numbers, registered):
    with engine.begin() as conn:
        conn.execute(CreateView("big_numbers", select(numbers.c.id).where(numbers.c.id > 5)))
        conn.execute(CreateView("Small:Numbers", select(numbers.c.id).where(numbers.c.id < 5)))
    with engine.connect() as conn:
        assert conn.execute(text("SELECT id FROM big_numbers")).scalars().all() == [10]
        assert conn.execute(text('SELECT id FROM "Small\\:Numbers"')).scalars().all() == [1]


def test_preparer_quotes_identifiers_as_the_dialect_needs(engine, numbers):
    @compiles(plus)
    def qualified(element, compiler, **kw):
        preparer = compiler.preparer
        assert preparer.quote("users") == "users"
        assert preparer.quote("User") == '"User"' and preparer.quote_identifier("x") == '"x"'
        table = preparer.format_table(numbers)
        return f"(SELECT max({preparer.format_column(numbers.c.id)}) FROM {table})"

    try:
        with engine.connect() as conn:
            assert conn.execute(select(plus(1, 2))).scalar() == 10
    finally:
        deregister(plus)


def test_override_of_a_builtin_function_and_deregister(engine):
    statement = select(func.now())
    with engine.connect() as conn:
        before = conn.execute(statement).scalar()
        assert before.year > 2000

        @compiles(functions.now, engine.dialect.name)
        def fixed_now(element, compiler, **kw):
            if compiler.dialect.name == "sqlite":
                return "'1999-12-31 23:59:00'"
            return "CAST('1999-12-31 23:59:00' AS TIMESTAMP)"

        try:
            # the same statement object: its remembered compilation is not served
            overridden = conn.execute(statement).scalar()
            assert str(overridden).startswith("1999-12-31 23:59")
            assert str(conn.execute(select(func.now())).scalar()).startswith("1999-12-31")
            assert "1999" not in str(conn.execute(select(func.lower("X"))).scalar())
        finally:
            deregister(functions.now)
        assert conn.execute(statement).scalar().year > 2000


def test_override_of_insert_through_the_builtin_rendering(engine, numbers, backend):
    @compiles(Insert, "sqlite")
    def insert_or_ignore(element, compiler, **kw):
        return compiler.visit_insert(element.prefix_with("OR IGNORE"), **kw)

    @compiles(Insert, "postgresql")
    def insert_do_nothing(element, compiler, **kw):
        return compiler.visit_insert(element, **kw) + " ON CONFLICT DO NOTHING"

    try:
        with engine.begin() as conn:
            conn.execute(insert(numbers), {"id": 1, "label": "again"})
            conn.execute(insert(numbers), [{"id": 10, "label": "again"}, {"id": 20, "label": "twenty"}])
        sql = numbers.statements[-1]
        assert ("OR IGNORE" in sql) if backend == "sqlite" else ("ON CONFLICT DO NOTHING" in sql)
    finally:
        deregister(Insert)
    with engine.connect() as conn:
        assert conn.execute(select(numbers.c.label).order_by(numbers.c.id)).scalars().all() == [
            "one",
            "ten",
            "twenty",
        ]
    with pytest.raises(Exception, match="(?i)unique|duplicate"):
        with engine.begin() as conn:
            conn.execute(insert(numbers), {"id": 1, "label": "again"})


def test_compiles_returns_the_function_and_deregister_of_an_unregistered_class_is_harmless():
    def fn(element, compiler, **kw):
        return "1"

    assert compiles(nowhere, "sqlite")(fn) is fn
    deregister(nowhere)
    deregister(nowhere)
    with pytest.raises(NotImplementedError):
        str(select(nowhere()).compile(dialect=sqlite.dialect()))
