"""The legacy Query API SQLAlchemy 2.0 keeps: session.query(...) built on
select() and run through Session.execute(), on both backends."""

import re
import warnings

import pytest
from cormorant import ForeignKey, String, bindparam, func, select
from cormorant.exc import (
    ArgumentError,
    InvalidRequestError,
    LegacyAPIWarning,
    MultipleResultsFound,
    NoResultFound,
)
from cormorant.orm import (
    DeclarativeBase,
    Mapped,
    Query,
    Session,
    aliased,
    joinedload,
    mapped_column,
    relationship,
    selectinload,
)


class Base(DeclarativeBase):
    pass


class User(Base):
    __tablename__ = "qusers"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(30))
    email: Mapped[str] = mapped_column(String(60))
    age: Mapped[int]
    items: Mapped[list["Item"]] = relationship(back_populates="owner", order_by="Item.id")


class Item(Base):
    __tablename__ = "qitems"
    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(30))
    owner_id: Mapped[int] = mapped_column(ForeignKey("qusers.id"))
    owner: Mapped[User] = relationship(back_populates="items")


@pytest.fixture
def session(engine):
    Base.metadata.create_all(engine)
    with Session(engine) as s:
        for i, name in enumerate(["ann", "bob", "cy", "di"]):
            user = User(id=i + 1, name=name, email=f"{name}@example.com", age=20 + 10 * i)
            user.items = [Item(title=f"{name}-{n}") for n in range(i)]  # ann 0 items, di 3
            s.add(user)
        s.commit()
        yield s
    Base.metadata.drop_all(engine)


def names(users):
    return [u.name for u in users]


# --- building and reading ----------------------------------------------------------


def test_query_of_an_entity_yields_instances_and_of_columns_rows(session):
    q = session.query(User)
    assert isinstance(q, Query)
    assert names(q.order_by(User.id)) == ["ann", "bob", "cy", "di"]
    rows = session.query(User.name, User.age).order_by(User.age.desc()).all()
    assert [tuple(r) for r in rows] == [("di", 50), ("cy", 40), ("bob", 30), ("ann", 20)]
    assert rows[0].name == "di"
    pairs = session.query(User, Item).join(User.items).order_by(Item.id).all()
    assert [(u.name, i.title) for u, i in pairs][:2] == [("bob", "bob-0"), ("cy", "cy-0")]
    assert session.query(User).filter_by(name="cy").one() is session.get(User, 3)  # one identity map


def test_filter_filter_by_where_and_several_criteria(session):
    assert names(session.query(User).filter(User.age > 25, User.age < 45).order_by(User.id)) == ["bob", "cy"]
    assert names(session.query(User).where(User.name != "ann").filter(User.age <= 30)) == ["bob"]
    assert session.query(User).filter_by(name="di", age=50).one().id == 4
    assert session.query(User).filter_by(name="di", age=51).one_or_none() is None
    joined = session.query(User).join(User.items).filter_by(title="cy-1").all()  # filter_by on the last join
    assert names(joined) == ["cy"]
    with pytest.raises(InvalidRequestError, match='Entity namespace for "qusers" has no property "bogus"'):
        session.query(User).filter_by(bogus=1)
    with pytest.raises(InvalidRequestError, match='Entity namespace for "qitems" has no property "name"'):
        session.query(User).join(User.items).filter_by(name="ann")


def test_fastapi_tutorial_style(session):
    db = session
    assert db.query(User).filter(User.email == "bob@example.com").first().name == "bob"
    assert db.query(User).filter(User.email == "nobody@example.com").first() is None
    assert db.query(User).filter(User.id == 2).first() is session.get(User, 2)
    skip, limit = 1, 2
    page = db.query(Item).offset(skip).limit(limit).all()
    assert len(page) == 2 and all(isinstance(i, Item) for i in page)
    assert [i.title for i in db.query(Item).order_by(Item.id).offset(skip).limit(limit)] == ["cy-0", "cy-1"]


def test_first_one_one_or_none_and_their_errors(session):
    assert session.query(User).order_by(User.age.desc()).first().name == "di"
    assert session.query(User).filter(User.id > 100).first() is None
    with pytest.raises(NoResultFound, match="No row was found when one was required"):
        session.query(User).filter(User.id > 100).one()
    with pytest.raises(MultipleResultsFound, match="Multiple rows were found when exactly one was required"):
        session.query(User).one()
    with pytest.raises(MultipleResultsFound):
        session.query(User).filter(User.age > 30).one_or_none()
    assert session.query(User.name).filter(User.id == 1).one() == ("ann",)


def test_first_runs_with_limit_one(session, engine, capture_sql):
    with capture_sql(engine) as seen:
        session.query(User).order_by(User.id).first()
    assert re.search(r"LIMIT", seen[-1])


def test_scalar(session):
    assert session.query(func.max(User.age)).scalar() == 50
    assert session.query(User.name).filter(User.id == 2).scalar() == "bob"
    assert session.query(User.id, User.name).filter(User.id == 2).scalar() == 2
    assert session.query(User).filter(User.id == 3).scalar().name == "cy"
    assert session.query(User.name).filter(User.id == 99).scalar() is None
    with pytest.raises(MultipleResultsFound):
        session.query(User.name).scalar()


def test_count_is_a_count_over_the_query_as_a_subquery(session, engine, capture_sql):
    with capture_sql(engine) as seen:
        assert session.query(User).count() == 4
        assert session.query(User).filter(User.age >= 40).count() == 2
        assert session.query(User).join(User.items).count() == 6  # rows, not distinct users
        assert session.query(User.name).distinct().count() == 4
    sql = " ".join(seen[0].split())
    assert re.match(r"SELECT count\(\*\) AS count_1 FROM \(SELECT .* FROM qusers\) AS anon_1$", sql), sql


def test_rows_holding_entities_are_deduplicated_as_sqlalchemy_does(session):
    users = session.query(User).join(User.items).order_by(User.id).all()
    assert names(users) == ["bob", "cy", "di"]  # six joined rows, three users
    assert len(session.query(User.name).join(User.items).all()) == 6  # column rows are not deduplicated
    loaded = session.query(User).options(joinedload(User.items)).order_by(User.id).all()
    assert [len(u.items) for u in loaded] == [0, 1, 2, 3]


def test_order_group_having_distinct(session):
    per_owner = (
        session.query(Item.owner_id, func.count(Item.id).label("n"))
        .group_by(Item.owner_id)
        .having(func.count(Item.id) > 1)
        .order_by(Item.owner_id)
        .all()
    )
    assert [(r.owner_id, r.n) for r in per_owner] == [(3, 2), (4, 3)]
    assert sorted(r[0] for r in session.query(Item.owner_id).distinct()) == [2, 3, 4]
    with pytest.raises(NotImplementedError, match="DISTINCT ON"):
        session.query(Item).distinct(Item.owner_id)
    assert names(session.query(User).order_by(User.age.desc()).order_by(None).order_by(User.name)) == [
        "ann",
        "bob",
        "cy",
        "di",
    ]


def test_join_outerjoin_select_from(session):
    rows = (
        session.query(User.name, Item.title)
        .outerjoin(Item, Item.owner_id == User.id)
        .filter(User.id <= 2)
        .order_by(User.id)
        .all()
    )
    assert [tuple(r) for r in rows] == [("ann", None), ("bob", "bob-0")]
    titles = session.query(Item.title).select_from(User).join(User.items).filter(User.name == "cy")
    assert sorted(r.title for r in titles) == ["cy-0", "cy-1"]
    with pytest.raises(
        InvalidRequestError, match=r"Query.select_from\(\) being called on a Query with existing"
    ):
        session.query(User).filter(User.id == 1).select_from(User)


def test_options_load_relationships(session, engine, capture_sql):
    users = session.query(User).options(selectinload(User.items)).order_by(User.id).all()
    with capture_sql(engine) as seen:
        assert [len(u.items) for u in users] == [0, 1, 2, 3]
    assert seen == []


def test_limit_offset_slice_and_indexing(session):
    q = session.query(User).order_by(User.id)
    assert names(q.limit(2)) == ["ann", "bob"]
    assert names(q.offset(3)) == ["di"]
    assert names(q.slice(1, 3)) == ["bob", "cy"]
    assert names(q.offset(1).slice(1, 3)) == ["cy", "di"]  # slices within the offset given
    assert names(q[1:3]) == ["bob", "cy"]
    assert names(q[2:]) == ["cy", "di"]
    assert names(q[0:4:2]) == ["ann", "cy"]
    assert q[3:1] == []
    assert q[0].name == "ann" and q[3].name == "di"
    with pytest.raises(IndexError):
        q[10]
    with pytest.raises(IndexError, match="negative indexes are not accepted"):
        q[-1]
    with pytest.raises(
        InvalidRequestError, match=r"Query.filter\(\) being called on a Query which already has LIMIT"
    ):
        q.limit(1).filter(User.id == 1)
    assert names(q.limit(1).enable_assertions(False).filter(User.id == 2)) == ["bob"]


def test_iteration_runs_the_query_each_time(session):
    q = session.query(User.name).order_by(User.name)
    assert [r.name for r in q] == ["ann", "bob", "cy", "di"]
    session.add(User(id=5, name="al", email="al@example.com", age=1))
    assert [r.name for r in q][:2] == ["al", "ann"]  # autoflushed before it ran


def test_get_warns_and_uses_the_identity_map(session, engine, capture_sql):
    bob = session.get(User, 2)
    with capture_sql(engine) as seen:
        with pytest.warns(LegacyAPIWarning, match=r"The Query.get\(\) method is considered legacy"):
            assert session.query(User).get(2) is bob
    assert seen == []
    with pytest.warns(LegacyAPIWarning):
        assert session.query(User).get(99) is None
    with pytest.warns(LegacyAPIWarning), pytest.raises(InvalidRequestError, match="single mapped class"):
        session.query(User.name).get(1)
    with pytest.warns(LegacyAPIWarning), pytest.raises(InvalidRequestError, match="existing criterion"):
        session.query(User).filter(User.id == 1).get(1)
    session.expunge_all()
    with pytest.warns(LegacyAPIWarning):
        cy = session.query(User).options(selectinload(User.items)).get(3)
    with capture_sql(engine) as seen:
        assert [i.title for i in cy.items] == ["cy-0", "cy-1"]
    assert seen == []


def test_exists(session):
    q = session.query(User).filter(User.name == "bob")
    assert session.query(q.exists()).scalar() is True
    assert session.query(session.query(User).filter(User.name == "zed").exists()).scalar() is False
    assert " ".join(str(q.exists()).split()) == "EXISTS (SELECT 1 FROM qusers WHERE qusers.name = :name_1)"
    owners = session.query(User.name).filter(session.query(Item).filter(Item.owner_id == User.id).exists())
    assert sorted(r.name for r in owners) == ["bob", "cy", "di"]


def test_update_and_delete_return_rowcounts_and_sync_loaded_objects(session):
    users = session.query(User).order_by(User.id).all()
    assert session.query(User).filter(User.age >= 40).update({"email": "old@example.com"}) == 2
    assert [u.email for u in users[2:]] == ["old@example.com", "old@example.com"]  # no reload needed
    assert session.query(User).filter(User.id == 1).update({User.age: User.age + 1}) == 1
    assert users[0].age == 21  # expired, reloaded
    assert session.query(Item).filter(Item.owner_id == 4).delete() == 3
    session.commit()
    assert session.query(Item).count() == 3
    assert sorted(r.name for r in session.query(User.name).filter_by(email="old@example.com")) == ["cy", "di"]


def test_update_synchronize_session_strategies(session):
    bob = session.query(User).filter_by(name="bob").one()
    assert session.query(User).filter_by(name="bob").update({"age": 31}, synchronize_session="fetch") == 1
    assert bob.age == 31
    assert session.query(User).filter_by(name="bob").update({"age": 32}, synchronize_session=False) == 1
    assert bob.age == 31  # left alone, as asked
    session.refresh(bob)
    assert bob.age == 32
    with pytest.raises(ArgumentError, match="Valid strategies for session synchronization"):
        session.query(User).update({"age": 1}, synchronize_session="later")


def test_update_and_delete_refuse_limit_order_and_joins(session):
    with pytest.raises(InvalidRequestError, match=r"when limit\(\) has been called"):
        session.query(User).limit(1).update({"age": 1})
    with pytest.raises(InvalidRequestError, match=r"when order_by\(\) has been called"):
        session.query(User).order_by(User.id).delete()
    with pytest.raises(InvalidRequestError, match=r"when join\(\), outerjoin\(\)"):
        session.query(User).join(User.items).delete()
    with pytest.raises(InvalidRequestError, match=r"Query.delete\(\) needs a Query of one mapped entity"):
        session.query(User, Item).filter(User.id == Item.owner_id).delete()
    assert session.query(User.name).filter(User.id == 1).update({"age": 5}) == 1
    with pytest.raises(NotImplementedError, match="mysql_limit"):
        session.query(User).update({"age": 1}, update_args={"mysql_limit": 1})
    assert session.query(User).count() == 4
    assert session.query(User.age).filter(User.id == 1).scalar() == 5


def test_update_with_ordered_values(session):
    n = (
        session.query(User)
        .filter(User.id == 1)
        .update([(User.age, 70), (User.name, "anna")], update_args={"preserve_parameter_order": True})
    )
    assert n == 1
    assert tuple(session.query(User.name, User.age).filter(User.id == 1).one()) == ("anna", 70)


def test_subquery_cte_label_scalar_subquery(session):
    sub = session.query(Item.owner_id, func.count(Item.id).label("n")).group_by(Item.owner_id).subquery()
    rows = session.query(User.name, sub.c.n).join(sub, sub.c.owner_id == User.id).order_by(User.id).all()
    assert [tuple(r) for r in rows] == [("bob", 1), ("cy", 2), ("di", 3)]
    cte = session.query(User.id).filter(User.age > 30).cte("older")
    assert sorted(r.title for r in session.query(Item.title).join(cte, cte.c.id == Item.owner_id)) == [
        "cy-0",
        "cy-1",
        "di-0",
        "di-1",
        "di-2",
    ]
    counted = session.query(func.count(Item.id)).filter(Item.owner_id == User.id)
    rows = session.query(User.name, counted.label("n")).order_by(User.id).all()
    assert [r.n for r in rows] == [0, 1, 2, 3]
    rows = session.query(User.name, counted.scalar_subquery()).order_by(User.id).all()
    assert [r[1] for r in rows] == [0, 1, 2, 3]
    with pytest.warns(LegacyAPIWarning, match="as_scalar"):
        as_scalar = counted.as_scalar()
    assert [r[1] for r in session.query(User.name, as_scalar).order_by(User.id)] == [0, 1, 2, 3]
    assert session.query(User).filter(User.id.in_(session.query(Item.owner_id))).count() == 3


def test_with_entities_add_columns_add_entity(session):
    q = session.query(User).filter(User.age > 35).order_by(User.id)
    assert [tuple(r) for r in q.with_entities(User.name)] == [("cy",), ("di",)]
    rows = q.add_columns(User.age).all()
    assert [(u.name, age) for u, age in rows] == [("cy", 40), ("di", 50)]
    first_items = session.query(User).join(User.items).add_entity(Item).filter(Item.title.like("%-2")).all()
    assert [(u.name, i.title) for u, i in first_items] == [("di", "di-2")]


def test_column_descriptions_statement_and_str(session):
    q = session.query(User.name, Item)
    assert [(d["name"], d["entity"]) for d in q.column_descriptions] == [("name", User), ("Item", Item)]
    q = session.query(User).filter(User.name == "ann")
    stmt = select(User).where(User.name == "ann")
    assert str(q) == str(stmt) == str(q.statement)
    assert session.scalars(q.statement).one().name == "ann"


def test_params_execution_options_yield_per_and_with_for_update(session, engine, backend, capture_sql):
    q = session.query(User).filter(User.name == bindparam("who"))
    assert q.params(who="cy").one().id == 3
    assert q.params({"who": "di"}).one().id == 4
    streamed = session.query(User).order_by(User.id).yield_per(2)
    assert streamed.get_execution_options()["yield_per"] == 2
    assert names(streamed) == ["ann", "bob", "cy", "di"]
    assert session.query(User).execution_options(foo=1).get_execution_options() == {"foo": 1}
    assert session.query(User).populate_existing().get_execution_options() == {"populate_existing": True}
    locked = session.query(User).filter(User.id == 1).with_for_update(nowait=True)
    with capture_sql(engine) as seen:
        assert locked.one().name == "ann"
    assert ("FOR UPDATE NOWAIT" in seen[-1]) == (backend == "postgresql")  # SQLite has no row locks


def test_prefix_and_suffix(session, engine, capture_sql):
    with capture_sql(engine) as seen:
        rows = session.query(User.name).prefix_with("DISTINCT").suffix_with("-- tail").all()
    assert sorted(r.name for r in rows) == ["ann", "bob", "cy", "di"]
    assert seen[-1].startswith("SELECT DISTINCT") and seen[-1].rstrip().endswith("-- tail")


def test_union_and_union_all(session):
    young = session.query(User).filter(User.age < 25)
    old = session.query(User).filter(User.age > 45)
    assert names(young.union(old).order_by(User.id)) == ["ann", "di"]
    assert names(young.union_all(young).order_by(User.id.desc())) == ["ann"]  # deduplicated entities
    assert young.union_all(young).count() == 2
    both = session.query(User.name).filter(User.id == 1).union(session.query(User.name).filter(User.id == 2))
    assert sorted(r[0] for r in both) == ["ann", "bob"]
    with pytest.raises(NotImplementedError, match="adapt"):
        young.union(old).filter(User.age + 1 > 30)


def test_correlate(session):
    inner = session.query(func.count(Item.id)).filter(Item.owner_id == User.id).correlate(User)
    rows = session.query(User.name, inner.scalar_subquery()).order_by(User.id).all()
    assert [r[1] for r in rows] == [0, 1, 2, 3]


def test_aliased_entity_and_tuples(session):
    owner = aliased(User, name="owner")
    rows = session.query(Item.title, owner.name).join(owner, Item.owner_id == owner.id).filter(owner.id == 2)
    assert [tuple(r) for r in rows] == [("bob-0", "bob")]
    assert [type(u).__name__ for u in session.query(owner).filter(owner.id == 1)] == ["User"]
    assert [tuple(r) for r in session.query(User).filter(User.id == 1).tuples()] == [(session.get(User, 1),)]


def test_misuse_errors(session):
    with pytest.raises(TypeError, match="bogus"):
        session.query(User, bogus=True)
    with pytest.raises(InvalidRequestError, match="not bound to a Session"):
        Query(User).all()
    assert Query(User).with_session(session).filter_by(id=1).one().name == "ann"


def test_query_without_session_renders_and_warns_nothing(session):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert "FROM qitems" in str(Query([Item.title]))


# --- the acceptance scenario (test_13_orm_breadth.py::test_legacy_query_api) on its own models ------


class Member(Base):
    __tablename__ = "qmembers"
    id: Mapped[int] = mapped_column(primary_key=True)
    first: Mapped[str] = mapped_column(String(30))
    last: Mapped[str] = mapped_column(String(30))
    email: Mapped[str] = mapped_column(String(100))
    age: Mapped[int]
    notes: Mapped[list["MemberNote"]] = relationship(back_populates="member")


class MemberNote(Base):
    __tablename__ = "qmember_notes"
    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("qmembers.id"))
    body: Mapped[str] = mapped_column(String(200))
    member: Mapped[Member] = relationship(back_populates="notes")


def test_legacy_query_api_as_the_acceptance_spec(session):
    s = session
    s.add_all(Member(first=f"m{i}", last="Q", email=f"m{i}@example.com", age=10 + i * 10) for i in range(5))
    s.commit()
    assert s.query(Member).count() == 5
    assert s.query(Member).filter(Member.age > 25).order_by(Member.age).first().first == "m2"
    assert s.query(Member).filter_by(first="m4").one().age == 50
    assert s.query(Member).filter_by(first="zz").one_or_none() is None
    page = s.query(Member).order_by(Member.id).offset(1).limit(2).all()
    assert [m.first for m in page] == ["m1", "m2"]
    young = s.query(Member.first).filter(Member.age < 25).order_by(Member.first)
    assert [r.first for r in young] == ["m0", "m1"]
    assert s.query(func.max(Member.age)).scalar() == 50
    members = s.query(Member).options(selectinload(Member.notes)).all()
    assert all(m.notes == [] for m in members)
    assert s.query(Member).filter(Member.age >= 40).update({"last": "Old"}) == 2
    assert s.query(Member).filter(Member.first == "m0").delete() == 1
    s.commit()
    assert sorted(m.first for m in s.query(Member).filter_by(last="Old")) == ["m3", "m4"]


def test_from_statement_runs_the_statement_as_given(session):
    from cormorant import text

    q = session.query(User).from_statement(text("SELECT * FROM qusers WHERE age > :a ORDER BY id"))
    assert names(q.params(a=35)) == ["cy", "di"]
    assert q.params(a=45).one().name == "di"
    assert q.params(a=35).first().name == "cy"
    assert q.params(a=35).first() is session.get(User, 3)
    selected = session.query(User).from_statement(select(User).where(User.age < 25))
    assert names(selected) == ["ann"] and selected.count() == 1
    with pytest.raises(
        InvalidRequestError, match=r"Query.filter\(\) being called on a Query with an existing full"
    ):
        q.filter(User.id == 1)
    with pytest.raises(
        InvalidRequestError, match=r"Query.limit\(\) being called on a Query with an existing full"
    ):
        q.limit(1)
    with pytest.raises(NotImplementedError, match="count"):
        q.params(a=1).count()
    with pytest.raises(
        InvalidRequestError, match=r"Query.from_statement\(\) being called on a Query with existing"
    ):
        session.query(User).filter(User.id == 1).from_statement(text("SELECT * FROM qusers"))


def test_autoflush_false_runs_without_flushing(session):
    session.add(User(id=7, name="eve", email="eve@example.com", age=70))
    assert session.query(User).autoflush(False).filter_by(name="eve").one_or_none() is None
    assert session.query(User).filter_by(name="eve").one().id == 7
