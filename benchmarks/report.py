"""Turning timings into results (ratios to the raw driver, SQLAlchemy ÷ cormorant)
and writing them out: a terminal table, a Markdown table, JSON, and a PNG chart.
The async workload's stacks (cormorant async, SQLAlchemy async) stand in their
library's column there; a table of its own adds cormorant async ÷ SQLAlchemy
async and, on SQLite, cormorant async ÷ cormorant sync."""

import json
import os
import platform
import statistics
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

from .stacks import ASYNC_DRIVERS, CORMORANT_ASYNC, CORMORANT_SYNC, RAW, SQLALCHEMY_ASYNC
from .workload import Case

ORMS = ("cormorant", "SQLAlchemy")
# The stack that fills an ORM's column when its sync stack did not run the level.
ASYNC_STACKS = {"cormorant": CORMORANT_ASYNC, "SQLAlchemy": SQLALCHEMY_ASYNC}
ASYNC_SYNC_GOAL = 1.3  # cormorant async within 1.3× of cormorant sync
# The async workload's own table: every stack against the raw async driver, and
# cormorant async against SQLAlchemy async and against cormorant's sync API.
ASYNC_COLUMNS = (
    "cormorant async × raw",
    "SQLAlchemy async × raw",
    "cormorant sync × raw",
    "cormorant async ÷ SQLAlchemy async",
    f"cormorant async ÷ sync (goal ≤ {ASYNC_SYNC_GOAL})",
)


@dataclass
class Measured:
    """One case's times on one backend, and its ratio to its raw floor."""

    backend: str
    workload: str
    unit: str
    size: int
    level: str
    stack: str
    samples: list[float]
    floor_min: float
    floor_median: float
    peak_bytes: int | None = None

    @property
    def min(self) -> float:
        return min(self.samples)

    @property
    def median(self) -> float:
        return statistics.median(self.samples)

    @property
    def ratio(self) -> float:
        """Minimum time as a multiple of the raw driver's minimum."""
        return self.min / self.floor_min

    @property
    def median_ratio(self) -> float:
        return self.median / self.floor_median


def collect(
    backend: str, workload: Any, size: int, cases: list[Case], samples: dict[tuple, list[float]]
) -> list[Measured]:
    raw = {case.level: samples[case.key] for case in cases if case.is_raw}
    first_raw = next(iter(raw))
    out = []
    for case in cases:
        floor = raw[case.level if case.is_raw else (case.floor or first_raw)]
        out.append(
            Measured(
                backend, workload.NAME, workload.UNIT, size, case.level, case.stack,
                samples[case.key], min(floor), statistics.median(floor),
            )
        )  # fmt: skip
    return out


@dataclass
class Row:
    """A level of a workload: each stack's result at that level."""

    backend: str
    workload: str
    level: str
    by_stack: dict[str, Measured] = field(default_factory=dict)

    def orm(self, name: str) -> Measured | None:
        """The "cormorant" or "SQLAlchemy" column: the sync stack, else the async one."""
        found = self.by_stack.get(name)
        return found if found is not None else self.by_stack.get(ASYNC_STACKS[name])

    def ratio(self, top: str, bottom: str, median: bool = False) -> float | None:
        """Stack `top`'s time ÷ stack `bottom`'s, when both ran this level."""
        a, b = self.by_stack.get(top), self.by_stack.get(bottom)
        if a is None or b is None:
            return None
        return a.median / b.median if median else a.min / b.min

    def speedup(self, median: bool = False) -> float | None:
        """SQLAlchemy's time ÷ cormorant's, when both ran this level."""
        ours, theirs = self.orm("cormorant"), self.orm("SQLAlchemy")
        if ours is None or theirs is None:
            return None
        return theirs.median / ours.median if median else theirs.min / ours.min


def rows(results: list[Measured]) -> list[Row]:
    table: dict[tuple, Row] = {}
    for m in results:
        key = (m.backend, m.workload, m.level)
        table.setdefault(key, Row(*key)).by_stack[m.stack] = m
    return list(table.values())


def _cell(m: Measured | None) -> str:
    return "" if m is None else f"{m.ratio:.2f}× ({m.median_ratio:.2f}×)"


def _speedup(row: Row) -> str:
    best, median = row.speedup(), row.speedup(median=True)
    return "" if best is None else f"{best:.1f}× ({median:.1f}×)"


def _raw_time(row: Row) -> str:
    raw = row.by_stack.get(RAW)
    return "" if raw is None else f"{raw.min * 1e3:,.1f} ms"


def terminal_table(results: list[Measured], repeat: int) -> str:
    lines = [
        f"Minimum of {repeat} interleaved runs (median in brackets). × raw: time ÷ the raw driver's; "
        "SQLAlchemy ÷ cormorant: how many times faster cormorant is."
    ]
    header = f"  {'level':44} {'raw driver':>12} {'cormorant × raw':>18} {'SQLAlchemy × raw':>18} {'SQLAlchemy ÷ cormorant':>23}"
    title = None
    for row in rows(results):
        m = next(iter(row.by_stack.values()))
        if (row.backend, row.workload) != title:
            title = (row.backend, row.workload)
            lines += ["", f"{row.backend} · {row.workload} · {m.size:,} {m.unit}", header]
        lines.append(
            f"  {row.level:44} {_raw_time(row):>12} {_cell(row.orm('cormorant')):>18} "
            f"{_cell(row.orm('SQLAlchemy')):>18} {_speedup(row):>23}"
        )
    memory = [m for m in results if m.peak_bytes is not None]
    if memory:
        lines += ["", "Peak memory (growth of the resident set while loading, MB):"]
        for m in memory:
            lines.append(f"  {m.backend:10} {m.stack:10} · {m.level:40} {m.peak_bytes / 2**20:9.1f}")
    comparisons = async_rows(results)
    if comparisons:
        lines += [
            "",
            "async: each stack × the raw async driver; cormorant async ÷ SQLAlchemy async, "
            f"÷ cormorant sync (goal ≤ {ASYNC_SYNC_GOAL})",
        ]
        short = ("cormorant async", "SQLAlchemy async", "cormorant sync", "÷ SQLAlchemy", "÷ sync")
        lines.append(f"  {'backend':10} {'level':40} {'raw driver':>21}" + "".join(f"{n:>18}" for n in short))
        for backend, level, raw, cells in comparisons:
            lines.append(f"  {backend:10} {level:40} {raw:>21}" + "".join(f"{c:>18}" for c in cells))
    return "\n".join(lines)


def async_rows(results: list[Measured]) -> list[tuple[str, str, str, list[str]]]:
    """The async workload's ORM levels: (backend, level, the raw driver's time,
    a cell per ASYNC_COLUMNS), each figure "min (median)"."""
    out = []
    for row in rows(results):
        if RAW in row.by_stack or not {CORMORANT_ASYNC, SQLALCHEMY_ASYNC} & set(row.by_stack):
            continue
        any_stack = next(iter(row.by_stack.values()))
        raw = f"{ASYNC_DRIVERS[row.backend]} {any_stack.floor_min * 1e3:,.1f} ms"

        def ratio(top: str, bottom: str, row: Row = row) -> str:
            best, median = row.ratio(top, bottom), row.ratio(top, bottom, median=True)
            return "" if best is None else f"{best:.2f} ({median:.2f})"

        cells = [
            _cell(row.by_stack.get(CORMORANT_ASYNC)),
            _cell(row.by_stack.get(SQLALCHEMY_ASYNC)),
            _cell(row.by_stack.get(CORMORANT_SYNC)),
            ratio(CORMORANT_ASYNC, SQLALCHEMY_ASYNC),
            ratio(CORMORANT_ASYNC, CORMORANT_SYNC),
        ]
        out.append((row.backend, row.level, raw, cells))
    return out


def markdown_table(results: list[Measured]) -> str:
    """A row per workload level, a column group per backend: each ORM stack's
    time as a multiple of the raw driver's, and SQLAlchemy ÷ cormorant."""
    backends = list(dict.fromkeys(m.backend for m in results))
    levels: dict[tuple, dict[str, Row]] = {}
    for row in rows(results):
        levels.setdefault((row.workload, row.level), {})[row.backend] = row
    names = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
    head = " | ".join(
        f"{names[b]}: cormorant × raw | SQLAlchemy × raw | SQLAlchemy ÷ cormorant" for b in backends
    )
    lines = [f"| workload | level | {head} |", "|---|---|" + "---:|---:|---:|" * len(backends)]
    for (workload, level), by_backend in levels.items():
        cells = []
        for backend in backends:
            row = by_backend.get(backend)
            raw = row.by_stack.get(RAW) if row else None
            if raw is not None:
                cells += [f"raw = {raw.min * 1e3:,.1f} ms", "", ""]
                continue
            ours = row.orm("cormorant") if row else None
            theirs = row.orm("SQLAlchemy") if row else None
            speedup = row.speedup() if row else None
            cells += [
                "" if ours is None else f"**{ours.ratio:.2f}**",
                "" if theirs is None else f"{theirs.ratio:.2f}",
                "" if speedup is None else f"**{speedup:.1f}×**",
            ]
        lines.append(f"| {workload} | {level} | " + " | ".join(cells) + " |")
    memory = [m for m in results if m.peak_bytes is not None]
    if memory:
        lines += ["", "| backend | stack | level | peak memory |", "|---|---|---|---:|"]
        lines += [f"| {m.backend} | {m.stack} | {m.level} | {m.peak_bytes / 2**20:.1f} MB |" for m in memory]
    comparisons = async_rows(results)
    if comparisons:
        lines += [
            "",
            "async (in the table above its cormorant and SQLAlchemy columns are the async stacks): "
            "minimum of the runs (median in brackets); × raw is time ÷ the raw async driver's.",
            "",
            "| backend | level | raw driver | " + " | ".join(ASYNC_COLUMNS) + " |",
            "|---|---|---:|" + "---:|" * len(ASYNC_COLUMNS),
        ]
        lines += [
            f"| {b} | {level} | {raw} | " + " | ".join(cells) + " |" for b, level, raw, cells in comparisons
        ]
    return "\n".join(lines)


def machine(versions: dict[str, str]) -> dict[str, Any]:
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next(line.split(":", 1)[1].strip() for line in f if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    return {
        "date": date.today().isoformat(),
        "cpu": cpu,
        "cores": os.cpu_count(),
        "system": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        **versions,
    }


def write_json(path: str, results: list[Measured], meta: dict[str, Any]) -> None:
    payload = {
        **meta,
        "results": [
            {**asdict(m), "min": m.min, "median": m.median, "ratio": m.ratio, "median_ratio": m.median_ratio}
            for m in results
        ],
    }
    with open(path, "w") as f:
        json.dump(payload, f, indent=1)


def write_chart(path: str, results: list[Measured], subtitle: str) -> None:
    """A grid of bar charts, a row per backend and a column per workload: each
    level's time as a multiple of the raw driver's (log scale), cormorant beside
    SQLAlchemy."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.ticker import FuncFormatter, NullFormatter

    table = rows(results)
    backends = list(dict.fromkeys(r.backend for r in table))
    workloads = list(dict.fromkeys(r.workload for r in table))
    fig, axes = plt.subplots(
        len(backends), len(workloads), figsize=(3.3 * len(workloads), 4.2 * len(backends)), squeeze=False
    )
    colors = {"cormorant": "#1f6fb4", "SQLAlchemy": "#b0b0b0"}
    for i, backend in enumerate(backends):
        for j, workload in enumerate(workloads):
            ax = axes[i][j]
            levels = [
                r for r in table if r.backend == backend and r.workload == workload and RAW not in r.by_stack
            ]
            for k, stack in enumerate(ORMS):
                xs = [x + (k - 0.5) * 0.4 for x in range(len(levels))]
                found = [r.orm(stack) for r in levels]
                ys = [m.ratio if m is not None else 0 for m in found]
                bars = ax.bar(xs, ys, 0.4, color=colors[stack], label=stack)
                ax.bar_label(bars, [f"{y:.1f}" if y else "" for y in ys], fontsize=7, padding=1)
            ax.axhline(1.0, color="#c03030", linestyle="--", linewidth=1, label="raw driver")
            ax.set_yscale("log")
            lowest = min([m.ratio for r in levels for m in r.by_stack.values()] + [1.0])
            ax.set_ylim(bottom=min(0.5, lowest * 0.8))
            ax.yaxis.set_major_formatter(FuncFormatter(lambda y, _: f"{y:g}"))
            ax.yaxis.set_minor_formatter(NullFormatter())
            ax.set_xticks(range(len(levels)))
            ax.set_xticklabels(
                [r.level.replace("ORM ", "ORM\n") for r in levels], fontsize=7, rotation=30, ha="right"
            )
            ax.set_title(f"{workload}\n{backend}", fontsize=9)
            if j == 0:
                ax.set_ylabel("time ÷ raw driver (log)")
    handles, labels = axes[0][0].get_legend_handles_labels()
    fig.legend(handles, labels, fontsize=8, loc="upper right", ncol=3)
    fig.suptitle(
        f"cormorant and SQLAlchemy 2.0, as multiples of the raw driver's time (lower is better)\n{subtitle}",
        fontsize=10,
    )
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
