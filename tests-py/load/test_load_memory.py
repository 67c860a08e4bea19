"""Memory under load: loading 1,000,000 ORM objects five times keeps the
process's RSS flat. Round 1 grows the heap, round 2 reaches the steady state;
RSS after round 5 may exceed RSS after round 2 only by a small tolerance (a
leak of even a few bytes per object costs tens of MB per round).

CORMORANT_LOAD_ROWS sets the row count (default 1,000,000: ~15-30 s per
backend on a 2-core machine, mostly the insert; set it lower for a quick run)."""

import gc
import os
import time
from array import array

import psutil
import pytest
from cormorant import String, create_engine, insert, select
from cormorant.orm import DeclarativeBase, Mapped, Session, mapped_column

# RSS under AddressSanitizer measures its quarantine and shadow memory, not
# cormorant's objects; .ci/sanitize sets CORMORANT_SANITIZED, and the plain
# test command measures memory.
pytestmark = pytest.mark.skipif(
    bool(os.environ.get("CORMORANT_SANITIZED")),
    reason="RSS is not meaningful under AddressSanitizer; the unsanitized run checks memory",
)

ROWS = int(os.environ.get("CORMORANT_LOAD_ROWS", 1_000_000))
ROUNDS = 5
TOLERANCE = 16 * 1024 * 1024  # bytes between round 2 and round 5
BATCH = 50_000


class Base(DeclarativeBase):
    pass


class Reading(Base):
    __tablename__ = "load_readings"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(40))
    value: Mapped[float]


PROCESS = psutil.Process()


def rss():
    gc.collect()
    return PROCESS.memory_info().rss


def test_loading_a_million_objects_five_times_keeps_rss_flat(backend, url, record_property):
    engine = create_engine(url)
    try:
        Base.metadata.create_all(engine)
        start = time.monotonic()
        with engine.begin() as conn:
            for first in range(0, ROWS, BATCH):
                conn.execute(
                    insert(Reading),
                    [
                        {"id": i, "name": f"reading-{i}", "value": i * 0.5}
                        for i in range(first, min(ROWS, first + BATCH))
                    ],
                )
        inserted = time.monotonic() - start

        # kept in arrays, not lists: a long-lived float or int created in every round would land
        # in a fresh 1 MiB pymalloc arena and pin it (+1 MiB RSS per round that is no leak)
        after, times = array("q", bytes(8 * ROUNDS)), array("d", bytes(8 * ROUNDS))
        for round_ in range(ROUNDS):
            start = time.monotonic()
            with Session(engine) as session:
                objects = session.scalars(select(Reading)).all()
                assert len(objects) == ROWS
                assert objects[-1].name == f"reading-{ROWS - 1}"
            del objects  # drop every reference before measuring
            times[round_] = time.monotonic() - start
            after[round_] = rss()
    finally:
        engine.dispose()

    mb = [round(x / 2**20, 1) for x in after]
    summary = (
        f"{backend}: {ROWS} rows inserted in {inserted:.1f} s; loads {[round(t, 2) for t in times]} s; "
        f"RSS after each round (MB) {mb}; round 5 - round 2 = {mb[4] - mb[1]:+.1f} MB"
    )
    print("\n" + summary)
    record_property("rss_mb_per_round", mb)
    record_property("memory_summary", summary)
    assert after[4] - after[1] <= TOLERANCE, summary
