"""SCIP's counting mode (method="milp") on random ReLU nets, against brute force.

Run: python bench/milp_count.py [widths ...]   (default: 8 inputs, hidden widths (8, 8))
Records the count, SCIP's search time, the LP confirmations and the exact certification;
the brute-force count (every pattern by LP, prefix by prefix) runs in the same process, so
the ratio of the two is meaningful on a noisy machine.
"""

import resource
import sys
import time

import numpy as np

from regionmath.counting import count_regions
from regionmath.network import Network


def random_net(n0, widths, seed=0, bias_scale=0.35):
    """Standard normal weights, normal biases of standard deviation ``bias_scale`` (0.35 gives
    11,567 regions for 8 inputs and widths (8, 8); bench/bench_enumerate.py uses the same)."""
    rng = np.random.default_rng(seed)
    Ws, bs, prev = [], [], n0
    for w in widths:
        Ws.append(rng.normal(size=(w, prev)))
        bs.append(bias_scale * rng.normal(size=w))
        prev = w
    return Network(Ws, bs, box=(-np.ones(n0), np.ones(n0)))


def cpu():
    """CPU seconds of this process (fairer than wall time when the machine is shared)."""
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def main():
    widths = tuple(int(v) for v in sys.argv[1:]) or (8, 8)
    net = random_net(8, widths)
    t, c = time.perf_counter(), cpu()
    milp = count_regions(net, method="milp", certify=False)
    t_milp, c_milp = time.perf_counter() - t, cpu() - c
    t = time.perf_counter()
    from regionmath.counting.certify import certify_regions
    ok = certify_regions(net, milp.regions)
    t_cert = time.perf_counter() - t
    t, c = time.perf_counter(), cpu()
    brute = count_regions(net, method="brute", certify=False)
    t_brute, c_brute = time.perf_counter() - t, cpu() - c
    same = {r.pattern for r in milp.regions} == {r.pattern for r in brute.regions}
    print(f"net: 8 inputs, widths {widths}, N(0,1) weights, N(0,0.35^2) biases, seed 0, box [-1,1]^8")
    print(f"milp:  {milp.count} regions, complete={milp.complete}, {t_milp:.1f} s wall, {c_milp:.1f} s CPU "
          f"({milp.count / c_milp:.0f} regions per CPU second); info {milp.info}")
    print(f"certification (exact, gmpy2): {t_cert:.1f} s, all passed: {ok}")
    print(f"brute: {brute.count} regions, {t_brute:.1f} s wall, {c_brute:.1f} s CPU; same pattern set: {same}")
    print(f"ratio milp / brute: wall {t_milp / t_brute:.2f}, CPU {c_milp / c_brute:.2f}")


if __name__ == "__main__":
    main()
