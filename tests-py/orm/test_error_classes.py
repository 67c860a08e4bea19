"""SQLAlchemy's exception classes (cormorant.exc, cormorant.orm.exc): their
hierarchy, and each raised where SQLAlchemy raises it."""

import pickle
import warnings

import cormorant.exc as exc
import cormorant.orm.exc as orm_exc
import pytest
from cormorant import (
    Column,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Table,
    TypeDecorator,
    UniqueConstraint,
    create_engine,
    event,
    insert,
    inspect,
    select,
    text,
)
from cormorant.orm import DeclarativeBase, Mapped, Session, configure_mappers, mapped_column, relationship
from cormorant.orm.mapper import mapper_of


class NotMapped:
    pass


# --- hierarchy ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "bases"),
    [
        ("AmbiguousForeignKeysError", ("ArgumentError",)),
        ("NoForeignKeysError", ("ArgumentError",)),
        ("ConstraintColumnNotFoundError", ("ArgumentError",)),
        ("DuplicateColumnError", ("ArgumentError",)),
        ("NoSuchModuleError", ("ArgumentError",)),
        ("ObjectNotExecutableError", ("ArgumentError",)),
        ("IdentifierError", ("SQLAlchemyError",)),
        ("IllegalStateChangeError", ("InvalidRequestError",)),
        ("NoInspectionAvailable", ("InvalidRequestError",)),
        ("NoReferencedColumnError", ("NoReferenceError", "InvalidRequestError")),
        ("NoReferencedTableError", ("NoReferenceError", "InvalidRequestError")),
        ("NoSuchColumnError", ("InvalidRequestError",)),
        ("UnboundExecutionError", ("InvalidRequestError",)),
        ("UnreflectableTableError", ("InvalidRequestError",)),
        ("InvalidatePoolError", ("DisconnectionError",)),
    ],
)
def test_core_error_classes_sit_where_sqlalchemy_puts_them(name, bases):
    cls = getattr(exc, name)
    for base in bases:
        assert issubclass(cls, getattr(exc, base))
    assert issubclass(cls, exc.SQLAlchemyError)
    assert issubclass(cls, exc.HasDescriptionCode)


def test_no_such_column_error_is_also_a_key_error_with_an_unquoted_message():
    error = exc.NoSuchColumnError("Could not locate column in row for column 'x'")
    assert isinstance(error, KeyError)
    assert str(error) == "Could not locate column in row for column 'x'"


def test_has_description_code_links_sqlalchemys_explanation():
    error = exc.InvalidRequestError("boom", code="xyz1")
    assert error.code == "xyz1"
    assert str(error) == "boom (Background on this error at: https://sqlalche.me/e/20/xyz1)"
    assert str(exc.InvalidRequestError("plain")) == "plain"
    assert exc.InvalidatePoolError.invalidate_pool is True
    assert issubclass(exc.SATestSuiteWarning, Warning)
    assert not issubclass(exc.SATestSuiteWarning, exc.SAWarning)


def test_orm_error_classes_and_their_shared_core_ones():
    assert orm_exc.NoResultFound is exc.NoResultFound
    assert orm_exc.MultipleResultsFound is exc.MultipleResultsFound
    assert orm_exc.ConcurrentModificationError is orm_exc.StaleDataError
    assert issubclass(orm_exc.UnmappedInstanceError, orm_exc.UnmappedError)
    assert issubclass(orm_exc.UnmappedClassError, orm_exc.UnmappedError)
    assert issubclass(orm_exc.UnmappedError, exc.InvalidRequestError)
    assert issubclass(orm_exc.UnmappedColumnError, exc.InvalidRequestError)
    assert issubclass(orm_exc.ObjectDeletedError, exc.InvalidRequestError)
    assert issubclass(orm_exc.LoaderStrategyException, exc.InvalidRequestError)
    assert issubclass(orm_exc.MappedAnnotationError, exc.ArgumentError)
    for name in ("StaleDataError", "FlushError", "DetachedInstanceError", "ObjectDereferencedError"):
        cls = getattr(orm_exc, name)
        assert issubclass(cls, exc.SQLAlchemyError) and not issubclass(cls, exc.InvalidRequestError)
    # the names cormorant.exc offered before still name the same classes
    assert exc.StaleDataError is orm_exc.StaleDataError
    assert exc.UnmappedInstanceError is orm_exc.UnmappedInstanceError


def test_detached_instance_error_carries_its_code():
    error = orm_exc.DetachedInstanceError("gone")
    assert error.code == "bhk3"
    assert str(error).endswith("https://sqlalche.me/e/20/bhk3)")


def test_orm_errors_build_their_messages_from_the_object():
    assert str(orm_exc.UnmappedClassError(NotMapped)) == f"Class '{__name__}.NotMapped' is not mapped"
    instance_error = orm_exc.UnmappedInstanceError(NotMapped)
    assert "was a class" in str(instance_error) and "NotMapped" in str(instance_error)
    strategy = orm_exc.LoaderStrategyException(object, "User.addresses", None, None, (("lazy", "bogus"),))
    assert str(strategy) == "Can't find strategy (('lazy', 'bogus'),) for User.addresses"


def test_errors_with_arguments_survive_pickling():
    table_error = pickle.loads(pickle.dumps(exc.NoReferencedTableError("msg", "users")))
    assert (str(table_error), table_error.table_name) == ("msg", "users")
    column_error = pickle.loads(pickle.dumps(exc.NoReferencedColumnError("msg", "users", "id")))
    assert (column_error.table_name, column_error.column_name) == ("users", "id")
    unmapped = pickle.loads(pickle.dumps(orm_exc.UnmappedClassError(NotMapped)))
    assert "is not mapped" in str(unmapped)


# --- raised where SQLAlchemy raises them: Core ----------------------------------------------


def test_executing_a_non_executable_object(engine):
    with engine.connect() as conn:
        with pytest.raises(exc.ObjectNotExecutableError, match="Not an executable object: 5") as info:
            conn.execute(5)
        assert info.value.target == 5
        with pytest.raises(exc.ObjectNotExecutableError, match="Not an executable object"):
            conn.execute(select(1).subquery())
        with pytest.raises(exc.ObjectNotExecutableError, match=r"text\("):
            conn.execute("SELECT 1")


def test_unknown_column_keys_on_rows_and_results(engine):
    with engine.connect() as conn:
        row = conn.execute(text("SELECT 1 AS a")).one()
        with pytest.raises(exc.NoSuchColumnError, match="Could not locate column in row for column 'b'"):
            row._mapping["b"]
        assert row._mapping["a"] == 1
        mapping = conn.execute(text("SELECT 1 AS a")).mappings().one()
        with pytest.raises(KeyError):  # NoSuchColumnError is a KeyError too
            mapping["b"]
        with pytest.raises(exc.NoSuchColumnError):
            mapping["b"]
        with pytest.raises(exc.NoSuchColumnError, match="'b'"):
            conn.execute(text("SELECT 1 AS a")).columns("b")


def test_mappings_reach_values_by_column_object_too(engine):
    table = Table("things", MetaData(), Column("id", Integer, primary_key=True), Column("name", String(20)))
    table.metadata.create_all(engine)
    with engine.begin() as conn:
        conn.execute(insert(table), {"id": 1, "name": "a"})
        mapping = conn.execute(select(table)).mappings().one()
    assert mapping[table.c.name] == "a" and mapping["id"] == 1


def test_foreign_key_to_a_missing_table_or_column(engine):
    metadata = MetaData()
    Table("parent", metadata, Column("id", Integer, primary_key=True))
    child = Table(
        "child", metadata, Column("id", Integer, primary_key=True), Column("pid", ForeignKey("nope.id"))
    )
    with pytest.raises(exc.NoReferencedTableError, match="could not find table 'nope'") as info:
        metadata.create_all(engine)
    assert info.value.table_name == "nope"
    with pytest.raises(exc.NoReferencedTableError):
        next(iter(child.c.pid.foreign_keys)).column
    other = Table(
        "other", metadata, Column("id", Integer, primary_key=True), Column("pid", ForeignKey("parent.zz"))
    )
    with pytest.raises(exc.NoReferencedColumnError, match="has no column named 'zz'") as column_info:
        next(iter(other.c.pid.foreign_keys)).column
    assert (column_info.value.table_name, column_info.value.column_name) == ("parent", "zz")


def test_duplicate_column_in_a_table():
    with pytest.raises(
        exc.DuplicateColumnError, match="A column with name 'a' is already present in table 't'"
    ):
        Table("t", MetaData(), Column("a", Integer), Column("a", Integer))


@pytest.mark.parametrize(
    ("item", "kind"),
    [
        (lambda: UniqueConstraint("b"), "UniqueConstraint"),
        (lambda: PrimaryKeyConstraint("b"), "PrimaryKeyConstraint"),
        (lambda: ForeignKeyConstraint(["b"], ["x.id"]), "ForeignKeyConstraint"),
        (lambda: Index("ix_b", "b"), "Index"),
    ],
)
def test_constraint_naming_a_missing_column(item, kind):
    with pytest.raises(
        exc.ConstraintColumnNotFoundError,
        match=f"Can't create {kind} on table 't': no column named 'b' is present",
    ):
        Table("t", MetaData(), Column("a", Integer), item())


def test_join_without_a_foreign_key():
    metadata = MetaData()
    a = Table("a", metadata, Column("id", Integer, primary_key=True))
    b = Table("b", metadata, Column("id", Integer, primary_key=True))
    with pytest.raises(exc.NoForeignKeysError, match="Can't find any foreign key relationships"):
        select(a).join(b).compile()


def test_unknown_dialect_is_no_such_module():
    with pytest.raises(exc.NoSuchModuleError, match="Can't load plugin"):
        create_engine("nosuchdb://")
    with pytest.raises(exc.ArgumentError):
        create_engine("sqlite+nosuchdriver://")


def test_inspect_of_an_unsupported_object():
    for subject in (NotMapped, NotMapped(), 5):
        with pytest.raises(exc.NoInspectionAvailable, match="No inspection system is available"):
            inspect(subject)
    assert inspect(NotMapped, raiseerr=False) is None


class _Refused(exc.DontWrapMixin, ValueError):
    pass


class _Unusual(Exception):
    pass


class _Picky(TypeDecorator):
    impl = Integer
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value == 1:
            raise _Refused("one is refused")
        if value == 2:
            raise ValueError("two is refused")
        if value == 4:
            raise _Unusual("four is refused")
        return value


def test_dont_wrap_mixin_exceptions_propagate_unwrapped(engine):
    table = Table("picky", MetaData(), Column("v", _Picky()))
    table.metadata.create_all(engine)
    with engine.begin() as conn:
        with pytest.raises(_Refused, match="one is refused"):
            conn.execute(insert(table), {"v": 1})
        with pytest.raises(_Refused):
            conn.execute(select(table).where(table.c.v == 1))
        with pytest.raises(exc.StatementError, match="two is refused") as info:
            conn.execute(insert(table), {"v": 2})
        assert not isinstance(info.value, _Refused)
        with pytest.raises(
            exc.StatementError, match=r"\(test_error_classes._Unusual\) .*four is refused"
        ) as info:
            conn.execute(insert(table), {"v": 4})
        assert isinstance(info.value.orig, _Unusual)
        conn.execute(insert(table), {"v": 3})
        assert conn.execute(select(table.c.v)).scalars().all() == [3]


# --- raised where SQLAlchemy raises them: ORM -----------------------------------------------


class Base(DeclarativeBase):
    pass


class Item(Base):
    __tablename__ = "items"
    id: Mapped[int] = mapped_column(primary_key=True)
    value: Mapped[int]


def test_unmapped_objects_and_classes():
    session = Session()
    for call in (session.add, session.delete, session.merge):
        with pytest.raises(
            orm_exc.UnmappedInstanceError, match=f"Class '{__name__}.NotMapped' is not mapped"
        ):
            call(NotMapped())
    with pytest.raises(orm_exc.UnmappedClassError, match="is not mapped"):
        mapper_of(NotMapped)


def test_unbound_session():
    with pytest.raises(exc.UnboundExecutionError, match="not bound"):
        Session().execute(select(Item))


def _stale(engine):
    Base.metadata.create_all(engine)
    session = Session(engine, expire_on_commit=False)
    first, second = Item(id=1, value=1), Item(id=2, value=2)
    session.add_all([first, second])
    session.commit()
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM items"))
    return session, first, second


def test_update_matching_no_row_is_stale_data(engine):
    session, first, second = _stale(engine)
    first.value, second.value = 10, 20
    with pytest.raises(orm_exc.StaleDataError, match="expected to update 2 row"):
        session.flush()
    session.rollback()
    session.close()


def test_delete_matching_no_row_warns_as_sqlalchemy_does(engine):
    session, first, second = _stale(engine)
    session.delete(first)
    session.delete(second)
    with pytest.warns(exc.SAWarning, match="expected to delete 2 row"):
        session.flush()
    session.close()


def test_delete_of_present_rows_does_not_warn(engine):
    Base.metadata.create_all(engine)
    with Session(engine) as session:
        session.add(Item(id=1, value=1))
        session.commit()
        session.delete(session.get(Item, 1))
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            session.commit()


def test_refresh_of_a_deleted_row(engine):
    Base.metadata.create_all(engine)
    with Session(engine) as session:
        item = Item(id=1, value=1)
        session.add(item)
        session.commit()
        with engine.begin() as conn:
            conn.execute(text("DELETE FROM items"))
        with pytest.raises(
            orm_exc.ObjectDeletedError, match="has been deleted, or its row is otherwise not present"
        ):
            item.value


def test_relationship_without_a_foreign_key_path():
    class LocalBase(DeclarativeBase):
        pass

    class Parent(LocalBase):
        __tablename__ = "parents"
        id: Mapped[int] = mapped_column(primary_key=True)
        children = relationship("Child")

    class Child(LocalBase):
        __tablename__ = "children"
        id: Mapped[int] = mapped_column(primary_key=True)
        parent_id: Mapped[int]

    with pytest.raises(exc.NoForeignKeysError, match="no foreign keys linking 'parents' and 'children'"):
        LocalBase.registry.configure()
    LocalBase.registry.dispose()


def test_relationship_with_two_foreign_key_paths():
    class LocalBase(DeclarativeBase):
        pass

    class Parent(LocalBase):
        __tablename__ = "parents"
        id: Mapped[int] = mapped_column(primary_key=True)
        children = relationship("Child")

    class Child(LocalBase):
        __tablename__ = "children"
        id: Mapped[int] = mapped_column(primary_key=True)
        first_id: Mapped[int] = mapped_column(ForeignKey("parents.id"))
        second_id: Mapped[int] = mapped_column(ForeignKey("parents.id"))

    with pytest.raises(exc.AmbiguousForeignKeysError, match="multiple foreign key paths"):
        LocalBase.registry.configure()
    LocalBase.registry.dispose()


def test_unresolvable_mapped_annotation():
    class Opaque:
        pass

    class LocalBase(DeclarativeBase):
        pass

    with pytest.raises(orm_exc.MappedAnnotationError, match="'thing'"):

        class Holder(LocalBase):
            __tablename__ = "holders"
            id: Mapped[int] = mapped_column(primary_key=True)
            thing: Mapped[Opaque]


def test_configure_mappers_still_works_after_the_failures_above():
    configure_mappers()
    assert inspect(Item).class_ is Item


# --- pool and DDL ---------------------------------------------------------------------------


def test_checkout_listener_reporting_a_disconnect_gets_a_new_connection(engine):
    connects, checkouts = [], []

    def on_checkout(dbapi_connection, record, proxy):
        checkouts.append(1)
        if len(checkouts) == 1:
            raise exc.DisconnectionError("stale")

    event.listen(engine, "connect", lambda dbapi_connection, record: connects.append(1))
    event.listen(engine, "checkout", on_checkout)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT 1")).scalar() == 1
    assert (len(connects), len(checkouts)) == (2, 2)


def test_invalidate_pool_error_invalidates_every_pooled_connection(engine):
    with engine.connect(), engine.connect():
        pass
    assert engine.pool.checkedin() == 2
    refused = []

    def on_checkout(dbapi_connection, record, proxy):
        if not refused:
            refused.append(1)
            raise exc.InvalidatePoolError("database restarted")

    event.listen(engine, "checkout", on_checkout)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT 2")).scalar() == 2
        assert engine.pool.checkedin() == 0


def test_checkout_that_keeps_failing_closes_the_connection(engine):
    def on_checkout(dbapi_connection, record, proxy):
        raise exc.DisconnectionError("always")

    event.listen(engine, "checkout", on_checkout)
    with pytest.raises(exc.InvalidRequestError, match="This connection is closed"):
        engine.connect()
    assert engine.pool.checkedout() == 0


def test_explicit_names_too_long_for_postgresql(engine, backend):
    metadata = MetaData()
    Table(
        "long_names",
        metadata,
        Column("x", Integer, index=True),
        UniqueConstraint("x", name="uq_" + "a" * 70),
    )
    if backend == "sqlite":
        metadata.create_all(engine)  # SQLite has no such limit
        return
    with pytest.raises(exc.IdentifierError, match="exceeds maximum length of 63 characters"):
        metadata.create_all(engine)


def test_session_execute_of_a_non_statement_words_it_as_sqlalchemy(engine):
    with Session(engine) as session:
        with pytest.raises(exc.ArgumentError, match=r"should be explicitly declared as text\('SELECT 1'\)"):
            session.execute("SELECT 1")
        with pytest.raises(exc.ArgumentError, match="Executable SQL or text\\(\\) construct expected, got 5"):
            session.execute(5)


def test_unknown_lazy_loading_strategy():
    class LocalBase(DeclarativeBase):
        pass

    class Parent(LocalBase):
        __tablename__ = "parents"
        id: Mapped[int] = mapped_column(primary_key=True)
        children = relationship("Child", lazy="bogus")

    class Child(LocalBase):
        __tablename__ = "children"
        id: Mapped[int] = mapped_column(primary_key=True)
        parent_id: Mapped[int] = mapped_column(ForeignKey("parents.id"))

    with pytest.raises(
        orm_exc.LoaderStrategyException, match=r"Can't find strategy \(\('lazy', 'bogus'\),\) for"
    ):
        LocalBase.registry.configure()
    LocalBase.registry.dispose()


def test_none_in_a_collection_is_refused_at_flush(engine):
    class LocalBase(DeclarativeBase):
        pass

    class Parent(LocalBase):
        __tablename__ = "parents"
        id: Mapped[int] = mapped_column(primary_key=True)
        children = relationship("Child", back_populates="parent")

    class Child(LocalBase):
        __tablename__ = "children"
        id: Mapped[int] = mapped_column(primary_key=True)
        parent_id: Mapped[int] = mapped_column(ForeignKey("parents.id"))
        parent = relationship("Parent", back_populates="children")

    LocalBase.metadata.create_all(engine)
    try:
        with Session(engine) as session:
            parent = Parent(id=1)
            session.add(parent)
            parent.children.append(None)
            with pytest.raises(
                orm_exc.FlushError, match=r"Can't flush None value found in collection Parent.children"
            ):
                session.flush()
    finally:
        LocalBase.registry.dispose()
