"""Connection.get_nested_transaction(): the innermost SAVEPOINT in progress, as SQLAlchemy's."""


def test_get_nested_transaction_is_the_innermost_savepoint(engine):
    with engine.connect() as conn:
        assert conn.get_nested_transaction() is None
        conn.begin()
        outer = conn.begin_nested()
        inner = conn.begin_nested()
        assert conn.get_nested_transaction() is inner
        inner.commit()
        assert conn.get_nested_transaction() is outer
        outer.rollback()
        assert conn.get_nested_transaction() is None
        conn.rollback()
