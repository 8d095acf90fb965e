"""Start-up time of the command line: what a user waits for before anything happens.

Each command runs ``REPEATS`` times in a fresh interpreter; the median wall time is reported,
with its ratio to ``python -c pass`` (the interpreter alone) so that numbers from different
machines compare, and the median CPU time (user + system, from ``getrusage``), which a loaded
machine inflates less than wall time. With ``--base DIR`` (a checkout of an earlier commit, e.g.
``git archive COMMIT | tar -x -C DIR``) every command also runs from that tree
(``PYTHONPATH=DIR``), alternating with this tree's runs so that both see the same load. The
load average is printed before and after. Target (issue 19): ``--help``, ``list`` and
``count`` of a tiny network start in under 0.3 s on a quiet machine.

The floor of a count is ``import numpy, highspy``: the network file is numpy's, the LPs are
HiGHS's (the command line sets ``OPENBLAS_THREAD_TIMEOUT``, so the floor is shown with it too). A count whose empty branches or witnesses need an exact proof in rationals also loads
gmpy2 (abs.npz and three-lines.npz below: regions meeting in a point or along a box edge),
whose own start-up imports ``importlib.metadata``.

Modules run from compiled byte code, as in a user's installation (each tree's first, warm-up
run writes it). Run: ``python bench/bench_startup.py [--base DIR] [--repeats N]`` (writes
nothing; paste the table into bench_startup.md).
"""

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPEATS = 9
HERE = Path(__file__).resolve().parents[1]


def run(cmd, env):
    """Wall seconds and CPU seconds (user + system) of one run of ``cmd``; a first item that
    is a dict holds environment variables for this command."""
    if isinstance(cmd[0], dict):
        env, cmd = {**env, **cmd[0]}, cmd[1:]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(cmd, capture_output=True, check=False, env=env, cwd=tempfile.gettempdir())
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def networks(tmp):
    """The tiny networks counted (made here with this tree's code; the file format is shared)."""
    from regionmath.architecture import Architecture
    from regionmath.constructions import build
    from regionmath.network import Network
    nets = {}
    nets["thm4.npz (2 -> 2 -> 2, 4 regions)"] = path = Path(tmp) / "thm4.npz"
    build("montufar2014-thm4", Architecture(2, (2, 2))).network.save(path)
    nets["abs.npz (1 input, 2 regions)"] = path = Path(tmp) / "abs.npz"
    Network.from_exact([[[1], [-1]]], [[0, 0]], box=([-1], [1])).save(path)
    nets["three-lines.npz (2 inputs, 5 regions)"] = path = Path(tmp) / "three-lines.npz"
    Network.from_exact([[[1, 0], [0, 1], [1, 1]]], [[0, 0, -1]], box=([-1, -1], [1, 1])).save(path)
    return nets


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", default=None, help="a checkout of an earlier commit to compare with")
    parser.add_argument("--repeats", type=int, default=REPEATS, help="runs of each command and tree")
    args = parser.parse_args()
    trees = {"this tree": HERE}
    if args.base:
        trees["base"] = Path(args.base).resolve()
    # as a user's installation runs: with compiled byte code (a test harness may set
    # PYTHONDONTWRITEBYTECODE, which recompiles every module of the package at each start)
    base_env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    envs = {name: {**base_env, "PYTHONPATH": str(root)} for name, root in trees.items()}
    with tempfile.TemporaryDirectory() as tmp:
        nets = networks(tmp)
        thm4 = next(iter(nets.values()))
        cli = [sys.executable, "-m", "regionmath"]
        cases = [("python -c pass", [sys.executable, "-c", "pass"]),
                 ("python -c 'import numpy'", [sys.executable, "-c", "import numpy"]),
                 ("python -c 'import numpy, highspy'", [sys.executable, "-c", "import numpy, highspy"]),
                 ("the same with OPENBLAS_THREAD_TIMEOUT=16 (as the command line sets it)",
                  [{"OPENBLAS_THREAD_TIMEOUT": "16"}, sys.executable, "-c", "import numpy, highspy"]),
                 ("import regionmath", [sys.executable, "-c", "import regionmath"]),
                 ("regionmath --help", cli + ["--help"]),
                 ("regionmath --version", cli + ["--version"]),
                 ("regionmath count --help", cli + ["count", "--help"]),
                 ("regionmath list", cli + ["list"]),
                 ("regionmath list bounds", cli + ["list", "bounds"])]
        cases += [(f"regionmath count {name}", cli + ["count", str(path)]) for name, path in nets.items()]
        cases += [(f"regionmath count --json {thm4.name}", cli + ["count", "--json", str(thm4)])]
        times = {(case, tree): [] for case, _ in cases for tree in trees}
        load_before = os.getloadavg()
        for case, cmd in cases:           # warm-up: byte code written, files in the page cache
            for tree in trees:
                run(cmd, envs[tree])
        for _ in range(args.repeats):     # round robin: every command and tree sees the same load
            for case, cmd in cases:
                for tree in trees:
                    times[case, tree].append(run(cmd, envs[tree]))
        load_after = os.getloadavg()
    wall = {key: statistics.median(w for w, _ in v) for key, v in times.items()}
    cpu = {key: statistics.median(c for _, c in v) for key, v in times.items()}
    print(f"load average (1, 5, 15 min): {' '.join(f'{x:.2f}' for x in load_before)} before, "
          f"{' '.join(f'{x:.2f}' for x in load_after)} after; {args.repeats} runs per command and tree")
    print()
    header = "| command | " + " | ".join(f"{t}: wall (s) | {t}: ratio to `python -c pass` | {t}: CPU (s)" for t in trees)
    if args.base:
        header += " | base / this tree (wall)"
    print(header + " |")
    print("|---" + "|---:|---:|---:" * len(trees) + ("|---:" if args.base else "") + "|")
    for case, _ in cases:
        cells = []
        for tree in trees:
            cells += [f"{wall[case, tree]:.3f}", f"{wall[case, tree] / wall['python -c pass', tree]:.1f}",
                      f"{cpu[case, tree]:.3f}"]
        if args.base:
            cells.append(f"{wall[case, 'base'] / wall[case, 'this tree']:.2f}")
        print(f"| `{case}` | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
