"""bench_pieces: counting the function's pieces against counting its activation regions.

For each network, one process, side by side: ``count_regions(net)`` (activation regions,
certified) and ``count_regions(net, definition="pieces")`` (the same count, then the joins, every
join proved exactly). The ratio pieces / regions is the cost of the second definition (target:
at most 3x). Run: ``python bench/bench_pieces.py``; results in bench/bench_pieces.md.
"""

import sys
import time

import numpy as np

sys.path.insert(0, "bench")


def gaussian(n0, widths, activation="relu", rank=1, out=True, seed=0):
    from regionmath.network import Network
    rng = np.random.default_rng(seed)
    Ws, bs, prev = [], [], n0
    for w in widths:
        Ws.append(rng.standard_normal((w * rank, prev)))
        bs.append(0.35 * rng.standard_normal(w * rank))
        prev = w
    output = (rng.standard_normal((1, prev)), rng.standard_normal(1)) if out else None
    return Network(Ws, bs, activation, rank, output=output)


def cases():
    from regionmath import Architecture
    from regionmath.constructions import build
    yield "random relu 4 -> (8, 8), out 1", gaussian(4, (8, 8))
    yield "random relu 6 -> (8, 8), out 1", gaussian(6, (8, 8), seed=1)
    yield "random relu 3 -> (6, 6, 6), no out", gaussian(3, (6, 6, 6), out=False, seed=2)
    yield "random maxout k=3 3 -> (4, 4)", gaussian(3, (4, 4), "maxout", 3, seed=3)
    yield "thm4 construction 2 -> (6, 6, 3)", build("montufar2014-thm4", Architecture(2, (6, 6, 3))).network
    yield "serra2018-lower 2 -> (6, 6, 3)", build("serra2018-lower", Architecture(2, (6, 6, 3))).network
    yield "thm8 construction k=2 2 -> (2, 2, 2, 2)", build("montufar2014-thm8",
                                                             Architecture(2, (2, 2, 2, 2), "maxout", 2)).network


def main():
    from regionmath.counting import count_regions
    print("| network | activation regions | pieces | regions s | pieces s | ratio | joins | certified |")
    print("|---|---:|---:|---:|---:|---:|---:|---|")
    for name, net in cases():
        t = time.perf_counter()
        a = count_regions(net, jobs=1)
        ta = time.perf_counter() - t
        t = time.perf_counter()
        p = count_regions(net, definition="pieces", jobs=1)
        tp = time.perf_counter() - t
        assert a.count == p.info["activation_regions"]
        print(f"| {name} | {a.count:,} | {p.count:,} | {ta:.2f} | {tp:.2f} | {tp / ta:.2f}x | "
              f"{p.info['joins']} | {p.certified} |", flush=True)


if __name__ == "__main__":
    main()
