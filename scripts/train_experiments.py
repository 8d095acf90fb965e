"""Recreate the cached weights and counts of regionmath.experiments (not run by the tests).

    python scripts/train_experiments.py serra2018-train [--data mnist]   # 210 nets per data set
    python scripts/train_experiments.py serra2018-count --time-limit 900 [--n1 1,2,3] [--data mnist]
    nice -n 19 python scripts/train_experiments.py serra2018-count --time-limit 1800 --jobs 1 \\
        --checkpoints .checkpoints --until-complete      # the resumable runner: smallest nets first
    python scripts/train_experiments.py montufar2014-train       # best of 16 runs per model

Training is deterministic given the scikit-learn version; the committed files are the ones
the tables and figures are made from. The counts are written after every network; with
--checkpoints a count stopped by its time limit (or by Ctrl-C / kill) resumes where it was.
--until-complete repeats passes over the unfinished networks until every count has finished.
"""

import argparse
import sys

from regionmath.experiments import montufar2014, serra2018


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("what", choices=["serra2018-train", "serra2018-count", "montufar2014-train"])
    p.add_argument("--data", choices=sorted(serra2018.DATASETS), default="digits", help="data set (serra2018)")
    p.add_argument("--time-limit", type=float, default=900.0, help="seconds per network and pass (counting)")
    p.add_argument("--n1", default=None, help="comma-separated first-layer widths (default: all)")
    p.add_argument("--seeds", default=None, help="comma-separated seeds (default: all)")
    p.add_argument("--jobs", type=int, default=None, help="processes per count (default: every core)")
    p.add_argument("--checkpoints", default=None, help="directory for resumable enumeration checkpoints")
    p.add_argument("--until-complete", action="store_true", help="repeat passes until every count has finished")
    args = p.parse_args()
    n1s = tuple(int(v) for v in args.n1.split(",")) if args.n1 else serra2018.N1
    seeds = tuple(int(v) for v in args.seeds.split(",")) if args.seeds else serra2018.SEEDS
    say = lambda msg: print(msg, file=sys.stderr, flush=True)  # noqa: E731 - progress goes to stderr
    if args.what == "serra2018-train":
        serra2018.train_all(n1s, seeds, progress=say, which=args.data)
    elif args.what == "serra2018-count":
        while True:
            counts = serra2018.count_all(args.time_limit, n1s, seeds, progress=say, which=args.data,
                                         checkpoints=args.checkpoints, jobs=args.jobs)
            left = [k for k in (serra2018.name(n1, s) for n1 in n1s for s in seeds)
                    if k in counts and not counts[k]["complete"]]
            say(f"pass done: {len(left)} unfinished")
            if not (args.until_complete and left):
                break
    else:
        montufar2014.train_all()


if __name__ == "__main__":
    main()
