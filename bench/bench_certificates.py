"""What the completeness certificates cost: the enumerator with every pruned branch proved
empty, against the same enumerator trusting its float LPs, on the digits nets of the Serra 2018
experiment (regionmath/experiments/weights/serra2018, 64 inputs, box [0, 1]^64).

Run:  python bench/bench_certificates.py [--nets n1_04_seed0,...] [--rounds 2]
Results: bench/bench_certificates.md (written by hand from this script's output).

"Trusting" replaces :meth:`Enumerator._drop` (the proof of a pruned branch) and
:meth:`Enumerator._dual_ray` (asking HiGHS for the Farkas ray) with nothing, which
is what the enumerator did before the certificates: same LPs, same search. Both run in this one
process, alternately (trust, proved, trust, proved, ...), one subtree at a time (``jobs=1``), so
the ratio of CPU seconds is the cost of the proofs. The proofs' tally says how each pruned
branch was proved: the float filter (a rigorous error bound on the ray's certificate), the
exact check of the ray, or the exact fallback (exact simplex; regions found there).
"""

import argparse
import resource
import time

from regionmath.counting import count_regions
from regionmath.counting.enumerate import Enumerator
from regionmath.experiments import WEIGHTS
from regionmath.network import Network

NETS = ["n1_04_seed0", "n1_05_seed1", "n1_06_seed1", "n1_07_seed2", "n1_08_seed2", "n1_09_seed0"]


def cpu():
    me = resource.getrusage(resource.RUSAGE_SELF)
    return me.ru_utime + me.ru_stime


def run(net, prove):
    saved = Enumerator._drop, Enumerator._dual_ray
    if not prove:   # no ray asked for, no proof made: the enumerator as it was
        Enumerator._drop = lambda self, *a, **k: None
        Enumerator._dual_ray = lambda self: None
    try:
        c, w = cpu(), time.perf_counter()
        r = count_regions(net, method="enumerate", jobs=1, certify=False)
        return r, cpu() - c, time.perf_counter() - w
    finally:
        Enumerator._drop, Enumerator._dual_ray = saved


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--nets", default=",".join(NETS))
    ap.add_argument("--rounds", type=int, default=2)
    args = ap.parse_args()
    tot = {True: 0.0, False: 0.0}
    print("| net | regions | LPs | trusting CPU s | proved CPU s | ratio | pruned | filter | exact ray | exact fallback | regions found exactly |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for name in args.nets.split(","):
        net = Network.load(WEIGHTS / "serra2018" / f"{name}.npz")
        times = {True: [], False: []}
        for _ in range(args.rounds):
            for prove in (False, True):
                r, c, _w = run(net, prove)
                times[prove].append(c)
                if prove:
                    proved = r
                else:
                    trusted = r
        assert proved.complete and trusted.complete
        t0, t1 = min(times[False]), min(times[True])
        tot[False] += t0
        tot[True] += t1
        p = proved.info["proofs"]
        print(f"| {name} | {proved.count:,} | {proved.info['lps']:,} | {t0:.2f} | {t1:.2f} | {t1 / t0:.3f} | "
              f"{p['pruned']:,} | {p['filter']:,} | {p['exact_farkas']:,} | {p['exact_lp']:,} | {p['exact_regions']} |"
              + ("" if proved.count == trusted.count else f" (trusting counted {trusted.count:,})"))
    print(f"\nall nets: trusting {tot[False]:.2f} CPU s, proved {tot[True]:.2f} CPU s, ratio {tot[True] / tot[False]:.3f}")


if __name__ == "__main__":
    main()
