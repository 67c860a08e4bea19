"""ORM behaviour: identity map, change tracking, expiry, autoflush, defaults,
declarative features and DDL."""

import itertools
from datetime import datetime
from typing import Optional

import pytest
from cormorant import (
    ForeignKey,
    Index,
    MetaData,
    String,
    UniqueConstraint,
    func,
    select,
    text,
)
from cormorant.exc import IntegrityError
from cormorant.orm import DeclarativeBase, Mapped, Session, mapped_column, sessionmaker


class Base(DeclarativeBase):
    pass


_counter = itertools.count(1)


def next_code() -> str:
    return f"code-{next(_counter)}"


class TimestampMixin:
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())
    revision: Mapped[int] = mapped_column(default=1)


class Product(TimestampMixin, Base):
    __tablename__ = "products"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(50))
    price: Mapped[int] = mapped_column(default=0)
    sku: Mapped[str] = mapped_column(String(20), default=next_code)
    note: Mapped[Optional[str]] = mapped_column(String(100))
    category: Mapped[str] = mapped_column(String(20), default="misc", index=True)
    shelf: Mapped[Optional[int]]

    __table_args__ = (
        Index("ix_products_name_price", "name", "price"),
        UniqueConstraint("name", "category", name="uq_products_name_category"),
    )


@pytest.fixture
def db(engine):
    Base.metadata.create_all(engine)
    yield engine
    Base.metadata.drop_all(engine)


@pytest.fixture
def seeded(db):
    with Session(db) as s:
        s.add_all(
            [Product(name="apple", price=3), Product(name="pear", price=5), Product(name="fig", price=7)]
        )
        s.commit()
    return db


def by_name(s, name):
    return s.execute(select(Product).where(Product.name == name)).scalar_one()


# --- identity map ------------------------------------------------------------------


def test_identity_map_same_object_within_session(seeded):
    with Session(seeded) as s:
        a1 = by_name(s, "apple")
        a2 = s.execute(select(Product).where(Product.price == 3)).scalar_one()
        a3 = s.get(Product, a1.id)
        all_products = s.execute(select(Product).order_by(Product.id)).scalars().all()
        assert a1 is a2 is a3
        assert all_products[0] is a1
        assert a1 in s


def test_identity_map_differs_across_sessions(seeded):
    with Session(seeded) as s1, Session(seeded) as s2:
        a1 = by_name(s1, "apple")
        a2 = by_name(s2, "apple")
        assert a1 is not a2
        assert a1.id == a2.id
        assert a1 in s1 and a1 not in s2


def test_identity_map_keeps_unflushed_changes_over_requery(seeded):
    with Session(seeded, autoflush=False) as s:
        a = by_name(s, "apple")
        a.price = 100
        again = s.execute(select(Product).where(Product.id == a.id)).scalar_one()
        assert again is a
        assert again.price == 100  # the loaded row does not clobber the pending change


# --- change tracking ----------------------------------------------------------------


def test_only_changed_columns_are_updated(seeded, capture_sql):
    with Session(seeded) as s:
        pear = by_name(s, "pear")
        with capture_sql(seeded) as seen:
            pear.price = 6
            s.commit()
    updates = [sql for sql in seen if sql.lstrip().upper().startswith("UPDATE")]
    assert len(updates) == 1
    set_clause = updates[0].upper().split(" SET ", 1)[1].split(" WHERE ", 1)[0]
    assert "PRICE" in set_clause
    for other in ("NAME", "SKU", "NOTE", "CATEGORY", "SHELF", "REVISION", "CREATED_AT"):
        assert other not in set_clause
    with Session(seeded) as s:
        assert by_name(s, "pear").price == 6


def test_unchanged_object_issues_no_update(seeded, capture_sql):
    with Session(seeded) as s:
        pear = by_name(s, "pear")
        with capture_sql(seeded) as seen:
            pear.price = pear.price  # same value
            _ = pear.name
            s.commit()
    assert not [sql for sql in seen if sql.lstrip().upper().startswith("UPDATE")]


def test_dirty_tracking(seeded):
    with Session(seeded) as s:
        fig = by_name(s, "fig")
        assert fig not in s.dirty
        fig.note = "ripe"
        assert fig in s.dirty
        s.flush()
        assert fig not in s.dirty
        s.commit()
    with Session(seeded) as s:
        assert by_name(s, "fig").note == "ripe"


# --- expiry, refresh --------------------------------------------------------------


def test_expire_on_commit_true_reloads_on_access(seeded):
    with Session(seeded) as s:
        apple = by_name(s, "apple")
        s.commit()
        # another connection changes the row behind the session's back
        with seeded.begin() as conn:
            conn.execute(text("UPDATE products SET price = 42 WHERE name = 'apple'"))
        assert apple.price == 42


def test_expire_on_commit_false_keeps_values(seeded):
    SessionLocal = sessionmaker(bind=seeded, expire_on_commit=False)
    with SessionLocal() as s:
        apple = by_name(s, "apple")
        s.commit()
        with seeded.begin() as conn:
            conn.execute(text("UPDATE products SET price = 42 WHERE name = 'apple'"))
        assert apple.price == 3
        s.refresh(apple)
        assert apple.price == 42


def test_refresh_discards_unflushed_change(seeded):
    with Session(seeded, autoflush=False) as s:
        apple = by_name(s, "apple")
        apple.price = 1000
        s.refresh(apple)
        assert apple.price == 3
        assert apple not in s.dirty


def test_expire_then_access_reloads(seeded):
    with Session(seeded, expire_on_commit=False) as s:
        apple = by_name(s, "apple")
        s.commit()  # ends the read transaction; values kept
        with seeded.begin() as conn:
            conn.execute(text("UPDATE products SET price = 9 WHERE name = 'apple'"))
        assert apple.price == 3
        s.expire(apple)
        assert apple.price == 9


def test_rollback_expires_loaded_objects(seeded):
    with Session(seeded) as s:
        apple = by_name(s, "apple")
        apple.price = 500
        s.rollback()
        assert apple.price == 3  # the unflushed change is gone, reloaded from the database


# --- autoflush ----------------------------------------------------------------------


def test_autoflush_makes_pending_objects_visible_to_queries(seeded):
    with Session(seeded) as s:
        s.add(Product(name="kiwi", price=2))
        found = s.execute(select(Product).where(Product.name == "kiwi")).scalar_one_or_none()
        assert found is not None and found.price == 2
        assert s.execute(select(func.count(Product.id))).scalar() == 4
        s.rollback()
        assert s.execute(select(func.count(Product.id))).scalar() == 3


def test_autoflush_false_hides_pending_objects(seeded):
    with Session(seeded, autoflush=False) as s:
        s.add(Product(name="kiwi", price=2))
        assert s.execute(select(Product).where(Product.name == "kiwi")).scalar_one_or_none() is None
        s.flush()
        assert s.execute(select(Product).where(Product.name == "kiwi")).scalar_one().price == 2


# --- delete, expunge, get ------------------------------------------------------------


def test_delete(seeded):
    with Session(seeded) as s:
        fig = by_name(s, "fig")
        fig_id = fig.id
        s.delete(fig)
        assert fig in s.deleted
        s.commit()
        assert s.get(Product, fig_id) is None
        assert s.execute(select(func.count(Product.id))).scalar() == 2
    with seeded.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM products WHERE name = 'fig'")).scalar() == 0


def test_delete_pending_and_rollback_restores(seeded):
    with Session(seeded) as s:
        fig = by_name(s, "fig")
        s.delete(fig)
        s.flush()
        assert s.execute(select(func.count(Product.id))).scalar() == 2
        s.rollback()
        assert s.execute(select(func.count(Product.id))).scalar() == 3


def test_expunge_all(seeded):
    with Session(seeded) as s:
        apple = by_name(s, "apple")
        s.expunge_all()
        assert apple not in s
        assert len(list(s)) == 0
        again = by_name(s, "apple")
        assert again is not apple
        assert again.id == apple.id


def test_get_missing_returns_none(seeded):
    with Session(seeded) as s:
        assert s.get(Product, 123456) is None
        apple = by_name(s, "apple")
        assert s.get(Product, apple.id) is apple


# --- defaults ---------------------------------------------------------------------------


def test_scalar_callable_and_server_defaults(db):
    with Session(db) as s:
        p1 = Product(name="one")
        p2 = Product(name="two")
        p3 = Product(name="three", sku="given", price=11)
        s.add_all([p1, p2, p3])
        s.commit()
        assert p1.price == 0 and p1.category == "misc" and p1.revision == 1
        assert p1.sku.startswith("code-") and p2.sku.startswith("code-")
        assert p1.sku != p2.sku  # the callable runs once per row
        assert p3.sku == "given" and p3.price == 11
        assert isinstance(p1.created_at, datetime)
        assert abs((datetime.utcnow() - p1.created_at).total_seconds()) < 24 * 3600
    with db.connect() as conn:
        raw = conn.execute(text("SELECT created_at FROM products WHERE name = 'one'")).scalar()
        assert raw is not None


def test_defaults_apply_with_core_insert(db):
    from cormorant import insert

    with db.begin() as conn:
        conn.execute(insert(Product), [{"name": "a"}, {"name": "b"}])
        conn.execute(insert(Product).values(name="c"))
    with Session(db) as s:
        rows = s.execute(select(Product).order_by(Product.name)).scalars().all()
        assert [p.price for p in rows] == [0, 0, 0]
        assert len({p.sku for p in rows}) == 3
        assert all(p.created_at is not None for p in rows)


def test_mixin_columns_are_mapped(db):
    cols = {c.name for c in Product.__table__.columns}
    assert {"created_at", "revision", "id", "name"} <= cols

    class Other(TimestampMixin, Base):
        __tablename__ = "others"
        id: Mapped[int] = mapped_column(primary_key=True)

    assert {"created_at", "revision", "id"} == {c.name for c in Other.__table__.columns}
    # the mixin's columns are copies, not shared between tables
    assert Other.__table__.c.revision is not Product.__table__.c.revision
    Base.metadata.create_all(db)
    with Session(db) as s:
        o = Other()
        s.add(o)
        s.commit()
        assert o.revision == 1 and o.created_at is not None
    Other.__table__.drop(db)
    Base.metadata.remove(Other.__table__)


# --- table args, nullability -------------------------------------------------------------


def test_table_args_index_and_unique_constraint(db, index_names):
    names = index_names(db, "products")
    assert "ix_products_name_price" in names
    assert "ix_products_category" in names  # index=True -> ix_<table>_<column>
    with Session(db) as s:
        s.add(Product(name="dup", category="x"))
        s.add(Product(name="dup", category="y"))  # different category: fine
        s.commit()
        s.add(Product(name="dup", category="x"))
        with pytest.raises(IntegrityError):
            s.commit()
        s.rollback()
        assert s.execute(select(func.count(Product.id))).scalar() == 2


def test_optional_is_nullable_and_plain_is_not(db):
    table = Product.__table__
    assert table.c.note.nullable is True
    assert table.c.shelf.nullable is True
    assert table.c.name.nullable is False
    assert table.c.price.nullable is False
    with Session(db) as s:
        p = Product(name="n", note=None, shelf=None)
        s.add(p)
        s.commit()
        assert p.note is None and p.shelf is None
        s.add(Product(name=None))
        with pytest.raises(IntegrityError) as info:
            s.commit()
        # SQLite: "NOT NULL constraint failed"; PostgreSQL: "violates not-null constraint"
        assert "NOT NULL" in str(info.value).upper().replace("-", " ")
        s.rollback()
        assert s.execute(select(func.count(Product.id))).scalar() == 1


def test_explicit_nullable_overrides_annotation():
    md = MetaData()

    class LocalBase(DeclarativeBase):
        metadata = md

    class T(LocalBase):
        __tablename__ = "t_nullable"
        id: Mapped[int] = mapped_column(primary_key=True)
        a: Mapped[Optional[str]] = mapped_column(nullable=False)
        b: Mapped[str] = mapped_column(nullable=True)

    assert T.__table__.c.a.nullable is False
    assert T.__table__.c.b.nullable is True
    assert T.__table__.c.id.nullable is False


# --- reserved words ---------------------------------------------------------------------


def test_reserved_word_table_and_columns(engine, index_names, table_names):
    md = MetaData()

    class LocalBase(DeclarativeBase):
        metadata = md

    class Order(LocalBase):
        __tablename__ = "order"
        id: Mapped[int] = mapped_column(primary_key=True)
        user: Mapped[str] = mapped_column(String(20))
        group: Mapped[Optional[str]] = mapped_column(String(20), index=True)
        select: Mapped[int] = mapped_column(default=0)

    md.create_all(engine)
    assert "ix_order_group" in index_names(engine, "order")
    with Session(engine) as s:
        s.add_all([Order(user="u1", group="g"), Order(user="u2", group="h", select=5)])
        s.commit()
        o = s.execute(select(Order).where(Order.user == "u2")).scalar_one()
        assert (o.group, o.select) == ("h", 5)
        o.group = "changed"
        s.commit()
        rows = s.execute(select(Order.user, Order.group).order_by(Order.group)).all()
        assert rows == [("u2", "changed"), ("u1", "g")]
        s.delete(o)
        s.commit()
        assert s.execute(select(func.count(Order.id))).scalar() == 1
    assert "order" in table_names(engine)
    md.drop_all(engine)
    assert "order" not in table_names(engine)


# --- DDL ordering ----------------------------------------------------------------------


def test_create_all_orders_by_foreign_keys_and_drop_all(engine, capture_sql, table_names):
    md = MetaData()

    class LocalBase(DeclarativeBase):
        metadata = md

    # children defined before their parents
    class Comment(LocalBase):
        __tablename__ = "comments"
        id: Mapped[int] = mapped_column(primary_key=True)
        post_id: Mapped[int] = mapped_column(ForeignKey("posts.id"))

    class Post(LocalBase):
        __tablename__ = "posts"
        id: Mapped[int] = mapped_column(primary_key=True)
        author_id: Mapped[int] = mapped_column(ForeignKey("authors.id"))

    class Author(LocalBase):
        __tablename__ = "authors"
        id: Mapped[int] = mapped_column(primary_key=True)

    assert [t.name for t in md.sorted_tables] == ["authors", "posts", "comments"]
    with capture_sql(engine) as seen:
        md.create_all(engine)
    creates = [
        s.strip().split("(")[0].replace('"', "").split()[-1]
        for s in seen
        if s.strip().upper().startswith("CREATE TABLE")
    ]
    assert creates == ["authors", "posts", "comments"]
    assert {"authors", "posts", "comments"} <= table_names(engine)

    with Session(engine) as s:
        s.add(Author(id=1))
        s.flush()
        s.add(Post(id=1, author_id=1))
        s.flush()
        s.add(Comment(id=1, post_id=1))
        s.commit()

    md.create_all(engine)  # checkfirst: no error, and existing data is kept
    with Session(engine) as s:
        assert s.execute(select(func.count(Comment.id))).scalar() == 1
        assert s.get(Author, 1) is not None

    with capture_sql(engine) as seen:
        md.drop_all(engine)
    drops = [
        s.strip().replace('"', "").split()[-1] for s in seen if s.strip().upper().startswith("DROP TABLE")
    ]
    assert drops == ["comments", "posts", "authors"]
    assert not ({"authors", "posts", "comments"} & table_names(engine))
    md.drop_all(engine)  # checkfirst: a second drop_all is a no-op


# --- checked against SQLAlchemy 2.0 (xfail where cormorant still differs) -----------------


def test_flush_updates_before_inserting_into_the_same_table(seeded):
    with Session(seeded) as s:
        by_name(s, "apple").name = "old apple"
        s.add(Product(name="apple", price=1))
        s.commit()
        assert s.execute(select(Product.name).order_by(Product.id)).scalars().all() == [
            "old apple",
            "pear",
            "fig",
            "apple",
        ]


def test_explicit_type_wins_over_an_unmappable_annotation(engine):
    from typing import Any

    from cormorant import JSON

    md = MetaData()

    class LocalBase(DeclarativeBase):
        metadata = md

    class Doc(LocalBase):
        __tablename__ = "docs_any"
        id: Mapped[int] = mapped_column(primary_key=True)
        body: Mapped[Optional[Any]] = mapped_column(JSON)

    md.create_all(engine)
    with Session(engine) as s:
        s.add(Doc(id=1, body=[1, {"a": None}]))
        s.commit()
        s.expire_all()
        assert s.get(Doc, 1).body == [1, {"a": None}]


def test_changed_uuid_json_enum_attributes_flush(engine):
    import enum
    import uuid

    from cormorant import JSON, Enum, Uuid

    class Mood(enum.Enum):
        calm = "c"
        busy = "b"

    md = MetaData()

    class LocalBase(DeclarativeBase):
        metadata = md

    class Thing(LocalBase):
        __tablename__ = "things"
        id: Mapped[int] = mapped_column(primary_key=True)
        uid: Mapped[uuid.UUID] = mapped_column(Uuid)
        doc: Mapped[dict] = mapped_column(JSON)
        mood: Mapped[Mood] = mapped_column(Enum(Mood))

    md.create_all(engine)
    with Session(engine) as s:
        s.add(Thing(id=1, uid=uuid.UUID(int=1), doc={"v": 1}, mood=Mood.calm))
        s.commit()
        thing = s.get(Thing, 1)
        thing.uid = uuid.UUID(int=2)
        thing.doc = {"v": 2}
        thing.mood = Mood.busy
        s.commit()
    with Session(engine) as s:
        thing = s.get(Thing, 1)
        assert (thing.uid, thing.doc, thing.mood) == (uuid.UUID(int=2), {"v": 2}, Mood.busy)


def test_orm_bulk_insert_returning(db):
    from cormorant import insert

    with Session(db) as s:
        ids = s.execute(insert(Product).returning(Product.id), [{"name": "a"}, {"name": "b"}]).scalars().all()
        assert sorted(ids) == [1, 2]
        s.commit()
