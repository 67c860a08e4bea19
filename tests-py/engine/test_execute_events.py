"""before_execute / after_execute: listeners see each statement Connection.execute()
runs with its parameters, and with retval=True may replace them."""

from cormorant import Column, Integer, MetaData, String, Table, event, insert, select


def _table(engine):
    metadata = MetaData()
    t = Table("ev", metadata, Column("id", Integer, primary_key=True), Column("name", String(20)))
    metadata.create_all(engine)
    return t


def test_listeners_see_statements_and_parameters(engine):
    t = _table(engine)
    seen, after = [], []
    event.listen(
        engine, "before_execute", lambda conn, stmt, multi, params, opts: seen.append((stmt, multi, params))
    )
    event.listen(
        engine, "after_execute", lambda conn, stmt, multi, params, opts, result: after.append(result)
    )
    with engine.begin() as conn:
        conn.execute(insert(t), [{"name": "a"}, {"name": "b"}])
        conn.execute(select(t.c.name).where(t.c.id == 1))
        conn.execute(insert(t), {"name": "c"})
    assert [(multi, params) for _, multi, params in seen] == [
        ([{"name": "a"}, {"name": "b"}], {}),
        ([], {}),
        ([], {"name": "c"}),
    ]
    assert seen[1][0].__class__.__name__ == "Select"
    assert len(after) == 3 and after[1].__class__.__name__ == "CursorResult"


def test_a_retval_listener_replaces_the_parameters(engine):
    t = _table(engine)

    def shout(conn, stmt, multi, params, opts):
        return (
            stmt,
            [{**p, "name": p["name"].upper()} for p in multi],
            {k: v.upper() for k, v in params.items()},
        )

    event.listen(engine, "before_execute", shout, retval=True)
    with engine.begin() as conn:
        conn.execute(insert(t), {"name": "ann"})
        conn.execute(insert(t), [{"name": "bo"}, {"name": "cy"}])
    event.remove(engine, "before_execute", shout)
    with engine.connect() as conn:
        assert conn.execute(select(t.c.name).order_by(t.c.id)).scalars().all() == ["ANN", "BO", "CY"]
