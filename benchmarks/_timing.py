"""Timing shared by the benchmarks: the fastest of several runs (the least disturbed by a shared machine)."""

import time


def best_of_interleaved(functions, repeats: int = 3) -> list[float]:
    """Fastest wall time, in seconds, of each of ``functions`` over ``repeats`` rounds that call each once in turn.

    Interleaving exposes a floor and the code measured against it to the same moments of a shared machine.
    """
    times = [[] for _ in functions]
    for _ in range(repeats):
        for function, spent in zip(functions, times):
            start = time.perf_counter()
            function()
            spent.append(time.perf_counter() - start)
    return [min(spent) for spent in times]


def best_of(function, repeats: int = 3) -> float:
    """Fastest wall time, in seconds, of ``repeats`` calls of ``function()``."""
    return best_of_interleaved([function], repeats)[0]
