"""Load with invariants: 16 threads each run 200 sessions (by default) of mixed
reads and transfers between accounts (SELECT ... FOR UPDATE, then UPDATE,
COMMIT), retrying on deadlocks, serialization failures and "database is
locked". Afterwards: the total balance is preserved, every account's balance
equals its start plus the deltas of the transfers that committed (no lost
update), every read saw the same total, no connection is left checked out,
and nothing hangs (the threads are joined with a deadline).

CORMORANT_LOAD_THREADS / CORMORANT_LOAD_SESSIONS (per thread) change the size."""

import os
import random
import threading
import time
from collections import Counter

from cormorant import create_engine, exc, func, select
from cormorant.orm import DeclarativeBase, Mapped, Session, mapped_column

THREADS = int(os.environ.get("CORMORANT_LOAD_THREADS", 16))
SESSIONS_PER_THREAD = int(os.environ.get("CORMORANT_LOAD_SESSIONS", 200))
ACCOUNTS = 20
START_BALANCE = 1_000
DEADLINE = 150  # seconds for the whole run: past it, a thread that has not ended is a hang
MAX_ATTEMPTS = 200


class Base(DeclarativeBase):
    pass


class Account(Base):
    __tablename__ = "accounts"
    id: Mapped[int] = mapped_column(primary_key=True)
    balance: Mapped[int]


def retryable(error):
    """Deadlock (40P01), serialization failure (40001), SQLite's busy / locked."""
    orig = getattr(error, "orig", None)
    if getattr(orig, "sqlstate", None) in ("40P01", "40001"):
        return True
    message = str(error).splitlines()[0].lower()
    return "database is locked" in message or "deadlock" in message or "could not serialize" in message


def test_concurrent_transfers_keep_invariants(backend, url, record_property):
    if backend == "sqlite":
        # the busy timeout makes most lock waits block instead of failing; SQLite still answers
        # SQLITE_BUSY at once where waiting could deadlock (a shared lock upgrading): those retry
        engine = create_engine(url, connect_args={"timeout": 10}, pool_size=THREADS, max_overflow=0)
    else:
        # deadlocks are detected after deadlock_timeout (1 s by default): make the retries quick
        engine = create_engine(
            url, connect_args={"options": "-c deadlock_timeout=50ms"}, pool_size=THREADS, max_overflow=0
        )
    Base.metadata.create_all(engine)
    with Session(engine) as session:
        session.add_all([Account(id=i, balance=START_BALANCE) for i in range(ACCOUNTS)])
        session.commit()
    total = ACCOUNTS * START_BALANCE

    lock = threading.Lock()
    applied = Counter()  # account -> sum of the deltas of committed transfers
    stats = Counter()
    retry_reasons = Counter()
    failures = []
    bad_reads = []

    def transfer(session, rng):
        src, dst = rng.sample(range(ACCOUNTS), 2)  # locked in this (random) order: deadlocks happen
        amount = rng.randint(1, 50)
        a = session.execute(select(Account).where(Account.id == src).with_for_update()).scalar_one()
        b = session.execute(select(Account).where(Account.id == dst).with_for_update()).scalar_one()
        a.balance -= amount
        b.balance += amount
        session.commit()
        return {src: -amount, dst: amount}

    def read(session, rng):
        seen = session.execute(select(func.sum(Account.balance))).scalar()
        if seen != total:
            with lock:
                bad_reads.append(seen)
        session.commit()
        return {}

    def worker(seed):
        rng = random.Random(seed)
        try:
            for _ in range(SESSIONS_PER_THREAD):
                op = read if rng.random() < 0.3 else transfer
                for attempt in range(MAX_ATTEMPTS):
                    with Session(engine) as session:
                        try:
                            deltas = op(session, rng)
                        except exc.DBAPIError as e:
                            session.rollback()
                            if not retryable(e):
                                raise
                            with lock:
                                stats["retries"] += 1
                                retry_reasons[str(e).splitlines()[0][:80]] += 1
                            time.sleep(rng.uniform(0, 0.002 * min(attempt + 1, 10)))
                            continue
                    with lock:
                        stats[op.__name__] += 1
                        for account, delta in deltas.items():
                            applied[account] += delta
                    break
                else:
                    raise AssertionError(f"{op.__name__} still failing after {MAX_ATTEMPTS} attempts")
        except BaseException as e:
            with lock:
                failures.append(repr(e)[:500])

    start = time.monotonic()
    threads = [threading.Thread(target=worker, args=(seed,), daemon=True) for seed in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(max(0.0, DEADLINE - (time.monotonic() - start)))
    wall = time.monotonic() - start
    hung = sum(t.is_alive() for t in threads)

    summary = (
        f"{backend}: {THREADS} threads x {SESSIONS_PER_THREAD} sessions in {wall:.2f} s; "
        f"{stats['transfer']} transfers, {stats['read']} reads, {stats['retries']} retries "
        f"{dict(retry_reasons.most_common(3))}"
    )
    print("\n" + summary)
    record_property("load_wall_seconds", round(wall, 2))
    record_property("load_retries", stats["retries"])
    record_property("load_summary", summary)

    assert hung == 0, f"{hung} thread(s) still running after {DEADLINE} s: a hang or a deadlock. {summary}"
    assert failures == [], failures[:5]
    assert stats["transfer"] + stats["read"] == THREADS * SESSIONS_PER_THREAD
    assert engine.pool.checkedout() == 0, engine.pool.status()

    check = create_engine(url)
    try:
        with Session(check) as session:
            balances = dict(session.execute(select(Account.id, Account.balance)).all())
    finally:
        check.dispose()
        engine.dispose()
    assert sum(balances.values()) == total
    lost = {
        a: (balances[a], START_BALANCE + applied[a])
        for a in balances
        if balances[a] != START_BALANCE + applied[a]
    }
    assert lost == {}, f"lost updates (balance, expected): {lost}"
    assert bad_reads == [], f"reads saw totals other than {total}: {bad_reads[:10]}"
