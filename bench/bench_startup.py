"""Start-up time of the command line: what a user waits for before anything happens.

Each command is run ``REPEATS`` times in a fresh interpreter, side by side in one run; the
median wall time is reported, and the ratio to ``python -c pass`` (the interpreter alone) so
that numbers from different machines compare. Target (issue 19): ``--help``, ``list`` and
``count`` of a tiny network start in under 0.3 s.

Run: ``python bench/bench_startup.py`` (writes nothing; paste the table into
bench_startup.md).
"""

import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPEATS = 7


def wall(cmd) -> float:
    times = []
    for _ in range(REPEATS):
        start = time.perf_counter()
        subprocess.run(cmd, capture_output=True, check=False)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main():
    from regionmath.network import Network
    with tempfile.TemporaryDirectory() as tmp:
        net = Path(tmp) / "abs.npz"
        Network.from_exact([[[1], [-1]]], [[0, 0]], box=([-1], [1])).save(net)
        cli = [sys.executable, "-m", "regionmath"]
        cases = [("python -c pass", [sys.executable, "-c", "pass"]),
                 ("import regionmath", [sys.executable, "-c", "import regionmath"]),
                 ("regionmath --help", cli + ["--help"]),
                 ("regionmath --version", cli + ["--version"]),
                 ("regionmath list", cli + ["list"]),
                 ("regionmath list bounds", cli + ["list", "bounds"]),
                 ("regionmath count abs.npz (1 input)", cli + ["count", str(net)])]
        base = None
        print("| command | median wall time (s) | ratio to `python -c pass` |")
        print("|---|---:|---:|")
        for name, cmd in cases:
            t = wall(cmd)
            base = base or t
            print(f"| `{name}` | {t:.3f} | {t / base:.1f} |")


if __name__ == "__main__":
    main()
