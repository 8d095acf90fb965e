"""The enumerator against its previous version, side by side in one run (issue 21).

Run:  python bench/bench_speed.py --baseline /path/to/checkout-of-56ffc99 [--repeat 3] [--parts ABCD]
Results: bench/bench_speed.md (written by hand from this script's output).

Every measurement is a fresh subprocess (`--one SPEC` runs one count and prints one JSON
line), so the baseline (the package imported from the ``--baseline`` checkout through
PYTHONPATH) and the new code (this checkout) never share a process; runs of the two
alternate, and the medians of ``--repeat`` runs are compared. CPU seconds are the
subprocess's and its workers' (``RUSAGE_SELF + RUSAGE_CHILDREN``); the machine is shared, so
the CPU ratio is the fairer one, and the load average is printed with each part.

A. baseline vs new, ``count_regions(net)`` (enumerate, certified, 2 processes and 1 process)
   on the 8-input (8, 8) random net of bench/milp_count.py, a digits (8, 14) net and a
   digits (11, 11) net (regionmath/experiments/weights/serra2018);
B. SCIP's counting mode (``method="milp"``, counts only) against the new enumerator (counts
   only, 1 process) on the 8-input (8, 8) net;
C. 1 vs 2 processes (new code, counts only);
D. Dask LocalCluster (2 workers, 1 thread each) against the local pool (2 processes);
M. 784 inputs (round 5): baseline vs new on ``init784-8x8`` (certified, 1 and 2 processes)
   and ``regionmath count FILE --jobs 1`` (the CLI, a fresh process each) on the MNIST net
   ``serra2018_mnist/n1_05_seed0.npz`` (784-5-17, trained on the 5,000-image subset);
(Part E, each pool worker in its own session, is gone: the library's workers call
``os.setsid`` themselves since round 4, so part C measures it.)
"""

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
DIGITS = os.path.join(ROOT, "regionmath", "experiments", "weights", "serra2018")
NETS = {
    "random8-8x8": ("random", 8, (8, 8)),
    "digits-8x14-seed2": ("file", os.path.join(DIGITS, "n1_08_seed2.npz")),
    "digits-11x11-seed2": ("file", os.path.join(DIGITS, "n1_11_seed2.npz")),
    # a wide first layer and a narrow last one: the search enters layer 2 at every first-layer region
    "digits-16x6-seed4": ("file", os.path.join(DIGITS, "n1_16_seed4.npz")),
    "digits-20x2-seed2": ("file", os.path.join(DIGITS, "n1_20_seed2.npz")),
    "mnist-5x17-seed0": ("file", os.path.join(DIGITS + "_mnist", "n1_05_seed0.npz")),
    # 784 inputs in [0, 1]^784, PyTorch's default initialisation (uniform +-1/sqrt(fan_in)), seed 0
    "init784-8x8": ("init784", (8, 8)),
}


def _net(name):
    spec = NETS[name]
    from regionmath.network import Network
    if spec[0] == "random":
        sys.path.insert(0, HERE)
        from milp_count import random_net
        return random_net(spec[1], spec[2])
    if spec[0] == "init784":
        import numpy as np
        rng, Ws, bs, fan_in = np.random.default_rng(0), [], [], 784
        for w in spec[1]:
            bound = 1 / np.sqrt(fan_in)
            Ws.append(rng.uniform(-bound, bound, (w, fan_in)))
            bs.append(rng.uniform(-bound, bound, w))
            fan_in = w
        return Network(Ws, bs, box=(np.zeros(784), np.ones(784)))
    return Network.load(spec[1])


def one(spec):
    """Run one count in this process; print one JSON line."""
    from regionmath.counting import count_regions
    net = _net(spec["net"])
    opts = dict(spec.get("options", {}))
    client = cluster = None
    if opts.pop("dask", False):
        from distributed import Client, LocalCluster
        cluster = LocalCluster(n_workers=opts.pop("workers", 2), threads_per_worker=1, processes=True,
                               dashboard_address=None)
        client = Client(cluster)
        opts["client"] = client
    t0 = time.perf_counter()
    r = count_regions(net, method=spec.get("method", "enumerate"), certify=spec.get("certify", True), **opts)
    wall = time.perf_counter() - t0
    if client is not None:
        client.close()
        cluster.close()
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime
    print(json.dumps({"count": r.count, "complete": r.complete, "certified": r.certified, "wall": wall,
                      "cpu": cpu, "lps": r.info.get("lps"), "patterns_hash": hash(frozenset(
                          map(tuple, r.regions.patterns.tolist()))) if len(r.regions) else 0}))


def run(spec, baseline=None):
    env = dict(os.environ)
    if baseline:
        env["PYTHONPATH"] = baseline
    if spec.get("cli"):    # `regionmath count FILE --json --quiet ...` as a user runs it
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        t0 = time.perf_counter()
        out = subprocess.run([sys.executable, "-m", "regionmath", "count", NETS[spec["net"]][1], "--json", "--quiet",
                              *spec["cli"]], env=env, capture_output=True, text=True, check=True,
                             cwd=baseline or ROOT)   # `-m` puts the working directory first on sys.path
        wall = time.perf_counter() - t0
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        doc = json.loads(out.stdout)
        return {"count": int(doc["count"]), "complete": doc.get("complete"), "certified": doc.get("certified"),
                "wall": wall, "cpu": after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime,
                "lps": doc.get("lps"), "patterns_hash": 0}
    out = subprocess.run([sys.executable, os.path.abspath(__file__), "--one", json.dumps(spec)], env=env,
                         capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def compare(label, spec_a, spec_b, repeat, base_a=None, base_b=None, names=("baseline", "new")):
    """Alternate A and B ``repeat`` times; print the medians and the ratio A / B."""
    res = {names[0]: [], names[1]: []}
    for _ in range(repeat):
        res[names[0]].append(run(spec_a, base_a))
        res[names[1]].append(run(spec_b, base_b))
    med = {k: {f: statistics.median(r[f] for r in v) for f in ("wall", "cpu")} for k, v in res.items()}
    a, b = res[names[0]][0], res[names[1]][0]
    same = all((r["count"], r["patterns_hash"]) == (a["count"], a["patterns_hash"]) for v in res.values() for r in v
               if r["patterns_hash"] and a["patterns_hash"]) and all(r["count"] == a["count"] for v in res.values() for r in v)
    print(f"  {label}: {a['count']:,} regions (same count every run: {same}; "
          f"certified {[r['certified'] for r in res[names[1]]]})")
    for k in names:
        m = med[k]
        print(f"    {k:<10} wall {m['wall']:8.2f} s  cpu {m['cpu']:8.2f} s  "
              f"{a['count'] / m['wall']:9,.0f} regions/s wall  {a['count'] / m['cpu']:9,.0f} regions/cpu-s  "
              f"lps {res[k][0]['lps']}  (walls {[round(r['wall'], 2) for r in res[k]]})")
    print(f"    ratio {names[0]}/{names[1]}: wall {med[names[0]]['wall'] / med[names[1]]['wall']:.2f}x, "
          f"cpu {med[names[0]]['cpu'] / med[names[1]]['cpu']:.2f}x", flush=True)
    return res


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--one")
    ap.add_argument("--baseline", help="a checkout of the previous version (e.g. git worktree add DIR 56ffc99)")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--parts", default="ABCD")
    ap.add_argument("--nets", default=",".join(NETS))
    ap.add_argument("--jobs", default="2,1", help="process counts for part A")
    args = ap.parse_args()
    if args.one:
        return one(json.loads(args.one))
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} cores, load average {os.getloadavg()}", flush=True)
    nets = args.nets.split(",")
    # compile (or load) the numba kernels once, so that no measured run pays for it
    run({"net": "random8-8x8", "certify": False, "options": {"jobs": 1}})
    if "A" in args.parts:
        for jobs in (int(j) for j in args.jobs.split(",")):
            print(f"A. baseline vs new, count_regions (certified), jobs={jobs}, load {os.getloadavg()}")
            for name in nets:
                spec = {"net": name, "options": {"jobs": jobs}}
                compare(name, spec, spec, args.repeat, base_a=args.baseline)
    if "M" in args.parts and "init784-8x8" in nets:
        for jobs in (int(j) for j in args.jobs.split(",")):
            print(f"M. baseline vs new at 784 inputs, count_regions (certified), jobs={jobs}, load {os.getloadavg()}")
            spec = {"net": "init784-8x8", "options": {"jobs": jobs}}
            compare("init784-8x8", spec, spec, args.repeat, base_a=args.baseline)
    if "M" in args.parts and "mnist-5x17-seed0" in nets:
        print(f"M. baseline vs new, regionmath count FILE --jobs 1 (CLI), load {os.getloadavg()}", flush=True)
        spec = {"net": "mnist-5x17-seed0", "cli": ["--jobs", "1"]}
        compare("mnist-5x17-seed0", spec, spec, args.repeat, base_a=args.baseline)
    if "B" in args.parts:
        print(f"B. SCIP counting mode vs the new enumerator (counts only, 1 process), load {os.getloadavg()}")
        compare("random8-8x8", {"net": "random8-8x8", "method": "milp", "certify": False},
                {"net": "random8-8x8", "certify": False, "options": {"jobs": 1}}, args.repeat,
                names=("scip", "enumerate"))
    if "C" in args.parts:
        print(f"C. 1 vs 2 processes (new code, counts only), load {os.getloadavg()}")
        for name in nets:
            compare(name, {"net": name, "certify": False, "options": {"jobs": 1}},
                    {"net": name, "certify": False, "options": {"jobs": 2}}, args.repeat, names=("1 process", "2 procs"))
    if "D" in args.parts:
        print(f"D. Dask LocalCluster (2 workers) vs the local pool (2 processes), counts only, load {os.getloadavg()}")
        for name in nets:
            compare(name, {"net": name, "certify": False, "options": {"dask": True, "workers": 2}},
                    {"net": name, "certify": False, "options": {"jobs": 2}}, args.repeat, names=("dask", "pool"))
    print(f"load average at the end {os.getloadavg()}")


if __name__ == "__main__":
    main()
