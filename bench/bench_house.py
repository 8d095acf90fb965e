"""Issue 15 ("one house for counting"): the counting paths it moved, before and after, side by side.

Usage: ``python bench/bench_house.py OLD_TREE NEW_TREE [ROUNDS]`` -- each tree is a checkout of
regionmath (e.g. ``git archive <commit> | tar -x -C /tmp/old``). Every case runs in a fresh
process with that tree first on ``sys.path``, the trees alternating round by round, so both see
the same machine load; the table reports medians and the ratio new/old (below 1: faster).
"""

import json
import os
import statistics
import subprocess
import sys

CASES = {
    "verify line 1->3-4-3 (80 regions)":
        "from regionmath.verify import count\nfrom regionmath.constructions import build\n"
        "from regionmath import Architecture\nnet = build('serra2018-exact-1d', Architecture(1, (3, 4, 3))).network\n"
        "run = lambda: count(net, method='line')",
    "verify line 1->4-4-4-3 (256 regions)":
        "from regionmath.verify import count\nfrom regionmath.constructions import build\n"
        "from regionmath import Architecture\nnet = build('montufar2014-thm4', Architecture(1, (4, 4, 4, 3))).network\n"
        "run = lambda: count(net, method='line')",
    "R^1 line count + certify, record 1->6-6-6":
        "from regionmath.search import count_in_rn0\nfrom regionmath.network import Network\n"
        "net = Network.load('records/relu_n0-1_6-6-6.npz')\nrun = lambda: count_in_rn0(net, method='line')",
    "R^n0 enumerate + certify, record 2->5-5":
        "from regionmath.search import count_in_rn0\nfrom regionmath.network import Network\n"
        "net = Network.load('records/relu_n0-2_5-5.npz')\nrun = lambda: count_in_rn0(net)",
    "box enumerate + certify, 2->5-2-3 construction":
        "from regionmath.counting import count_regions\nfrom regionmath.constructions import build\n"
        "from regionmath import Architecture\nnet = build('montufar2014-thm4', Architecture(2, (5, 2, 3))).network\n"
        "run = lambda: count_regions(net, method='enumerate', jobs=1)",
    "box milp + certify, 2->5-4 construction":
        "from regionmath.counting import count_regions\nfrom regionmath.constructions import build\n"
        "from regionmath import Architecture\nnet = build('pascanu2013', Architecture(2, (5, 4))).network\n"
        "run = lambda: count_regions(net, method='milp')",
    "box brute + certify, 2->5-4 construction":
        "from regionmath.counting import count_regions\nfrom regionmath.constructions import build\n"
        "from regionmath import Architecture\nnet = build('pascanu2013', Architecture(2, (5, 4))).network\n"
        "run = lambda: count_regions(net, method='brute')",
    "search objective: float line count 1->6-6-6":
        "import numpy as np\nfrom regionmath.search import _count_line_relu\nfrom regionmath.network import Network\n"
        "net = Network.load('records/relu_n0-1_6-6-6.npz')\nparams = list(zip(net.weights, net.biases))\n"
        "run = lambda: [_count_line_relu(params) for _ in range(100)]",
    "exact polygons 2->6-6 record (pictures)":
        "from regionmath.pictures import region_polygons\nfrom regionmath.network import Network\n"
        "net = Network.load('records/relu_n0-2_5-5.npz')\nrun = lambda: region_polygons(net)",
}

TIMER = """
import sys, time, json
sys.path.insert(0, {tree!r})
{setup}
run()                                   # warm: imports, caches
best = []
for _ in range(3):
    t = time.perf_counter(); run(); best.append(time.perf_counter() - t)
print(json.dumps(min(best)))
"""


def time_case(tree, setup):
    out = subprocess.run([sys.executable, "-c", TIMER.format(tree=os.path.abspath(tree), setup=setup)],
                         cwd=tree, capture_output=True, text=True, env={**os.environ, "PYTHONPATH": tree})
    if out.returncode:
        raise RuntimeError(out.stderr[-2000:])
    return json.loads(out.stdout.strip().splitlines()[-1])


def main():
    old, new = sys.argv[1], sys.argv[2]
    rounds = int(sys.argv[3]) if len(sys.argv) > 3 else 3
    times = {c: {"old": [], "new": []} for c in CASES}
    for r in range(rounds):
        for case, setup in CASES.items():
            for label, tree in (("old", old), ("new", new)) if r % 2 == 0 else (("new", new), ("old", old)):
                times[case][label].append(time_case(tree, setup))
        print(f"round {r + 1}/{rounds} done", file=sys.stderr, flush=True)
    print("| case | before (s) | after (s) | after / before |")
    print("|---|---|---|---|")
    for case in CASES:
        a, b = statistics.median(times[case]["old"]), statistics.median(times[case]["new"])
        print(f"| {case} | {a:.4f} | {b:.4f} | {b / a:.2f} |")


if __name__ == "__main__":
    main()
