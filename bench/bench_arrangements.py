"""Benchmark: the characteristic polynomial of explicit arrangements.

Run ``python bench/bench_arrangements.py`` (about two minutes); results are recorded in
``bench/bench_arrangements.md``. Speed is reported as ratios measured side by side in one run
(the machine is shared and noisy): regionmath's flat enumeration (``Arrangement.lattice``)
against the textbook deletion-restriction recursion (``deletion_restriction``, memoised, the
method SageMath uses), on the same arrangements. SageMath's own figures (TOOLING.md, same
machine kind) are quoted for reference; passagemath is not installed here.
"""

import sys
import time

import numpy as np

from regionmath.arrangements import Arrangement, catalan, deletion_restriction, shi
from regionmath.combinatorics import phi


def random_arrangement(m, d, seed, lo=-50, hi=50):
    rng = np.random.default_rng(seed)
    return Arrangement(rng.integers(lo, hi + 1, size=(m, d + 1)).tolist())


def timed(fn, repeat=1):
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t0)
    return best, out


def lattice_time(A, repeat=3):
    def run():
        A._lattice = None
        return A.lattice()
    return timed(run, repeat)


def main():
    print("## 40 hyperplanes in R^4, integer coefficients in [-50, 50] (5 seeds)\n")
    print("| seed | regions | Phi(40,4) | flats | lattice s | deletion-restriction s | ratio |")
    print("|---|---|---|---|---|---|---|")
    for seed in range(5):
        A = random_arrangement(40, 4, seed)
        tl, res = lattice_time(A)
        td, chi = timed(lambda: deletion_restriction(A))
        assert chi == A.characteristic_polynomial()
        print(f"| {seed} | {A.regions()} | {phi(40, 4)} | {sum(res.flats)} | {tl:.2f} | {td:.2f} | {td / tl:.1f} |")
    sys.stdout.flush()

    print("\n## Scaling in m (d = 4, coefficients in [-50, 50], seed 0)\n")
    print("| m | regions | flats | lattice s | deletion-restriction s | ratio |")
    print("|---|---|---|---|---|---|")
    for m in (10, 20, 40, 60, 80):
        A = random_arrangement(m, 4, 0)
        tl, res = lattice_time(A, 1 if m > 40 else 3)
        if m <= 40:
            td, _ = timed(lambda: deletion_restriction(A))
            dr = f"{td:.2f} | {td / tl:.1f}"
        else:
            dr = "- | -"
        print(f"| {m} | {A.regions()} | {sum(res.flats)} | {tl:.2f} | {dr} |")
        sys.stdout.flush()

    print("\n## Scaling in d (m = 16 and 20, coefficients in [-50, 50], seed 0)\n")
    print("| m | d | regions | flats | lattice s |")
    print("|---|---|---|---|---|")
    for m, d in [(16, 2), (16, 4), (16, 6), (16, 8), (20, 4), (20, 6), (20, 8)]:
        A = random_arrangement(m, d, 0)
        tl, res = lattice_time(A, 1)
        print(f"| {m} | {d} | {A.regions()} | {sum(res.flats)} | {tl:.2f} |")
        sys.stdout.flush()

    print("\n## Degenerate arrangements (many coincidences)\n")
    print("| arrangement | hyperplanes | regions | flats | non-Boolean flats | lattice s | deletion-restriction s | ratio |")
    print("|---|---|---|---|---|---|---|---|")
    cases = [("shi(6)", shi(6)), ("catalan(5)", catalan(5)), ("catalan(6)", catalan(6)),
             ("40 in R^4, coeffs in [-3, 3]", random_arrangement(40, 4, 1, -3, 3)),
             ("60 in R^4, coeffs in [-2, 2]", random_arrangement(60, 4, 2, -2, 2))]
    for name, A in cases:
        tl, res = lattice_time(A, 1)
        if A.n <= 30 or "catalan(5)" in name:
            td, chi = timed(lambda: deletion_restriction(A))
            assert chi == A.characteristic_polynomial()
            dr = f"{td:.2f} | {td / tl:.1f}"
        else:
            dr = "- | -"
        print(f"| {name} | {A.n} | {A.regions()} | {sum(res.flats)} | {res.info['nonboolean_flats']} | {tl:.2f} | {dr} |")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
