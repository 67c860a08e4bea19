"""SQLAlchemy's other result classes: FrozenResult (Result.freeze()),
MergedResult (Result.merge()), IteratorResult, ChunkedIteratorResult,
result_tuple, BaseRow, ResultProxy and the FilterResult family."""

import pytest
from cormorant import (
    BaseRow,
    ChunkedIteratorResult,
    FrozenResult,
    IteratorResult,
    MergedResult,
    ResultProxy,
    result_tuple,
    text,
)
from cormorant.engine import (
    CursorResult,
    FilterResult,
    MappingResult,
    Result,
    Row,
    ScalarResult,
    TupleResult,
)

TWO_ROWS = "SELECT 1 AS a, 'x' AS b UNION ALL SELECT 2, 'y' ORDER BY a"


def test_freeze_keeps_rows_to_make_new_results(engine):
    with engine.connect() as conn:
        frozen = conn.execute(text(TWO_ROWS)).freeze()
    assert isinstance(frozen, FrozenResult)
    assert frozen.data == [(1, "x"), (2, "y")]
    first, second = frozen(), frozen()
    assert isinstance(first, Result)
    assert first.all() == [(1, "x"), (2, "y")]
    assert second.scalars().all() == [1, 2]
    assert first.keys() == ["a", "b"]
    replaced = frozen.with_new_rows([(3, "z")])
    assert replaced().mappings().all() == [{"a": 3, "b": "z"}]
    assert frozen().first().b == "x"


def test_merge_gives_the_rows_of_each_result_in_turn(engine):
    with engine.connect() as conn:
        one = conn.execute(text("SELECT 1 AS n"))
        two = conn.execute(text("SELECT 2 AS n UNION ALL SELECT 3 ORDER BY n"))
        merged = one.merge(two)
        assert isinstance(merged, MergedResult)
        assert merged.keys() == ["n"]
        assert [row.n for row in merged] == [1, 2, 3]


def test_iterator_results_from_plain_tuples():
    result = IteratorResult(["id", "name"], iter([(1, "a"), (2, "b")]))
    assert result.keys() == ["id", "name"]
    rows = result.all()
    assert rows == [(1, "a"), (2, "b")] and rows[1].name == "b"
    chunks_asked = []

    def chunks(size):
        chunks_asked.append(size)
        yield [(1,), (2,)]
        yield [(3,)]

    chunked = ChunkedIteratorResult(["n"], chunks)
    assert isinstance(chunked, IteratorResult)
    assert chunked.scalars().all() == [1, 2, 3]
    assert chunks_asked == [None]
    scalars = ChunkedIteratorResult(["n"], lambda size: [[5, 6]], source_supports_scalars=True)
    assert scalars.all() == [(5,), (6,)]
    with pytest.raises(Exception, match="nope"):
        IteratorResult(["n"], [(1,)]).columns("nope")


def test_result_tuple_makes_named_rows():
    make_row = result_tuple(["x", "y"])
    row = make_row([10, 20])
    assert isinstance(row, Row) and isinstance(row, BaseRow)
    assert row.y == 20 and row._fields == ("x", "y") and tuple(row) == (10, 20)


def test_class_relations_are_sqlalchemys(engine):
    assert ResultProxy is CursorResult
    assert issubclass(ScalarResult, FilterResult) and issubclass(MappingResult, FilterResult)
    assert issubclass(TupleResult, FilterResult)
    assert not issubclass(Result, FilterResult)
    assert issubclass(Row, BaseRow)
    with engine.connect() as conn:
        result = conn.execute(text("SELECT 1"))
        assert isinstance(result, ResultProxy)
        assert isinstance(result.first(), BaseRow)
    assert not isinstance((1, 2), BaseRow)
