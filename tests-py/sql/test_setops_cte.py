"""Set operations, CTEs (recursive too), FROM clauses (join(), aliases, VALUES,
LATERAL, table()/column()), EXISTS and correlation, run on both backends;
where SQLite can run it, results are compared with SQLAlchemy's on the same file."""

from datetime import date
from decimal import Decimal

import pytest
from cormorant import (
    CTE,
    Alias,
    CompoundSelect,
    Date,
    ForeignKey,
    Integer,
    Numeric,
    ScalarValues,
    String,
    Subquery,
    TableClause,
    TableSample,
    Values,
    column,
    delete,
    except_,
    except_all,
    exists,
    func,
    insert,
    intersect,
    intersect_all,
    join,
    literal,
    outerjoin,
    select,
    table,
    tablesample,
    text,
    union,
    union_all,
    update,
    values,
)
from cormorant import exc as cexc
from cormorant.orm import DeclarativeBase, Mapped, Session, mapped_column
from cormorant.sql.elements import BindCollector
from cormorant.sql.selectable import statement_datum


class Base(DeclarativeBase):
    pass


class Dept(Base):
    __tablename__ = "dept"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(50))


class Emp(Base):
    __tablename__ = "emp"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(50))
    salary: Mapped[Decimal] = mapped_column(Numeric(10, 2))
    hired: Mapped[date] = mapped_column(Date)
    dept_id: Mapped[int] = mapped_column(ForeignKey("dept.id"))
    manager_id: Mapped[int | None] = mapped_column(ForeignKey("emp.id"))


STAFF = [
    (1, "ada", "900.00", date(2019, 1, 7), 1, None),
    (2, "bob", "500.00", date(2020, 3, 1), 1, 1),
    (3, "cy", "650.00", date(2021, 6, 15), 1, 1),
    (4, "dee", "700.00", date(2018, 2, 2), 2, None),
    (5, "eve", "400.00", date(2022, 9, 9), 2, 4),
    (6, "fay", "400.00", date(2023, 1, 1), 2, 5),
]
emp = Emp.__table__
dept = Dept.__table__


@pytest.fixture
def db(engine):
    Base.metadata.create_all(engine)
    with Session(engine) as s:
        s.add_all([Dept(id=1, name="eng"), Dept(id=2, name="ops"), Dept(id=3, name="empty")])
        s.flush()
        s.add_all(
            Emp(id=i, name=n, salary=Decimal(sal), hired=h, dept_id=d, manager_id=m)
            for i, n, sal, h, d, m in STAFF
        )
        s.commit()
    return engine


def datum(statement, dialect="sqlite"):
    binds = BindCollector(dialect)
    return statement_datum(binds, statement._datum)


RICH = select(Emp.name).where(Emp.salary >= 650)
OLD = select(Emp.name).where(Emp.hired < date(2020, 1, 1))


# --- set operations ---------------------------------------------------------------


def test_union_intersect_except_as_in_the_spec(db):
    with db.connect() as conn:
        assert sorted(conn.execute(union(RICH, OLD)).scalars()) == ["ada", "cy", "dee"]
        assert len(conn.execute(union_all(RICH, OLD)).all()) == 5
        assert sorted(conn.execute(intersect(RICH, OLD)).scalars()) == ["ada", "dee"]
        assert conn.execute(except_(RICH, OLD)).scalars().all() == ["cy"]
        sub = union(RICH, OLD).subquery()
        assert conn.execute(select(func.count()).select_from(sub)).scalar() == 3


def test_set_operation_methods_order_limit_offset(db):
    stmt = RICH.union(OLD).order_by("name").limit(2).offset(1)
    assert isinstance(stmt, CompoundSelect)
    with db.connect() as conn:
        assert conn.execute(stmt).scalars().all() == ["cy", "dee"]
        assert conn.execute(RICH.union_all(OLD).order_by(Emp.name.desc())).scalars().first() == "dee"
        assert conn.execute(RICH.except_(OLD)).scalars().all() == ["cy"]
        assert sorted(conn.execute(RICH.intersect(OLD)).scalars()) == ["ada", "dee"]


def test_order_by_a_name(db):
    with db.connect() as conn:
        by_label = select(Emp.id, (Emp.salary * 2).label("double")).order_by("double", "id")
        assert [r.id for r in conn.execute(by_label)][:3] == [5, 6, 2]
        by_column = select(emp.c.id, emp.c.name).order_by("name").limit(2)
        assert conn.execute(by_column).scalars().all() == [1, 2]
    with pytest.raises(cexc.CompileError, match="Can't resolve label reference"):
        datum(select(emp.c.id).order_by("nope"))


def test_rows_are_named_by_the_first_select(db):
    first = select(Emp.id, Emp.name.label("who")).where(Emp.id == 1)
    second = select(Dept.id, Dept.name).where(Dept.id == 3)
    with db.connect() as conn:
        rows = conn.execute(union_all(first, second).order_by("id")).all()
    assert [(r.id, r.who) for r in rows] == [(1, "ada"), (3, "empty")]
    assert list(rows[0]._mapping) == ["id", "who"]


def test_session_executes_a_compound(db):
    with Session(db) as s:
        assert sorted(s.execute(union(RICH, OLD)).scalars()) == ["ada", "cy", "dee"]
        assert sorted(s.scalars(union(RICH, OLD))) == ["ada", "cy", "dee"]


def test_nested_compounds_and_members_with_limits(db):
    top_paid = select(Emp.name).order_by(Emp.salary.desc()).limit(1)
    newest = select(Emp.name).order_by(Emp.hired.desc()).limit(1)
    with db.connect() as conn:
        assert sorted(conn.execute(union(top_paid, newest)).scalars()) == ["ada", "fay"]
        nested = union(select(Emp.name).where(Emp.id == 2), except_(RICH, OLD))
        assert sorted(conn.execute(nested).scalars()) == ["bob", "cy"]


def test_intersect_all_and_except_all(db, backend):
    salaries = select(Emp.salary).where(Emp.dept_id == 2)
    low = select(Emp.salary).where(Emp.salary < 450)
    with db.connect() as conn:
        if backend == "sqlite":  # SQLite has neither; the database says so, as under SQLAlchemy
            with pytest.raises(cexc.DBAPIError):
                conn.execute(intersect_all(salaries, low)).all()
            return
        assert conn.execute(intersect_all(salaries, low)).scalars().all() == [Decimal("400.00")] * 2
        assert conn.execute(except_all(salaries, low)).scalars().all() == [Decimal("700.00")]


def test_compound_as_scalar_subquery_exists_label_and_in(db):
    ids = union(select(Emp.id).where(Emp.id == 1), select(Emp.id).where(Emp.id == 6))
    with db.connect() as conn:
        names = conn.execute(select(Emp.name).where(Emp.id.in_(ids)).order_by(Emp.id)).scalars().all()
        assert names == ["ada", "fay"]
        assert conn.execute(select(ids.exists())).scalar() in (True, 1)
        one = union(select(Emp.id).where(Emp.id == 3), select(Emp.id).where(Emp.id == 3))
        assert conn.execute(select(one.scalar_subquery())).scalar() == 3
        assert conn.execute(select(one.label("x"))).one().x == 3
    assert [c._row_key for c in ids.selected_columns] == ["id"]


def test_compound_subquery_exposes_columns_by_name(db):
    both = union(select(Emp).where(Emp.id == 1), select(Emp).where(Emp.id == 4)).subquery()
    assert isinstance(both, Subquery)
    assert {"id", "name", "salary", "dept_id"} <= set(both.c.keys())
    with db.connect() as conn:
        rows = conn.execute(select(both.c.name, both.c.salary).order_by(both.c.id)).all()
    assert rows == [("ada", Decimal("900.00")), ("dee", Decimal("700.00"))]


def test_compound_execution_options_and_mismatched_widths(db):
    stmt = union(RICH, OLD).execution_options(yield_per=1)
    assert stmt.get_execution_options() == {"yield_per": 1}
    with db.connect() as conn:
        assert sorted(conn.execute(stmt).scalars()) == ["ada", "cy", "dee"]
    with pytest.raises(cexc.ArgumentError, match="identical numbers of columns"):
        union(select(Emp.id), select(Emp.id, Emp.name))


# --- CTEs -----------------------------------------------------------------------------


def test_common_table_expressions_as_in_the_spec(db):
    totals = select(Emp.dept_id, func.sum(Emp.salary).label("total")).group_by(Emp.dept_id).cte("totals")
    assert isinstance(totals, CTE)
    stmt = select(Dept.name, totals.c.total).join(totals, Dept.id == totals.c.dept_id).order_by(Dept.name)
    with Session(db) as s:
        assert s.execute(stmt).all() == [("eng", Decimal("2050.00")), ("ops", Decimal("1500.00"))]


def test_recursive_cte_walks_a_hierarchy(db):
    chain = (
        select(Emp.id, Emp.name, literal(0).label("depth")).where(Emp.id == 4).cte("chain", recursive=True)
    )
    below = emp.alias()
    chain = chain.union_all(
        select(below.c.id, below.c.name, (chain.c.depth + 1).label("depth")).join(
            chain, below.c.manager_id == chain.c.id
        )
    )
    with Session(db) as s:
        rows = s.execute(select(chain.c.name, chain.c.depth).order_by(chain.c.depth)).all()
    assert rows == [("dee", 0), ("eve", 1), ("fay", 2)]


def test_anonymous_recursive_cte_is_named_once(db):
    walk = select(Emp.id).where(Emp.manager_id.is_(None)).cte(recursive=True)
    walk = walk.union(select(Emp.id).join(walk, Emp.manager_id == walk.c.id))
    d = datum(select(walk.c.id))
    assert d[0] == "with" and d[1] is True and d[2][0][1:3] == ("anon_1", ("id",))
    with db.connect() as conn:
        assert sorted(conn.execute(select(walk.c.id)).scalars()) == [1, 2, 3, 4, 5, 6]


def test_ctes_referencing_ctes_and_in_where_subqueries(db):
    eng = select(Emp.id, Emp.salary).where(Emp.dept_id == 1).cte("eng")
    rich_eng = select(eng.c.id).where(eng.c.salary > 600).cte("rich_eng")
    stmt = select(Emp.name).where(Emp.id.in_(select(rich_eng.c.id))).order_by(Emp.id)
    d = datum(stmt)
    assert [c[1] for c in d[2]] == ["eng", "rich_eng"]  # a CTE comes after those it reads
    with db.connect() as conn:
        assert conn.execute(stmt).scalars().all() == ["ada", "cy"]
        scalar = select(Emp.name).where(Emp.id == select(func.min(rich_eng.c.id)).scalar_subquery())
        assert conn.execute(scalar).scalar() == "ada"


def test_cte_of_a_compound_alias_and_add_cte(db):
    both = union(RICH, OLD).cte("both_")
    renamed = both.alias("b")
    assert isinstance(renamed, Alias)
    with db.connect() as conn:
        assert sorted(conn.execute(select(renamed.c.name)).scalars()) == ["ada", "cy", "dee"]
        unused = select(Emp.id).cte("unused")
        stmt = select(Dept.name).where(Dept.id == 3).add_cte(unused)
        assert datum(stmt)[0] == "with"
        assert conn.execute(stmt).scalar() == "empty"


def test_cte_in_update_delete_and_insert_from_select(db):
    rich = select(Emp.id).where(Emp.salary > 650).cte("rich")
    with db.begin() as conn:
        result = conn.execute(update(emp).where(emp.c.id.in_(select(rich.c.id))).values(name="rich"))
        assert result.rowcount == 2
        assert conn.execute(select(func.count()).where(emp.c.name == "rich")).scalar() == 2
        conn.execute(delete(emp).where(emp.c.id.in_(select(rich.c.id)), emp.c.manager_id.is_not(None)))
        assert conn.execute(select(func.count()).select_from(emp)).scalar() == 6
    with Session(db) as s:
        s.execute(update(Emp).where(Emp.id.in_(select(rich.c.id))).values(name="x"))
        s.commit()
        assert s.scalars(select(Emp.name).where(Emp.id == 1)).one() == "x"


def test_add_cte_to_dml(db):
    old_ids = select(Emp.id).where(Emp.hired < date(2020, 1, 1)).cte("old_ids")
    stmt = update(emp).values(name="veteran").where(emp.c.id.in_(select(old_ids.c.id))).add_cte(old_ids)
    extra = select(Emp.id).cte("extra")
    with db.begin() as conn:
        assert conn.execute(stmt).rowcount == 2
        assert conn.execute(delete(emp).where(emp.c.id == 6).add_cte(extra)).rowcount == 1
        names = conn.execute(select(emp.c.name).order_by(emp.c.id)).scalars().all()
    assert names == ["veteran", "bob", "cy", "veteran", "eve"]


def test_nesting_cte_renders_inside_its_subquery(db):
    inner = select(Emp.id).where(Emp.dept_id == 2).cte("d2", nesting=True)
    sub = select(inner.c.id).subquery("s")
    d = datum(select(sub.c.id))
    assert d[0] == "select" and d[2][0][1][0] == "with"
    with db.connect() as conn:
        assert sorted(conn.execute(select(sub.c.id)).scalars()) == [4, 5, 6]


# --- FROM clauses ------------------------------------------------------------------


def test_join_and_outerjoin_functions(db):
    j = join(emp, dept, emp.c.dept_id == dept.c.id)
    with db.connect() as conn:
        rows = conn.execute(
            select(emp.c.name, dept.c.name).select_from(j).where(emp.c.id < 3).order_by(emp.c.id)
        )
        assert rows.all() == [("ada", "eng"), ("bob", "eng")]
        lonely = conn.execute(
            select(dept.c.name).select_from(outerjoin(dept, emp)).where(emp.c.id.is_(None))
        ).scalars()
        assert lonely.all() == ["empty"]
        full = select(dept.c.name).join_from(dept, emp, dept.c.id == emp.c.dept_id, full=True)
        assert len(conn.execute(full).all()) == 7


def test_values_as_a_from_and_scalar_values(db):
    bonus = values(column("emp_id", Integer), column("amount", Integer), name="bonus").data(
        [(1, 10), (5, 20)]
    )
    assert isinstance(bonus, Values)
    stmt = select(emp.c.name, bonus.c.amount).join(bonus, bonus.c.emp_id == emp.c.id).order_by(emp.c.id)
    chosen = values(column("n", Integer)).data([(2,), (3,)]).scalar_values()
    assert isinstance(chosen, ScalarValues)
    with db.connect() as conn:
        assert conn.execute(stmt).all() == [("ada", 10), ("eve", 20)]
        in_values = select(emp.c.name).where(emp.c.id.in_(chosen)).order_by(emp.c.id)
        assert conn.execute(in_values).scalars().all() == ["bob", "cy"]
        standalone = values(column("a", Integer), column("b", String), name="v").data([(1, "x"), (2, "y")])
        assert conn.execute(select(standalone.c.b).order_by(standalone.c.a)).scalars().all() == ["x", "y"]


def test_lateral_on_postgresql(db, backend):
    if backend != "postgresql":
        pytest.skip("LATERAL is PostgreSQL's; SQLite rejects what SQLAlchemy renders for it too")
    top = (
        select(emp.c.name)
        .where(emp.c.dept_id == dept.c.id)
        .order_by(emp.c.salary.desc())
        .limit(1)
        .lateral("top")
    )
    stmt = select(dept.c.name, top.c.name).join(top, literal(True)).order_by(dept.c.id)
    with db.connect() as conn:
        assert conn.execute(stmt).all() == [("eng", "ada"), ("ops", "dee")]


def test_table_and_column_clauses(db):
    light = table("emp", column("id", Integer), column("name", String))
    assert isinstance(light, TableClause)
    with db.begin() as conn:
        assert conn.execute(select(light.c.name).where(light.c.id == 2)).scalar() == "bob"
        conn.execute(update(light).where(light.c.id == 2).values(name="robert"))
        assert conn.execute(select(emp.c.name).where(emp.c.id == 2)).scalar() == "robert"
        conn.execute(delete(light).where(light.c.id == 6))
        assert conn.execute(select(func.count()).select_from(light)).scalar() == 5
        boss = light.alias("boss")
        pair = select(boss.c.name).select_from(boss).where(boss.c.id == 1)
        assert conn.execute(pair).scalar() == "ada"
        depts = table("dept", column("id", Integer), column("name", String))
        conn.execute(insert(depts).values(id=9, name="new"))
        assert conn.execute(select(depts.c.name).where(depts.c.id == 9)).scalar() == "new"


def test_textual_select_subquery(db):
    names = text("SELECT id, name FROM emp WHERE id < 3").columns(column("id"), column("name"))
    sub = names.subquery("q")
    as_cte = names.cte("t")
    with db.connect() as conn:
        assert conn.execute(select(sub.c.name).order_by(sub.c.id)).scalars().all() == ["ada", "bob"]
        assert conn.execute(select(func.count()).select_from(as_cte)).scalar() == 2
    with pytest.raises(cexc.ArgumentError, match="columns"):
        text("SELECT 1").subquery()


def test_subquery_labels_expressions_and_repeated_names(db):
    sub = (
        select(Emp.dept_id, func.count(Emp.id), Dept.id, literal(7)).join(Dept).group_by(Emp.dept_id, Dept.id)
    )
    sub = sub.subquery()
    assert sub.c.keys() == ["dept_id", "count", "id", "anon"]
    pairs = select(Emp.id, Dept.id).join(Dept).where(Emp.id == 4).subquery()
    assert pairs.c.keys() == ["id", "id_1"]
    with db.connect() as conn:
        rows = conn.execute(select(sub.c.dept_id, sub.c.count, sub.c.anon).order_by(sub.c.dept_id)).all()
        assert rows == [(1, 3, 7), (2, 3, 7)]
        assert conn.execute(select(pairs.c.id, pairs.c.id_1)).one() == (4, 2)
        assert conn.execute(select(pairs)).one() == (4, 2)


def test_tablesample_on_postgresql(db, backend):
    if backend != "postgresql":
        pytest.skip("TABLESAMPLE is PostgreSQL's; SQLite rejects it, under SQLAlchemy too")
    sample = tablesample(emp, func.bernoulli(100), name="s", seed=7)
    everyone = tablesample(emp, 100.0)
    assert isinstance(sample, TableSample)
    with db.connect() as conn:
        assert conn.execute(select(func.count(sample.c.id))).scalar() == 6
        assert conn.execute(select(func.count(everyone.c.id))).scalar() == 6


# --- EXISTS and correlation --------------------------------------------------------


def test_exists_forms(db):
    has_staff = exists().where(Emp.dept_id == Dept.id)
    with Session(db) as s:
        assert s.scalars(select(Dept.name).where(has_staff).order_by(Dept.id)).all() == ["eng", "ops"]
        assert s.scalars(select(Dept.name).where(~has_staff)).all() == ["empty"]
        by_column = exists(Emp.id).where(Emp.dept_id == Dept.id, Emp.salary > 800)
        assert s.scalars(select(Dept.name).where(by_column)).all() == ["eng"]
        from_emp = exists().select_from(emp).where(emp.c.dept_id == Dept.id)
        assert s.scalars(select(func.count()).select_from(dept).where(from_emp)).one() == 2
        assert s.execute(select(exists().where(Emp.id == 6))).scalar() in (True, 1)


def test_correlate_and_correlate_except(db):
    count = select(func.count(Emp.id)).where(Emp.dept_id == Dept.id).scalar_subquery()
    stmt = select(Dept.name, count.label("n")).order_by(Dept.id)
    explicit = select(Dept.name, count.correlate(Dept).label("n")).order_by(Dept.id)
    excepting = (
        select(func.count(Emp.id)).where(Emp.dept_id == Dept.id).correlate_except(Emp).scalar_subquery()
    )
    with db.connect() as conn:
        expected = [("eng", 3), ("ops", 3), ("empty", 0)]
        assert conn.execute(stmt).all() == expected
        assert conn.execute(explicit).all() == expected
        assert conn.execute(select(Dept.name, excepting.label("n")).order_by(Dept.id)).all() == expected
        narrowed = count.where(Emp.salary > 600)
        assert conn.execute(select(Dept.name, narrowed.label("n")).order_by(Dept.id)).all() == [
            ("eng", 2),
            ("ops", 1),
            ("empty", 0),
        ]


def test_alias_and_lateral_functions(db, backend):
    from cormorant import alias, lateral

    boss = alias(emp, "boss")
    with db.connect() as conn:
        pairs = select(emp.c.name, boss.c.name).join(boss, emp.c.manager_id == boss.c.id).where(emp.c.id == 2)
        assert conn.execute(pairs).one() == ("bob", "ada")
        sub = alias(select(emp.c.id).where(emp.c.id > 4).subquery(), "late")
        assert sorted(conn.execute(select(sub.c.id)).scalars()) == [5, 6]
        if backend == "postgresql":
            top = lateral(select(emp.c.id).where(emp.c.dept_id == dept.c.id).limit(1), "top")
            rows = conn.execute(select(dept.c.name).join(top, literal(True)).order_by(dept.c.id)).scalars()
            assert rows.all() == ["eng", "ops"]


def test_unknown_add_cte_argument_is_refused():
    with pytest.raises(cexc.ArgumentError):
        select(Emp.id).add_cte(select(Emp.id))


def test_unrelated_ctes_of_one_name_are_refused():
    first = select(Emp.id).cte("c")
    second = select(Dept.id).cte("c")
    with pytest.raises(cexc.CompileError, match="unrelated CTEs found with the same name: 'c'"):
        datum(select(first.c.id, second.c.id))


def test_insert_from_a_values_list_is_bound(db):
    # values are always bound: the datum holds bind placeholders, never the values
    v = values(column("a", Integer), name="v").data([(123456,)])
    assert "123456" not in repr(datum(select(v.c.a)))
    assert insert is not None


# --- against SQLAlchemy on the same SQLite file ------------------------------------


def _sqlalchemy_rows(url, build):
    sa = pytest.importorskip("sqlalchemy")
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            return [tuple(r) for r in conn.execute(build(sa))]
    finally:
        engine.dispose()


def _light_tables(lib):
    emp_t = lib.table(
        "emp", lib.column("id"), lib.column("name"), lib.column("dept_id"), lib.column("manager_id")
    )
    dept_t = lib.table("dept", lib.column("id"), lib.column("name"))
    return emp_t, dept_t


def _recursive_walk(lib):
    t, _ = _light_tables(lib)
    walk = lib.select(t.c.id, t.c.name).where(t.c.manager_id.is_(None)).cte("walk", recursive=True)
    walk = walk.union_all(lib.select(t.c.id, t.c.name).join(walk, t.c.manager_id == walk.c.id))
    return lib.union(lib.select(walk.c.name), lib.select(t.c.name).where(t.c.id > 4)).order_by("name")


def _set_operations(lib):
    t, d = _light_tables(lib)
    first = lib.select(t.c.dept_id).where(t.c.id < 4)
    both = lib.intersect(first, lib.select(t.c.dept_id).where(t.c.id > 1)).subquery()
    return lib.except_(lib.select(d.c.id), lib.select(both.c.dept_id)).order_by("id")


def _exists_and_ctes(lib):
    t, d = _light_tables(lib)
    staffed = lib.exists().where(t.c.dept_id == d.c.id)
    counts = lib.select(t.c.dept_id, lib.func.count().label("n")).group_by(t.c.dept_id).cte("counts")
    return (
        lib.select(d.c.name, counts.c.n)
        .join(counts, counts.c.dept_id == d.c.id, isouter=True)
        .where(staffed)
        .order_by(d.c.name)
    )


def _compound_subquery(lib):
    t, _ = _light_tables(lib)
    both = lib.union_all(lib.select(t.c.id, t.c.name), lib.select(t.c.id, t.c.name)).subquery()
    return lib.select(both.c.name, lib.func.count()).group_by(both.c.name).order_by(both.c.name)


@pytest.mark.sqlite_only
@pytest.mark.parametrize("build", [_recursive_walk, _set_operations, _exists_and_ctes, _compound_subquery])
def test_same_rows_as_sqlalchemy(db, url, build):
    import cormorant

    with db.connect() as conn:
        ours = [tuple(r) for r in conn.execute(build(cormorant))]
    assert ours
    assert ours == _sqlalchemy_rows(url, build)
