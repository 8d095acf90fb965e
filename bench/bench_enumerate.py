"""The depth-first enumerator against SCIP's counting mode, its throughput, its scaling with
processes, a large count stopped half-way and resumed, and the cost of exact certification.

Run:  python bench/bench_enumerate.py [--big N0 W1 W2] [--parts ABC]
Results: bench/bench_enumerate.md (written by hand from this script's output).

Every comparison runs in this one process, on the same networks, one after the other: the
machine is shared and noisy, so the ratios mean more than the seconds. CPU seconds (this
process plus its worker processes) are printed beside wall seconds; with other jobs on the
machine the CPU ratio is the fairer one.
"""

import argparse
import os
import resource
import sys
import tempfile
import time

import numpy as np

from regionmath.counting import count_regions
from regionmath.counting.certify import certify_arrays, certify_witness
from milp_count import random_net  # the generator of bench/milp_count.py, shared (bench/ is on sys.path)


def cpu():
    me = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def timed(fn, *args, **kwargs):
    w, c = time.perf_counter(), cpu()
    out = fn(*args, **kwargs)
    return out, time.perf_counter() - w, cpu() - c


def line(name, result, wall, cpu_s):
    rate = result.count / wall if wall else 0
    print(f"  {name:<28} {result.count:>9,} regions  complete={result.complete}  wall {wall:8.2f} s  "
          f"cpu {cpu_s:8.2f} s  {rate:9,.0f} regions/s (wall)  lps={result.info.get('lps', '-')}", flush=True)


def scip_vs_enumerate():
    net = random_net(8, (8, 8))
    print("A. 8 inputs, widths (8, 8), box [-1,1]^8, seed 0 (counts only; certification timed in D)")
    milp, w_m, c_m = timed(count_regions, net, method="milp", certify=False)
    line("milp (SCIP counting mode)", milp, w_m, c_m)
    e1, w1, c1 = timed(count_regions, net, method="enumerate", certify=False, jobs=1)
    line("enumerate, 1 process", e1, w1, c1)
    e2, w2, c2 = timed(count_regions, net, method="enumerate", certify=False, jobs=2)
    line("enumerate, 2 processes", e2, w2, c2)
    pm, pe = {r.pattern for r in milp.regions}, {r.pattern for r in e1.regions}
    print(f"  patterns: milp ⊆ enumerate {pm <= pe}; enumerate only {len(pe - pm)}; milp only {len(pm - pe)}")
    if pe - pm:
        from regionmath.counting.lp import witness_lp
        margins = sorted(witness_lp(net, p).margin for p in pe - pm)
        print(f"  Chebyshev radii of the regions only the enumerator found: {margins[0]:.2e} .. {margins[-1]:.2e}")
    print(f"  ratio milp / enumerate: 1 process wall {w_m / w1:.1f}x cpu {c_m / c1:.1f}x; "
          f"2 processes wall {w_m / w2:.1f}x cpu {c_m / c2:.1f}x", flush=True)
    return net, e1


def scaling(n0=8, widths=(10, 10)):
    net = random_net(n0, widths)
    print(f"B. throughput and scaling: {n0} inputs, widths {widths}")
    e1, w1, c1 = timed(count_regions, net, method="enumerate", certify=False, jobs=1)
    line("enumerate, 1 process", e1, w1, c1)
    e2, w2, c2 = timed(count_regions, net, method="enumerate", certify=False, jobs=2)
    line("enumerate, 2 processes", e2, w2, c2)
    print(f"  same count {e1.count == e2.count}; speed-up 2 vs 1 process (wall) {w1 / w2:.2f}x; "
          f"regions per cpu-second: 1 process {e1.count / c1:,.0f}, 2 processes {e2.count / c2:,.0f}", flush=True)


def certification(net, result, sample=3000):
    print(f"D. exact certification of {result.count:,} witnesses")
    P, X = result.regions.patterns, result.regions.witnesses
    ok, wb, cb = timed(certify_arrays, net, P, X)
    n = min(sample, len(P))
    idx = np.linspace(0, len(P) - 1, n).astype(int)
    single, ws, cs = timed(lambda: [certify_witness(net, tuple(int(v) for v in P[i]), X[i]) for i in idx])
    per_bulk, per_single = wb / len(P), ws / n
    print(f"  bulk (integer arithmetic): all pass {bool(ok.all())}, {wb:.2f} s wall = {per_bulk * 1e6:.1f} us/region")
    print(f"  one by one (gmpy2 mpq, {n} sampled): all pass {all(single)}, {per_single * 1e6:.1f} us/region; "
          f"bulk is {per_single / per_bulk:.1f}x faster", flush=True)
    return per_bulk


def big(n0, widths, jobs=2):
    net = random_net(n0, widths)
    print(f"C. a large count: {n0} inputs, widths {widths}, {jobs} processes")
    full, wf, cf = timed(count_regions, net, method="enumerate", certify=False, jobs=jobs)
    line("uninterrupted", full, wf, cf)
    _, wc, _ = timed(certification, net, full)
    print(f"  certification / enumeration wall: {wc / wf:.2f}")
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "big.json")
        part, wp, cp = timed(count_regions, net, method="enumerate", certify=False, jobs=jobs,
                             checkpoint=path, time_limit=wf / 2)
        line("stopped at half the time", part, wp, cp)
        rest, wr, cr = timed(count_regions, net, method="enumerate", certify=False, jobs=jobs, checkpoint=path)
        line("resumed", rest, wr, cr)
        print(f"  resumed {rest.info['resumed_subtrees']} of {rest.info['subtrees']} subtrees; "
              f"total equals the uninterrupted count: {rest.count == full.count}; "
              f"distinct patterns {len(np.unique(rest.regions.patterns, axis=0)):,}", flush=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--big", nargs="+", type=int, default=[8, 12, 12])
    ap.add_argument("--parts", default="ABC", help="A: vs SCIP, B: scaling, C: large count (with D)")
    args = ap.parse_args()
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} cores, load average {os.getloadavg()}")
    if "A" in args.parts:
        net, e1 = scip_vs_enumerate()
        if "C" not in args.parts:
            certification(net, e1)
    if "B" in args.parts:
        scaling()
    if "C" in args.parts:
        big(args.big[0], tuple(args.big[1:]))
    print(f"load average at the end {os.getloadavg()}")


if __name__ == "__main__":
    main()
