"""Timing: every case of a workload runs once per round, the rounds interleave
the stacks (in a shuffled order each round), and each case keeps all its times.
A first, untimed round checks every case's answer and warms caches."""

import gc
import random
import sys
import time
from typing import TextIO

from .workload import Case


class Progress:
    """A one-line progress bar on a terminal; a line per workload otherwise."""

    def __init__(self, stream: TextIO = sys.stderr) -> None:
        self.stream = stream
        self.live = stream.isatty()

    def start(self, title: str, total: int) -> None:
        self.title, self.total, self.done = title, total, 0
        if not self.live:
            print(f"... {title}: {total} runs", file=self.stream, flush=True)

    def step(self, label: str) -> None:
        self.done += 1
        if self.live:
            filled = 30 * self.done // self.total
            bar = "#" * filled + "." * (30 - filled)
            line = f"\r[{bar}] {self.done}/{self.total} {self.title}: {label}"
            self.stream.write(line[:120].ljust(120))
            self.stream.flush()

    def finish(self) -> None:
        if self.live:
            self.stream.write("\r" + " " * 120 + "\r")
            self.stream.flush()


def run_once(case: Case) -> float:
    """Seconds for one run; raises when the case's answer is wrong."""
    if case.prepare is not None:
        case.prepare()
    gc.collect()
    started = time.perf_counter()
    answer = case.run()
    elapsed = time.perf_counter() - started
    if case.count is not None:
        answer = case.count()
    if answer != case.expected:
        raise RuntimeError(f"{case.stack} · {case.level} returned {answer!r}, expected {case.expected!r}")
    return elapsed


def measure(cases: list[Case], repeat: int, progress: Progress, title: str) -> dict[tuple, list[float]]:
    samples: dict[tuple, list[float]] = {case.key: [] for case in cases}
    order = list(cases)
    shuffle = random.Random(0).shuffle
    progress.start(title, len(cases) * (repeat + 1))
    try:
        for case in cases:
            run_once(case)
            progress.step(f"checking {case.stack} · {case.level}")
        for _ in range(repeat):
            shuffle(order)
            for case in order:
                samples[case.key].append(run_once(case))
                progress.step(f"{case.stack} · {case.level}")
    finally:
        progress.finish()
    return samples
