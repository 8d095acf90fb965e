"""Start-up time of the command line: what a user waits for before anything happens.

Each command runs ``REPEATS`` times in a fresh interpreter; the median wall time is reported,
with its ratio to ``python -c pass`` (the interpreter alone) so that numbers from different
machines compare. With ``--base DIR`` (a checkout of an earlier commit, e.g. made by ``git
worktree add /tmp/base COMMIT``) every command also runs from that tree (``PYTHONPATH=DIR``),
alternating with this tree's runs so that both see the same load. Target (issue 19):
``--help``, ``list`` and ``count`` of a tiny network start in under 0.3 s on a quiet machine.

Modules run from compiled byte code, as in a user's installation (each tree's first, warm-up
run writes it). Run: ``python bench/bench_startup.py [--base DIR]`` (writes nothing; paste the table into
bench_startup.md).
"""

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPEATS = 9
HERE = Path(__file__).resolve().parents[1]


def wall(cmd, env) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, capture_output=True, check=False, env=env, cwd=tempfile.gettempdir())
    return time.perf_counter() - start


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", default=None, help="a checkout of an earlier commit to compare with")
    args = parser.parse_args()
    trees = {"this tree": HERE}
    if args.base:
        trees["base"] = Path(args.base).resolve()
    # as a user's installation runs: with compiled byte code (a test harness may set
    # PYTHONDONTWRITEBYTECODE, which recompiles every module of the package at each start)
    base_env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    envs = {name: {**base_env, "PYTHONPATH": str(root)} for name, root in trees.items()}
    from regionmath.network import Network
    with tempfile.TemporaryDirectory() as tmp:
        one = Path(tmp) / "abs.npz"
        Network.from_exact([[[1], [-1]]], [[0, 0]], box=([-1], [1])).save(one)
        two = Path(tmp) / "three-lines.npz"
        Network.from_exact([[[1, 0], [0, 1], [1, 1]]], [[0, 0, -1]], box=([-1, -1], [1, 1])).save(two)
        cli = [sys.executable, "-m", "regionmath"]
        cases = [("python -c pass", [sys.executable, "-c", "pass"]),
                 ("import regionmath", [sys.executable, "-c", "import regionmath"]),
                 ("regionmath --help", cli + ["--help"]),
                 ("regionmath --version", cli + ["--version"]),
                 ("regionmath count --help", cli + ["count", "--help"]),
                 ("regionmath list", cli + ["list"]),
                 ("regionmath list bounds", cli + ["list", "bounds"]),
                 ("regionmath count abs.npz (1 input, 2 regions)", cli + ["count", str(one)]),
                 ("regionmath count three-lines.npz (2 inputs, 7 regions)", cli + ["count", str(two)])]
        times = {(case, tree): [] for case, _ in cases for tree in trees}
        for case, cmd in cases:           # warm-up: byte code written, files in the page cache
            for tree in trees:
                wall(cmd, envs[tree])
        for _ in range(REPEATS):          # round robin: every command and tree sees the same load
            for case, cmd in cases:
                for tree in trees:
                    times[case, tree].append(wall(cmd, envs[tree]))
    median = {key: statistics.median(v) for key, v in times.items()}
    header = "| command | " + " | ".join(f"{t} (s) | {t}: ratio to `python -c pass`" for t in trees)
    if args.base:
        header += " | base / this tree"
    print(header + " |")
    print("|---" + "|---:|---:" * len(trees) + ("|---:" if args.base else "") + "|")
    for case, _ in cases:
        cells = []
        for tree in trees:
            t = median[case, tree]
            cells += [f"{t:.3f}", f"{t / median['python -c pass', tree]:.1f}"]
        if args.base:
            cells.append(f"{median[case, 'base'] / median[case, 'this tree']:.1f}")
        print(f"| `{case}` | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
