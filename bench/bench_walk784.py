"""Knuth walks on a 784-256-256 MLP with and without the dual judgement (round 5).

One walk of :class:`regionmath.estimate.TreeProber` on the network of the issue (PyTorch's
initialisation, seed 0, box [0,1]^784), with ``predict=True`` (a side no point shows is first
judged by the smoothed Lagrangian dual) and ``predict=False`` (every such side by an LP),
alternating, ``--rounds`` times each. Both walks take the same sides at the splits (given,
not drawn: the points the two find differ, and so would the random stream), and a judgement
never changes the tree, so their estimates must be equal; the script checks it.

    python bench/bench_walk784.py [--rounds 2] [--width 256]

Prints a Markdown table (wall and CPU seconds, LPs, verdicts) and the ratios.
"""

import argparse
import os
import time

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import numpy as np  # noqa: E402


def network(width):
    import torch
    from regionmath.network import Network
    torch.manual_seed(0)
    model = torch.nn.Sequential(torch.nn.Linear(784, width), torch.nn.ReLU(), torch.nn.Linear(width, width),
                                torch.nn.ReLU(), torch.nn.Linear(width, 10))
    return Network.from_torch(model, box=(np.zeros(784), np.ones(784)))


def one_walk(net, predict):
    from regionmath.estimate import TreeProber
    prober = TreeProber(net, seed=0, predict=predict)
    bits = np.random.default_rng(7).random(net.N)      # the sides at the splits: one path
    wall, cpu = time.perf_counter(), time.process_time()
    value = prober.walk(bits=bits)
    return {"predict": predict, "wall": time.perf_counter() - wall, "cpu": time.process_time() - cpu,
            "lps": prober.lp_count, "judged": dict(prober.judged), "log2": float(np.log2(value)) if value else None}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--width", type=int, default=256)
    args = ap.parse_args()
    net = network(args.width)
    rows = []
    print(f"load at start {os.getloadavg()[0]:.1f}")
    for r in range(args.rounds):
        for predict in ((True, False) if r % 2 == 0 else (False, True)):
            rows.append(one_walk(net, predict))
            print(rows[-1], flush=True)
    print(f"load at end {os.getloadavg()[0]:.1f}")
    assert len({row["log2"] for row in rows}) == 1, "the walks took different paths"
    print("\n| judgement | wall s | CPU s | LPs | empty / point / lp / unproved | log2 estimate |")
    print("|---|---:|---:|---:|---|---:|")
    for row in rows:
        j = row["judged"]
        print(f"| {'on' if row['predict'] else 'off'} | {row['wall']:.1f} | {row['cpu']:.1f} | {row['lps']} | "
              f"{j['empty']} / {j['point']} / {j['lp']} / {j['unproved']} | {row['log2']:.0f} |")
    on = [r for r in rows if r["predict"]]
    off = [r for r in rows if not r["predict"]]
    print(f"\nmedian wall off/on: {np.median([r['wall'] for r in off]) / np.median([r['wall'] for r in on]):.2f}x, "
          f"CPU off/on: {np.median([r['cpu'] for r in off]) / np.median([r['cpu'] for r in on]):.2f}x")


if __name__ == "__main__":
    main()
