"""Benchmark for regionmath.search: the cost of one search evaluation on R^1, the line
counter against the enumerator (ratios, measured side by side in one run), and how often a
short unseeded search reaches the known 1-D maximum prod(n_l + 1).

    python bench/bench_search.py      (results: bench/bench_search.md)
"""

import math
import time

import numpy as np

from regionmath import Architecture
from regionmath.search import _count_line_relu, _make_network, _random_params, count_in_rn0, search_max_regions


def per_call(fn, reps):
    t = time.perf_counter()
    for _ in range(reps):
        fn()
    return (time.perf_counter() - t) / reps


def main():
    rng = np.random.default_rng(0)
    print("| architecture | regions | enumerator (ms) | line counter (ms) | ratio |")
    print("|---|---|---|---|---|")
    for widths in [(3, 3), (4, 4), (6, 6, 6)]:
        arch = Architecture(1, widths)
        params = _random_params(arch, rng, rng.normal(size=(64, 1)))
        net = _make_network(arch, params)
        enum = per_call(lambda: count_in_rn0(net, certify=False), 20)
        line = per_call(lambda: _count_line_relu(params), 200)
        print(f"| {arch} | {_count_line_relu(params)[0]} | {enum * 1e3:.2f} | {line * 1e3:.3f} | {enum / line:.0f}x |")
    print()
    print("| architecture | maximum | seeds reaching it (budget 3000 evaluations) | median evaluations |")
    print("|---|---|---|---|")
    for widths in [(3, 3), (3, 4), (4, 4)]:
        arch = Architecture(1, widths)
        target = math.prod(w + 1 for w in widths)
        evals = []
        for seed in range(8):
            r = search_max_regions(arch, time_limit=120, max_evals=3000, seed=seed, use_constructions=False)
            if r.count == target:
                evals.append(r.evaluations)
        med = sorted(evals)[len(evals) // 2] if evals else "-"
        print(f"| {arch} | {target} | {len(evals)}/8 | {med} |")


if __name__ == "__main__":
    main()
