"""Recreate the cached weights and counts of regionmath.experiments (not run by the tests).

    python scripts/train_experiments.py serra2018-train          # 63 nets, about 3 minutes
    python scripts/train_experiments.py serra2018-count --time-limit 900 [--n1 1,2,3]
    python scripts/train_experiments.py montufar2014-train       # best of 16 runs per model

Training is deterministic given the scikit-learn version; the committed files are the ones
the tables and figures are made from.
"""

import argparse

from regionmath.experiments import montufar2014, serra2018


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("what", choices=["serra2018-train", "serra2018-count", "montufar2014-train"])
    p.add_argument("--time-limit", type=float, default=900.0, help="seconds per network (counting)")
    p.add_argument("--n1", default=None, help="comma-separated first-layer widths (default: all)")
    p.add_argument("--seeds", default=None, help="comma-separated seeds (default: all)")
    args = p.parse_args()
    n1s = tuple(int(v) for v in args.n1.split(",")) if args.n1 else serra2018.N1
    seeds = tuple(int(v) for v in args.seeds.split(",")) if args.seeds else serra2018.SEEDS
    if args.what == "serra2018-train":
        serra2018.train_all(n1s, seeds)
    elif args.what == "serra2018-count":
        serra2018.count_all(args.time_limit, n1s, seeds)
    else:
        montufar2014.train_all()


if __name__ == "__main__":
    main()
