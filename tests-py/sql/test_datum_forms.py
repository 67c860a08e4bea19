"""The Python statement builders and the C++ decoder agree on one declared
interface: _native.datum_forms(). Every tagged tuple the Python side builds,
for a statement of every kind, has a declared form of its role and a length
that form allows; and every declared form has a Python producer here, so a
form added on one side only fails this test."""

import pytest
from cormorant import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    Date,
    DateTime,
    Enum,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    Numeric,
    SmallInteger,
    String,
    Table,
    Text,
    Time,
    UniqueConstraint,
    UserDefinedType,
    Uuid,
    _native,
    and_,
    between,
    bindparam,
    bitwise_not,
    case,
    cast,
    delete,
    distinct,
    exists,
    extract,
    false,
    func,
    insert,
    literal,
    not_,
    null,
    nulls_first,
    nulls_last,
    or_,
    select,
    text,
    true,
    tuple_,
    update,
)
from cormorant.dialects import postgresql, sqlite
from cormorant.dialects.postgresql import JSONB, ExcludeConstraint
from cormorant.sql.ddl import CreateColumn, create_script, drop_script
from cormorant.sql.defaults import Computed, Identity
from cormorant.sql.elements import BindCollector
from cormorant.sql.selectable import column, statement_datum, tablesample, union_all, values

FORMS = {
    (role, tag): (slots, optional, repeats) for role, tag, slots, optional, repeats in _native.datum_forms()
}
STRING_SLOTS = {"columns", "of", "index_elements", "values", "referenced_columns"}
PAIR_SLOTS = {"assignments", "set"}
# Declared in C++ before Python builds them; each entry must go once it does.
AWAITING_PYTHON: dict[tuple[str, str], str] = {}
# Forms of the C++ builder API (cormorant/sql/builder.hpp) that Python never sends.
CPP_ONLY = {("node", "star"): "star() for C++ callers", ("node", "grouping"): "explicit parentheses"}


class Walk:
    """Checks each tagged tuple against its form and records (role, tag)."""

    def __init__(self):
        self.seen = set()

    def form(self, value, role="node"):
        assert isinstance(value, tuple) and value and isinstance(value[0], str), value
        tag = value[0]
        assert (role, tag) in FORMS, (
            f"{role} form {tag!r} is built in Python but not declared in C++: {value!r}"
        )
        slots, optional, repeats = FORMS[(role, tag)]
        given = len(value) - 1
        fits = given >= len(slots) - optional and (repeats or given <= len(slots))
        assert fits, f"{tag!r} built with {given} slot(s), declared {slots} ({optional} optional): {value!r}"
        self.seen.add((role, tag))
        for i, item in enumerate(value[1:]):
            name = slots[min(i, len(slots) - 1)]
            self.slot(tag, name, item)

    def slot(self, tag, name, value):
        if not isinstance(value, (tuple, list)) or not value:
            return
        if name == "type":
            if value != ("null",):
                self.form(value, "type")
            return
        if tag == "create_column":
            self.form(value, "element")
            return
        if tag == "exclude" and name == "elements":
            for element in value:
                self.form(element, "element")
            return
        if tag == "column" and name == "generated":
            self.form(value, "element")
            return
        if tag == "add_constraint" and name == "constraint":
            self.form(value, "element")
            return
        if tag == "table_valued" and name == "derived":  # (column name, type or None) pairs
            for _, type_ in value:
                if type_ is not None:
                    self.form(type_, "type")
            return
        if tag == "create_table" and name in ("columns", "constraints"):
            for element in value:
                self.form(element, "element")
            return
        if name in STRING_SLOTS and all(isinstance(v, str) for v in value):
            return
        if name in PAIR_SLOTS:
            for _, expr in value:
                self.any(expr)
            return
        self.any(value)

    def any(self, value):
        if isinstance(value, (tuple, list)) and value:
            if isinstance(value[0], str):
                self.form(tuple(value))
            else:
                for item in value:
                    self.any(item)


class Point(UserDefinedType):
    cache_ok = True

    def get_col_spec(self, **kw):
        return "POINT"


md = MetaData()
parent = Table("parent", md, Column("id", Integer, primary_key=True), Column("label", String(30)))
child = Table(
    "child",
    md,
    Column("id", BigInteger, primary_key=True),
    Column("parent_id", ForeignKey("parent.id", ondelete="CASCADE"), nullable=False),
    Column("twin_id", ForeignKey("child.id", use_alter=True, name="fk_twin")),
    Column("small", SmallInteger, server_default=text("0")),
    Column("body", Text, server_default="none"),
    Column("ok", Boolean),
    Column("ratio", Float),
    Column("price", Numeric(10, 2)),
    Column("day", Date),
    Column("at", Time),
    Column("stamp", DateTime(timezone=True)),
    Column("blob", LargeBinary),
    Column("doc", JSON),
    Column("docb", JSONB),
    Column("uid", Uuid),
    Column("mood", Enum("sad", "glad", name="mood")),
    Column("plain_mood", Enum("up", "down", native_enum=False)),
    Column("addr", postgresql.INET),
    Column("net", postgresql.CIDR),
    Column("words", postgresql.TSVECTOR),
    Column("span", postgresql.INTERVAL),
    # SQLite has no arrays: its DDL there would raise, as in SQLAlchemy
    Column("tags", postgresql.ARRAY(String(10)).with_variant(Text(), "sqlite")),
    Column("spot", Point),
    Column("twice", Integer, Computed("small * 2")),
    Column("serial_no", Integer, Identity(start=3)),
    UniqueConstraint("body", name="uq_body"),
    ExcludeConstraint(("small", "="), name="ex_small", where=text("small > 0")),
    CheckConstraint("small >= 0", name="ck_small"),
    Index("ix_child_day", "day", unique=True),
)


def _statements():
    p, c = parent.c, child.c
    n = func.count(distinct(c.id)).label("n")
    q = (
        select(p.id, n, literal(1), null(), true(), false())
        .select_from(parent)
        .join(child, c.parent_id == p.id, isouter=True)
        .where(
            and_(
                or_(
                    p.label.like("a%"),
                    p.label.like("a/%", escape="/"),
                    not_(p.label.in_(["x", "y"])),
                    not_(exists()),
                ),
                between(c.price, 1, 2),
                c.ratio.is_not(None),
                -c.small < 0,
                cast(c.body, String) == bindparam("body", type_=String()),
                exists(select(child.c.id).where(child.c.parent_id == p.id)),
            )
        )
        .group_by(p.id)
        .having(func.count() > 1)
        .order_by(nulls_first(p.label.desc()), nulls_last(p.id.asc()), n)
        .limit(5)
        .offset(1)
        .distinct()
        .with_for_update(nowait=True, of=parent)
    )
    sub = select(c.parent_id, func.max(c.price).label("top")).group_by(c.parent_id).subquery("tops")
    yield q
    yield select(case((p.id > 1, "big"), else_="small"), select(func.count()).scalar_subquery())
    yield select(sub.c.top).join(parent, parent.c.id == sub.c.parent_id)
    yield select(parent.alias("p2").c.id)
    yield select(text("*")).select_from(text("parent"))
    yield select(p.id).where(text("id > :lo").bindparams(bindparam("lo", type_=Integer())))
    yield insert(parent).values(label="a").returning(parent.c.id)
    yield insert(parent).values([{"label": "a"}, {"label": "b"}])
    yield insert(parent)
    for dialect in (postgresql, sqlite):
        ins = dialect.insert(parent).values(id=1, label="a")
        yield ins.on_conflict_do_nothing(index_elements=["id"])
        yield ins.on_conflict_do_update(
            index_elements=["id"], set_={"label": ins.excluded.label}, where=parent.c.id > 0
        )
    yield update(parent).where(parent.c.id == 1).values(label="b").returning(parent.c.label)
    yield delete(parent).where(parent.c.id == 1).returning(parent.c.id)
    yield (
        insert(child).from_select(["id", "parent_id"], select(parent.c.id, parent.c.id)).returning(child.c.id)
    )
    yield (
        update(child)
        .values(body=parent.c.label)
        .where(child.c.parent_id == parent.c.id)
        .returning(child.c.id)
    )
    yield select(select(p.id).subquery().c.id)
    yield select(func.now(), func.coalesce(p.label, "-"))
    yield select(
        func.sum(c.price).over(partition_by=p.id, order_by=c.id, rows=(-2, 0)),
        func.percentile_cont(0.5).within_group(c.price),
        func.count().filter(c.price > 1),
        tuple_(c.id, c.small).in_([(1, 2)]),
        p.label.collate("nocase"),
        extract("year", c.day),
        func.current_date(),
        bitwise_not(c.small),
        c.small.op("&")(1),
    )
    yield select(func.json_each(p.label).table_valued("key").render_derived().c.key)
    yield select(func.foo(p.id).scalar_table_valued("bar"))
    yield select(
        func.json_each(p.label).table_valued(Column("k", Integer)).render_derived(with_types=True).c.k
    )
    yield from _setops_and_ctes()


def _setops_and_ctes():
    p = parent.c
    yield select(p.id).prefix_with("/* hint */").suffix_with("FOR SHARE")
    tree = select(p.id).where(p.id == 1).cte("tree", recursive=True)
    tree = tree.union_all(select(p.id).join(tree, tree.c.id == p.id))
    yield select(tree.c.id).order_by(tree.c.id)
    yield union_all(select(p.id), select(p.id)).order_by("id").limit(2)
    pairs = values(column("a", Integer), name="v").data([(1,), (2,)])
    yield select(pairs.c.a).where(pairs.c.a.in_(values(column("b", Integer)).data([(1,)]).scalar_values()))
    yield select(p.id).join(select(p.label).where(p.id > 0).lateral("l"), true())
    yield select(tablesample(parent, func.bernoulli(5), name="s", seed=1).c.id)


def _datum(statement, dialect):
    binds = BindCollector(dialect)
    datum_with = getattr(statement, "_datum_with", None)
    if datum_with is not None:
        return datum_with(binds, ())
    return statement_datum(binds, statement._datum)


def _savepoint_datums(engine):
    """Savepoint datums come from the engine itself: record what it runs."""
    ran = []
    with engine.connect() as conn:
        run = conn._execute_datum

        def record(datum):
            ran.append(datum)
            return run(datum)

        conn._execute_datum = record
        conn.begin()
        nested = conn.begin_nested()
        conn.begin_nested().rollback()
        nested.commit()
        conn.rollback()
    return ran


@pytest.fixture(scope="module")
def walk():
    walk = Walk()
    for dialect in ("sqlite", "postgresql"):
        for statement in _statements():
            walk.any(_datum(statement, dialect))
    # DELETE ... USING exists on PostgreSQL only
    walk.any(_datum(delete(child).where(child.c.parent_id == parent.c.id), "postgresql"))
    for dialect in ("sqlite", "postgresql"):
        tables = md.sorted_tables
        for datum in create_script(tables, dialect, True, defer_alter=True):
            walk.form(datum)
        for datum in drop_script(list(reversed(tables)), dialect, True, defer_alter=True):
            walk.form(datum)
        walk.form(Index("ix_drop", parent.c.label)._drop_datum(True))
        walk.form(CreateColumn(child.c.twice)._datum(BindCollector(dialect)))
    return walk


def test_every_built_tuple_has_a_declared_form(walk):
    assert walk.seen  # the walk reached the forms


def test_every_declared_form_has_a_python_producer(walk, engine):
    for datum in _savepoint_datums(engine):
        walk.form(datum)
    assert set(FORMS) - walk.seen == set(AWAITING_PYTHON) | set(CPP_ONLY)


def test_an_undeclared_tag_or_length_is_caught():
    walk = Walk()
    with pytest.raises(AssertionError, match="not declared"):
        walk.form(("frobnicate", 1))
    with pytest.raises(AssertionError, match="built with 1 slot"):
        walk.form(("label", ("col", None, "a")))
