"""Calibration and speed of regionmath.estimate on networks whose exact count is known.

Networks: the cached random nets of tests/estimate_nets.py (72, exact counts cached) and the
trained Serra 2018 digits nets with finished counts between 10^2 and 10^6 (cached in
regionmath/experiments/weights/serra2018_counts.json). For each:

- the tree estimate with a fixed number of antithetic pairs: does its 95% interval contain
  the exact count, how wide is it, how long did it take;
- the parity lower bound at confidence 0.5 with one trial per level (so that a wrong bound
  would show up often enough to see: the stated failure probability is 0.5);
- the weight-aware upper bound (serra2020-weights): never below the exact count, and its
  ratio to serra2018-thm1 of the architecture;
- for nets with at most --count-up-to regions, the exact count (certified enumerator, one
  job) timed in the same run, side by side with the estimate.

    python bench/bench_estimate.py [--part random|digits|all] [--pairs 100] [--out FILE]
    python bench/bench_estimate.py --merge part1.json part2.json --out bench/bench_estimate.json
    python bench/bench_estimate.py --summary [--out bench/bench_estimate.json]

Results are written as JSON (one row per network) and summarised in bench/bench_estimate.md.
"""

import argparse
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from estimate_nets import cached_counts, calibration_net  # noqa: E402

from regionmath import bounds  # noqa: E402
from regionmath.bounds.weights import serra2020_weights  # noqa: E402
from regionmath.counting import count_regions  # noqa: E402
from regionmath.estimate import parity_lower_bound, tree_estimate  # noqa: E402
from regionmath.experiments import serra2018  # noqa: E402


def networks(part):
    """The trained digits nets first (new in this run), then the cached random nets."""
    if part in ("digits", "all"):
        cache = json.loads(serra2018.COUNTS_FILE.read_text())
        for key, rec in sorted(cache.items()):
            exact = int(rec["count"])
            if rec["complete"] and 100 <= exact <= 10**6:
                n1, seed = int(key[3:5]), int(key[-1])
                yield f"digits-{key}", "trained", serra2018.network(n1, seed), exact
    if part in ("random", "all"):
        for i, exact in sorted(cached_counts().items()):
            yield f"random-{i}", "random", calibration_net(i), exact


def measure(name, kind, net, exact, pairs, count_up_to, parity_seconds=20.0, old=None, timed=True):
    """One network's row. ``old``: the row of an earlier run with the same pairs and seeds,
    whose estimate and parity bound are taken over (the walks' values depend only on the
    network and the seeds); the estimate is then recomputed only when ``timed`` (to time it
    side by side with the exact count), and must agree with the old one."""
    row = {"name": name, "kind": kind, "exact": exact}
    if old is None or timed:
        t = time.perf_counter()
        est = tree_estimate(net, pairs=pairs, seed=7)
        secs = time.perf_counter() - t
        lo, hi = est["interval"]
        row.update(estimate=est["value"], lo=lo, hi=hi, covered=lo <= exact <= hi, seconds=round(secs, 2),
                   lps=est["lps"], samples=[round(v, 3) for v in est["samples"]])
        if old is not None:
            assert row["samples"] == old["samples"], (name, "the walks differ from the earlier run")
    else:
        row.update({k: old[k] for k in ("estimate", "lo", "hi", "covered", "lps", "samples")}, seconds=None)
    if old is None:
        t = time.perf_counter()
        pb = parity_lower_bound(net, confidence=0.5, trials=1, time_limit=parity_seconds, seed=11)
        row.update(parity=pb["value"], parity_xors=pb["xors"], parity_seconds=round(time.perf_counter() - t, 2),
                   parity_wrong=pb["value"] is not None and pb["value"] > exact)
    else:
        row.update({k: old[k] for k in ("parity", "parity_xors", "parity_seconds", "parity_wrong")},
                   reused_from_earlier_run=True)
    row["weight_aware"] = str(serra2020_weights(net))
    row["thm1"] = str(bounds.get("serra2018-thm1").value(net.architecture))
    row["count_seconds"] = None
    if exact <= count_up_to and row["seconds"] is not None:
        t = time.perf_counter()
        r = count_regions(net, method="enumerate", jobs=1)
        row["count_seconds"] = round(time.perf_counter() - t, 2)
        assert r.complete and r.count == exact, (name, r.count, exact)
    return row


def summary(path):
    """Markdown summary of a results file."""
    import numpy as np
    rows = json.loads(Path(path).read_text())
    out = []

    def line(text):
        out.append("- " + text)

    line(f"networks: {len(rows)} ({sum(r['kind'] == 'random' for r in rows)} random, "
         f"{sum(r['kind'] == 'trained' for r in rows)} trained; exact counts {min(r['exact'] for r in rows):,} "
         f"to {max(r['exact'] for r in rows):,})")
    for label, sel in (("all", rows), ("random", [r for r in rows if r["kind"] == "random"]),
                       ("trained", [r for r in rows if r["kind"] == "trained"]),
                       (">= 10^5 regions", [r for r in rows if r["exact"] >= 10**5])):
        if not sel:
            continue
        cov = sum(r["covered"] for r in sel)
        width = np.array([(r["hi"] - r["lo"]) / r["exact"] for r in sel])
        line(f"95% intervals containing the exact count, {label}: {cov} of {len(sel)} "
             f"({100 * cov / len(sel):.1f}%); interval width / exact count: median {np.median(width):.2f}, "
             f"90th percentile {np.percentile(width, 90):.2f}")
    pairs = [(np.array(r["samples"]), r["exact"]) for r in rows if r.get("samples")]
    bad = [int((0.05 * x > e).sum()) for x, e in pairs]
    worst = max(b / len(x) for b, (x, _) in zip(bad, pairs))
    line(f"Markov interval of a single pair (lower end 0.05 x the pair's mean, stated failure probability "
         f"0.05; what a report with one pair in its time gives): lower end above the exact count for "
         f"{sum(bad)} of {sum(len(x) for x, _ in pairs)} pairs ({100 * sum(bad) / sum(len(x) for x, _ in pairs):.2f}%), "
         f"at most {100 * worst:.0f}% of any one network's pairs")
    wrong = sum(r["parity_wrong"] for r in rows)
    useful = [r["parity"] / r["exact"] for r in rows if r["parity"]]
    line(f"parity bound at confidence 0.5 (stated failure probability 0.5), one trial per level: above the "
         f"exact count on {wrong} of {len(rows)} networks ({100 * wrong / len(rows):.1f}%); "
         f"no level passed on {sum(r['parity'] is None for r in rows)}; bound / exact count: median "
         f"{np.median(useful):.3f}")
    below = [r["name"] for r in rows if int(r["weight_aware"]) < r["exact"]]
    line(f"weight-aware upper bound below the exact count: {len(below)} of {len(rows)} networks {below or ''}")
    for kind in ("trained", "random"):
        sel = [r for r in rows if r["kind"] == kind]
        if sel:
            ratio = np.array([int(r["weight_aware"]) / int(r["thm1"]) for r in sel])
            over = np.array([int(r["weight_aware"]) / r["exact"] for r in sel])
            line(f"{kind} nets: serra2020-weights / serra2018-thm1 median {np.median(ratio):.3f} "
                 f"(min {ratio.min():.3f}, max {ratio.max():.3f}; tighter on {int((ratio < 1).sum())} of {len(sel)}); "
                 f"serra2020-weights / exact count median {np.median(over):.1f}")
    for run in sorted({r.get("run", 1) for r in rows}):
        _time_ratios(line, [r for r in rows if r.get("run", 1) == run and r.get("count_seconds")], run)
    return "\n".join(out)


def _time_ratios(line, timed, run):
    """Estimate time over exact count time, both measured in one run (runs differ in load and
    in the enumerator's code)."""
    import numpy as np
    if timed:
        ratio = np.array([r["seconds"] / r["count_seconds"] for r in timed])
        line(f"run {run}: estimate time / exact count time, side by side ({len(timed)} nets with exact count "
             f"<= {max(r['exact'] for r in timed):,}): median {np.median(ratio):.2f}, min {ratio.min():.2f}, "
             f"max {ratio.max():.2f}")
        for lo_, hi_ in ((0, 10**3), (10**3, 10**4), (10**4, 10**5 + 1)):
            sel = [r for r in timed if lo_ <= r["exact"] < hi_]
            if sel:
                rt = np.array([r["seconds"] / r["count_seconds"] for r in sel])
                w = np.array([(r["hi"] - r["lo"]) / r["exact"] for r in sel])
                line(f"  exact counts {lo_:,} to {hi_ - 1 if hi_ % 10 else hi_:,}: {len(sel)} nets, time ratio median "
                     f"{np.median(rt):.2f}, interval width / count median {np.median(w):.2f}")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--part", choices=("random", "digits", "all"), default="all")
    ap.add_argument("--pairs", type=int, default=100)
    ap.add_argument("--parity-seconds", type=float, default=20.0)
    ap.add_argument("--count-up-to", type=int, default=10**5, help="time the exact count up to this many regions")
    ap.add_argument("--run", type=int, default=1, help="label of this run (time ratios are per run)")
    ap.add_argument("--out", default=str(Path(__file__).with_suffix(".json")))
    ap.add_argument("--merge", nargs="+", help="join result files into --out")
    ap.add_argument("--summary", action="store_true", help="only summarise an existing results file")
    ap.add_argument("--resume", action="store_true", help="keep the rows already in --out, measure the others")
    ap.add_argument("--reuse", help="an earlier run's results: its estimates and parity bounds are taken over")
    ap.add_argument("--reverse", action="store_true", help="networks in reverse order (a second process)")
    ap.add_argument("--skip-done-in", nargs="*", default=[], help="result files of other processes")
    ap.add_argument("--time-every", type=int, default=6,
                    help="with --reuse, every n-th network is re-estimated to time it beside the exact count")
    args = ap.parse_args()
    if args.merge:
        rows = [row for p in args.merge for row in json.loads(Path(p).read_text())]
        Path(args.out).write_text(json.dumps(rows, indent=1) + "\n")
    if args.summary or args.merge:
        print(summary(args.out))
        return
    rows = json.loads(Path(args.out).read_text()) if args.resume and Path(args.out).is_file() else []
    done = {r["name"] for r in rows}
    earlier = {r["name"]: r for r in json.loads(Path(args.reuse).read_text())} if args.reuse else {}
    nets = list(enumerate(networks(args.part)))
    for n, (name, kind, net, exact) in (reversed(nets) if args.reverse else nets):
        if name in done or any(name in {r["name"] for r in json.loads(Path(f).read_text())}
                               for f in args.skip_done_in if Path(f).is_file()):
            continue
        old = earlier.get(name)
        row = measure(name, kind, net, exact, args.pairs, args.count_up_to, args.parity_seconds, old,
                      timed=old is None or n % args.time_every == 0)
        row["run"] = args.run
        rows.append(row)
        print(json.dumps({k: v for k, v in row.items() if k != "samples"}), flush=True)
        Path(args.out).write_text(json.dumps(rows, indent=1) + "\n")
    print(summary(args.out))


if __name__ == "__main__":
    main()
