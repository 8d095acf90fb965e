"""Calibration and speed of regionmath.estimate on networks whose exact count is known.

Networks: the cached random nets of tests/estimate_nets.py (72, exact counts cached) and the
Serra 2018 digits nets with finished counts between 10^2 and 10^6 (cached in
regionmath/experiments). For each: the tree estimate with a fixed number of antithetic pairs
(its 95% interval: does it contain the exact count?), its time against the exact count's
recorded time, and the parity lower bound at confidence 0.5 with one trial per level (so that
a wrong bound would show up often enough to see: the stated failure probability is 0.5).

    python bench/bench_estimate.py [--pairs 100] [--out bench/bench_estimate.json]

Results are written as JSON and summarised in bench/bench_estimate.md.
"""

import argparse
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from estimate_nets import cached_counts, calibration_net  # noqa: E402

from regionmath.estimate import parity_lower_bound, tree_estimate  # noqa: E402
from regionmath.experiments import serra2018  # noqa: E402


def networks():
    counts = cached_counts()
    for i, exact in sorted(counts.items()):
        yield f"random-{i}", calibration_net(i), exact, None
    cache = json.loads(serra2018.COUNTS_FILE.read_text())
    for key, rec in sorted(cache.items()):
        exact = int(rec["count"])
        if rec["complete"] and 100 <= exact <= 10**6:
            n1, seed = int(key[3:5]), int(key[-1])
            yield f"digits-{key}", serra2018.network(n1, seed), exact, rec["seconds"]


def summary(path):
    """Markdown summary of a results file."""
    import numpy as np
    rows = json.loads(Path(path).read_text())
    counts = json.loads((Path(__file__).resolve().parents[1] / "tests" / "data" / "estimate_counts.json").read_text())
    for r in rows:
        if r["count_seconds"] is None and r["name"].startswith("random-"):
            r["count_seconds"] = counts[r["name"][7:]]["seconds"]
    cov = sum(r["covered"] for r in rows)
    width = np.array([(r["hi"] - r["lo"]) / r["exact"] for r in rows])
    ratio = np.array([r["seconds"] / r["count_seconds"] for r in rows if r["count_seconds"]])
    out = [f"networks: {len(rows)} (exact counts {min(r['exact'] for r in rows)} to {max(r['exact'] for r in rows)})",
           f"95% intervals containing the exact count: {cov} of {len(rows)} ({100 * cov / len(rows):.1f}%)",
           f"interval width / exact count: median {np.median(width):.2f}, 90th percentile {np.percentile(width, 90):.2f}",
           f"estimate time / exact count time (recorded counts, not side by side): median {np.median(ratio):.2f}, "
           f"min {ratio.min():.2f}, max {ratio.max():.2f}"]
    if "parity" in rows[0]:
        wrong = sum(r["parity_wrong"] for r in rows)
        useful = [r["parity"] / r["exact"] for r in rows if r["parity"]]
        out.append(f"parity bound at confidence 0.5, one trial per level: above the exact count on {wrong} of "
                   f"{len(rows)} networks (allowed: each with probability <= 0.5); bound / exact count: median "
                   f"{np.median(useful):.3f}")
    big = [r for r in rows if r["exact"] >= 10**5]
    if big:
        out.append(f"nets with >= 10^5 regions: {len(big)}, covered {sum(r['covered'] for r in big)}, "
                   f"estimate time / count time median {np.median([r['seconds'] / r['count_seconds'] for r in big]):.2f}")
    return "\n".join("- " + line for line in out)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--pairs", type=int, default=100)
    ap.add_argument("--out", default=str(Path(__file__).with_suffix(".json")))
    ap.add_argument("--parity", action="store_true", help="also the parity bound (slow)")
    ap.add_argument("--summary", action="store_true", help="only summarise an existing results file")
    args = ap.parse_args()
    if args.summary:
        print(summary(args.out))
        return
    rows = []
    for name, net, exact, count_seconds in networks():
        t = time.perf_counter()
        est = tree_estimate(net, pairs=args.pairs, seed=7)
        secs = time.perf_counter() - t
        lo, hi = est["interval"]
        row = {"name": name, "exact": exact, "estimate": est["value"], "lo": lo, "hi": hi,
               "covered": lo <= exact <= hi, "seconds": round(secs, 2), "count_seconds": count_seconds,
               "lps": est["lps"], "samples": [round(v, 3) for v in est["samples"]]}
        if args.parity:
            t = time.perf_counter()
            pb = parity_lower_bound(net, confidence=0.5, trials=1, time_limit=60, seed=11)
            row.update(parity=pb["value"], parity_xors=pb["xors"], parity_seconds=round(time.perf_counter() - t, 2),
                       parity_wrong=pb["value"] is not None and pb["value"] > exact)
        rows.append(row)
        print(json.dumps(row), flush=True)
        Path(args.out).write_text(json.dumps(rows, indent=1) + "\n")
    cov = sum(r["covered"] for r in rows)
    print(f"coverage {cov}/{len(rows)}")


if __name__ == "__main__":
    main()
