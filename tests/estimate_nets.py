"""Random ReLU networks with exact region counts, for calibrating :mod:`regionmath.estimate`.

:func:`calibration_net` builds network ``i`` from its seed alone (He-initialised Gaussian
weights, small uniform biases, box ``[-1, 1]^n0``); their exact counts, made once by the
certified enumerator, are cached in ``tests/data/estimate_counts.json``
(``python tests/estimate_nets.py`` recomputes them). The shapes are chosen so that the counts
span about 10^2 to 10^5 regions.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from regionmath.network import Network

COUNTS_FILE = Path(__file__).parent / "data" / "estimate_counts.json"
SHAPES = [(2, (8, 8)), (3, (8, 8)), (4, (8, 8)), (2, (12, 12)), (3, (10, 10)), (4, (6, 6, 6)),
          (6, (8, 8)), (5, (10, 10)), (3, (8, 8, 8)), (8, (8, 8)), (2, (20, 20)), (4, (12, 12))]


def calibration_net(i: int) -> Network:
    """Network ``i``: shape ``SHAPES[i % len(SHAPES)]``, weights from seed ``1000 + i``."""
    rng = np.random.default_rng(1000 + i)
    n0, widths = SHAPES[i % len(SHAPES)]
    Ws, bs, prev = [], [], n0
    for w in widths:
        Ws.append(rng.normal(0.0, np.sqrt(2.0 / prev), size=(w, prev)))
        bs.append(rng.uniform(-0.5, 0.5, size=w))
        prev = w
    return Network(Ws, bs, box=(-np.ones(n0), np.ones(n0)))


def cached_counts() -> dict:
    """``{i: exact count}`` of the cached calibration networks."""
    return {int(k): int(v["count"]) for k, v in json.loads(COUNTS_FILE.read_text()).items()}


if __name__ == "__main__":  # pragma: no cover - regenerates the cache
    import sys
    from regionmath.counting import count_regions
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 72
    out = json.loads(COUNTS_FILE.read_text()) if COUNTS_FILE.is_file() else {}
    for i in range(n):
        if str(i) in out:
            continue
        r = count_regions(calibration_net(i), method="enumerate", jobs=1)
        assert r.complete and r.certified, i
        out[str(i)] = {"count": str(r.count), "seconds": round(r.seconds, 2)}
        COUNTS_FILE.write_text(json.dumps(out, indent=1, sort_keys=True) + "\n")
        print(i, SHAPES[i % len(SHAPES)], r.count, round(r.seconds, 1), flush=True)
