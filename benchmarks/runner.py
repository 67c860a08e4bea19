"""python -m benchmarks: runs SQLAlchemy's examples/performance workloads through
cormorant, SQLAlchemy 2.0 and the raw driver (stdlib sqlite3, psycopg 3) side by
side in one process, interleaved run by run, and reports every time as a
multiple of the raw driver's. The async workload does the same through both
ORMs' asyncio APIs against aiosqlite and asyncpg (see workloads/async_.py).
Writes a terminal table, results.json, results.md and ratios.png (a bar chart)
to --out.

    python -m benchmarks                                  # every workload on SQLite
    python -m benchmarks --backend all --pg-url URL       # SQLite, then PostgreSQL
    python -m benchmarks --only short_selects --size 2000 --repeat 9
    python -m benchmarks --quick --backend all            # tiny sizes: a smoke test

Needs `pip install '.[bench]'`. PostgreSQL comes from --pg-url, else
CORMORANT_BENCH_PG_URL or CORMORANT_TEST_PG_URL; the runner creates and drops
tables named bench_* there.
"""

import argparse
import importlib
import os
import shlex
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager

from . import report
from .measure import Progress, measure
from .memory import measure_in_child
from .stacks import Database, OrmStack, orm_stacks, postgres_url_from_env
from .workload import Context
from .workloads import WORKLOADS

RESULTS_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "results")


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--backend", choices=("sqlite", "postgresql", "all"), default="sqlite")
    parser.add_argument(
        "--only",
        action="append",
        metavar="NAME",
        choices=list(WORKLOADS),
        help=f"run only this workload (repeatable): {', '.join(WORKLOADS)}",
    )
    parser.add_argument(
        "--size", type=int, help="rows, lookups, transactions or parents (default: per workload)"
    )
    parser.add_argument("--repeat", type=int, help="timed runs per case (default 5; 1 with --quick)")
    parser.add_argument(
        "--quick", action="store_true", help="every workload at a tiny size, one run: a smoke test"
    )
    parser.add_argument("--pg-url", default=postgres_url_from_env())
    parser.add_argument("--out", help=f"where the JSON, Markdown and PNG go (default {RESULTS_DIR})")
    parser.add_argument("--no-memory", action="store_true", help="skip the peak-memory subprocesses")
    args = parser.parse_args(argv)
    if args.backend != "sqlite" and not args.pg_url:
        parser.error(
            f"--backend {args.backend} needs --pg-url, CORMORANT_BENCH_PG_URL or CORMORANT_TEST_PG_URL"
        )
    if args.repeat is None:
        args.repeat = 1 if args.quick else 5
    if args.out is None:
        args.out = os.path.join(tempfile.gettempdir(), "cormorant-bench-quick") if args.quick else RESULTS_DIR
    return args


@contextmanager
def databases(args: argparse.Namespace) -> Iterator[list[tuple[str, Database | None]]]:
    """(backend, database) pairs; a SQLite database is a file per workload in a temporary folder."""
    with tempfile.TemporaryDirectory(prefix="cormorant-bench-") as folder:
        out: list[tuple[str, Database | None]] = []
        if args.backend in ("sqlite", "all"):
            out.append(("sqlite", Database.sqlite(folder)))
        if args.backend in ("postgresql", "all"):
            out.append(("postgresql", Database.postgresql(args.pg_url)))
        yield out


def database_for(db: Database, workload: str) -> Database:
    return Database.sqlite(os.path.join(db.path, f"{workload}.db")) if db.backend == "sqlite" else db


def drop_tables(db: Database, tables: list[str]) -> None:
    if db.backend == "postgresql":
        conn = db.connect()
        try:
            for table in tables:
                conn.execute(f"DROP TABLE IF EXISTS {table}")
            conn.commit()
        finally:
            conn.close()


def run_workload(
    db: Database, workload, stacks: list[OrmStack], args: argparse.Namespace, progress: Progress
) -> list[report.Measured]:
    size = args.size or (workload.QUICK_SIZE if args.quick else workload.DEFAULT_SIZE)
    ctx = Context(db, stacks, size)
    try:
        workload.setup(ctx)
        cases = workload.cases(ctx)
        samples = measure(
            cases, args.repeat, progress, f"{db.backend} · {workload.NAME} · {size:,} {workload.UNIT}"
        )
    finally:
        ctx.close()
    results = report.collect(db.backend, workload, size, cases, samples)
    if getattr(workload, "MEASURES_MEMORY", False) and not args.no_memory:
        for m in results:
            m.peak_bytes = measure_in_child(workload.NAME, db, size, m.stack, m.level)
    return results


def versions(
    pairs: list[tuple[str, Database | None]], stacks: list[OrmStack], workloads: list
) -> dict[str, str]:
    found = {stack.name: stack.sa.__version__ for stack in stacks}
    drivers = {"postgresql": ["psycopg"]}
    if any(workload.NAME == "async" for workload in workloads):
        drivers = {"sqlite": ["aiosqlite"], "postgresql": ["psycopg", "asyncpg"]}
    for backend, db in pairs:
        found[backend] = db.server_version()
        for name in drivers.get(backend, []):
            found[name] = importlib.import_module(name).__version__
    return found


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    args = parse_args(argv)
    workloads = [WORKLOADS[name] for name in args.only or WORKLOADS]
    stacks = orm_stacks()
    for workload in workloads:
        for note in getattr(workload, "notes", lambda _: [])(stacks):
            print(f"{workload.NAME}: {note}")
    progress = Progress()
    results: list[report.Measured] = []
    with databases(args) as pairs:
        for _, db in pairs:
            for workload in workloads:
                target = database_for(db, workload.NAME)
                try:
                    results += run_workload(target, workload, stacks, args, progress)
                finally:
                    drop_tables(target, workload.TABLES)
        meta = {
            "command": "python -m benchmarks " + shlex.join(redact_urls(argv)),
            "repeat": args.repeat,
            "machine": report.machine(versions(pairs, stacks, workloads)),
        }
    print()
    print(report.terminal_table(results, args.repeat))
    write_outputs(args.out, results, meta)
    return 0


def redact_urls(argv: list[str]) -> list[str]:
    """The command line without the PostgreSQL URL, which may hold a password."""
    out = []
    for i, arg in enumerate(argv):
        if i and argv[i - 1] == "--pg-url":
            arg = "URL"
        out.append("--pg-url=URL" if arg.startswith("--pg-url=") else arg)
    return out


def write_outputs(folder: str, results: list[report.Measured], meta: dict) -> None:
    os.makedirs(folder, exist_ok=True)
    report.write_json(os.path.join(folder, "results.json"), results, meta)
    with open(os.path.join(folder, "results.md"), "w") as f:
        f.write(report.markdown_table(results) + "\n")
    m = meta["machine"]
    subtitle = f"{m['cpu']}, {m['cores']} cores, Python {m['python']}; {meta['command']}"
    report.write_chart(os.path.join(folder, "ratios.png"), results, subtitle)
    print(f"\nwrote results.json, results.md and ratios.png to {folder}")
