"""Peak memory of one case, measured in a child process of its own so stacks do
not share an allocator's history: how far the resident set grew during the run
(Linux's high-water mark, reset just before it, minus the RSS at that point).

    python -m benchmarks.memory WORKLOAD BACKEND URL_OR_PATH SIZE STACK LEVEL
prints the number of bytes."""

import gc
import json
import subprocess
import sys

from .stacks import RAW, Database, orm_stacks
from .workload import Context
from .workloads import WORKLOADS


def status_bytes(field: str) -> int:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1]) * 1024
    raise RuntimeError(f"/proc/self/status has no {field}")


def reset_peak() -> None:
    with open("/proc/self/clear_refs", "w") as f:
        f.write("5")


def measure_in_child(workload: str, db: Database, size: int, stack: str, level: str) -> int:
    target = db.path if db.backend == "sqlite" else db.url
    argv = [sys.executable, "-m", "benchmarks.memory", workload, db.backend, target, str(size), stack, level]
    done = subprocess.run(argv, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"memory of {stack} · {level} failed:\n{done.stderr}")
    return json.loads(done.stdout)


def main(argv: list[str]) -> None:
    workload, backend, target, size, stack, level = argv
    db = Database.sqlite(target) if backend == "sqlite" else Database.postgresql(target)
    stacks = [] if stack == RAW else orm_stacks(only=[stack], say=lambda _: None)
    ctx = Context(db, stacks, int(size))
    try:
        (case,) = [c for c in WORKLOADS[workload].cases(ctx) if c.key == (level, stack)]
        gc.collect()
        reset_peak()
        before = status_bytes("VmRSS")
        case.run()
        print(json.dumps(status_bytes("VmHWM") - before))
    finally:
        ctx.close()


if __name__ == "__main__":
    main(sys.argv[1:])
