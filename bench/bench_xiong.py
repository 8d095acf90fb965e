"""Benchmark: evaluating Xiong et al.'s one-layer formula.

Run ``python bench/bench_xiong.py`` (about two minutes); results are recorded in
``bench/bench_xiong.md``. Side by side in one run, on the same layers: the registry's
evaluation (``xiong2020_one_layer``: arrays t enumerated with one augmenting path per added
unit, Hall's condition as a matching) against the literal reading of the definition (every
array checked against the inequality of every set J of output positions, ``2^P - 1`` of
them), the method the toolkit used before. Both give the same value (asserted).
"""

import sys
import time
from itertools import combinations
from math import comb, prod

from regionmath.bounds.conv import xiong2020_one_layer
from regionmath.convolution import ConvLayer, receptive_fields


def literal(layer):
    """Depth-first over t_p, each prefix checked against every set J ending at its last position."""
    fields = [frozenset(f) for f in receptive_fields(layer)]
    P, d = len(fields), layer.filters
    by_last = [[] for _ in range(P)]
    for size in range(1, P + 1):
        for J in combinations(range(P), size):
            by_last[J[-1]].append((J, len(frozenset().union(*(fields[p] for p in J)))))
    row = [comb(d, x) for x in range(d + 1)]

    def rest(p, t):
        if p == P:
            return prod(row[x] for x in t)
        total = 0
        for x in range(min(d, len(fields[p])) + 1):
            t.append(x)
            if all(sum(t[q] for q in J) <= cap for J, cap in by_last[p]):
                total += rest(p + 1, t)
            t.pop()
        return total

    return rest(0, [])


def timed(fn):
    t0 = time.perf_counter()
    out = fn()
    return out, time.perf_counter() - t0


LAYERS = [ConvLayer(1, 3, 3, 2, 2), ConvLayer(1, 3, 4, 3, 2), ConvLayer(1, 4, 4, 2, 2), ConvLayer(1, 4, 4, 3, 2)]


def main():
    print("| layer | value | matching (s) | literal (s) | literal / matching |")
    print("|---|---|---|---|---|")
    for layer in LAYERS:
        v1, t1 = timed(lambda: xiong2020_one_layer(layer))
        v2, t2 = timed(lambda: literal(layer))
        assert v1 == v2
        name = f"{'x'.join(map(str, layer.in_shape))} {layer.spec()} ({layer.output_positions} positions)"
        print(f"| {name} | {v1} | {t1:.3f} | {t2:.3f} | {t2 / t1:.0f} |")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
