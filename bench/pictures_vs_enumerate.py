"""Exact 2-D region polygons (regionmath.pictures) vs the general counter (enumerate, one job).

Both give the same count on every net (asserted here too); the ratio is the time of
count_regions(method="enumerate", jobs=1, certify=True) over region_polygons, measured side by
side in one run on random nets with 2 inputs, box [-1, 1]^2.

    python bench/pictures_vs_enumerate.py
"""

import time

import numpy as np

from regionmath.counting import count_regions
from regionmath.network import Network
from regionmath.pictures import region_polygons


def random_net(seed, widths):
    rng = np.random.default_rng(seed)
    Ws, bs, prev = [], [], 2
    for w in widths:
        Ws.append(rng.normal(size=(w, prev)))
        bs.append(rng.normal(scale=0.5, size=w))
        prev = w
    return Network(Ws, bs)


def main():
    print("| widths | regions | polygons (s) | enumerate (s) | enumerate / polygons |")
    print("|---|---|---|---|---|")
    for widths in [(8, 8), (16, 16), (10, 10, 10), (24, 24), (16, 16, 16)]:
        net = random_net(0, widths)
        t = time.perf_counter()
        n = len(region_polygons(net))
        tp = time.perf_counter() - t
        t = time.perf_counter()
        r = count_regions(net, method="enumerate", jobs=1)
        te = time.perf_counter() - t
        assert r.complete and r.count == n
        print(f"| {widths} | {n} | {tp:.2f} | {te:.2f} | {te / tp:.1f} |", flush=True)


if __name__ == "__main__":
    main()
