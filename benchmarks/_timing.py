"""Timing shared by the benchmarks: the fastest of several runs (the least disturbed by a shared machine)."""

import time


def best_of(function, repeats: int = 3) -> float:
    """Fastest wall time, in seconds, of ``repeats`` calls of ``function()``."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return min(times)
