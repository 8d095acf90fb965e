"""Time the counters on the constructions, side by side in one run (ratios, not seconds).

Run: python bench/bench_verify_constructions.py > bench/bench_verify_constructions.md
Each case is counted by every applicable method in turn, three times; the table gives the
median seconds and each method's time relative to the fastest one on that case.
"""

import statistics
import time

from regionmath import Architecture
from regionmath.constructions import build
from regionmath.verify import verify

CASES = [
    ("serra2018-exact-1d", Architecture(1, (3, 4, 3))),
    ("montufar2014-thm4", Architecture(1, (4, 4, 4, 3))),
    ("montufar2014-thm4", Architecture(2, (4, 4, 3))),
    ("serra2018-lower", Architecture(2, (6, 6, 3))),
    ("arora2018", Architecture(3, (8, 3, 3))),
    ("montufar2014-thm8", Architecture(2, (2, 2, 2), "maxout", 4)),
    ("catalan", Architecture(4, (6,), "maxout", 4)),
]


def main():
    print("| construction | architecture | regions | method | median s | x fastest |")
    print("|---|---|---|---|---|---|")
    for cid, arch in CASES:
        c = build(cid, arch)
        methods = (["line"] if arch.n0 == 1 else []) + ["enumerate", "milp", "brute"]
        times, counts = {}, {}
        for m in methods:
            runs = []
            for _ in range(3):
                t = time.perf_counter()
                r = verify(c, method=m, time_limit=120)
                runs.append(time.perf_counter() - t)
                counts[m] = (r.counted, r.complete, r.certified)
            times[m] = statistics.median(runs)
        best = min(times.values())
        for m in methods:
            n, complete, cert = counts[m]
            flag = "" if complete and cert else " (incomplete or uncertified)"
            print(f"| {cid} | {arch} | {n}{flag} | {m} | {times[m]:.3f} | {times[m] / best:.1f} |", flush=True)


if __name__ == "__main__":
    main()
