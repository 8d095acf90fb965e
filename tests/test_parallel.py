"""counting/parallel.py: count_enumerate's runner -- subtrees anywhere, one RegionArray back."""

import numpy as np

from regionmath.combinatorics import phi
from regionmath.counting import RegionArray
from regionmath.counting.parallel import count_enumerate, fingerprint
from regionmath.network import Network

# 5 lines in general position: Phi(5, 2) = 16 regions of the plane (Zaslavsky)
LINES = Network.from_exact([[[1, 0], [0, 1], [1, 1], [1, -1], [1, 2]]], [[0, 0, "-1/2", "1/3", "1/5"]],
                           box=([-50, -50], [50, 50]))


def test_every_split_gives_the_same_regions():
    counts, patterns = set(), set()
    for depth in (0, 1, 3, 5):
        r = count_enumerate(LINES, jobs=1, split_depth=depth, unbounded=True)
        assert isinstance(r.regions, RegionArray) and r.regions.distinct()
        counts.add(r.count)
        patterns.add(frozenset(map(tuple, r.regions.patterns.tolist())))
    assert counts == {phi(5, 2)} and len(patterns) == 1


def test_not_collecting_returns_an_empty_region_array():
    r = count_enumerate(LINES, jobs=1, collect=False, unbounded=True)
    assert r.count == phi(5, 2) and len(r.regions) == 0 and r.regions.patterns.shape == (0, 5)


def test_fingerprint_sees_weights_and_domain():
    other = Network.from_exact([[[1, 0], [0, 1], [1, 1], [1, -1], [1, 3]]], [[0, 0, "-1/2", "1/3", "1/5"]],
                               box=([-50, -50], [50, 50]))
    assert fingerprint(LINES, False, 1e-7) != fingerprint(other, False, 1e-7)
    assert fingerprint(LINES, False, 1e-7) != fingerprint(LINES.with_box(np.full(2, -1.0), np.ones(2)), False, 1e-7)
    # all of R^n0 ignores the box
    assert fingerprint(LINES, True, 1e-7) == fingerprint(LINES.with_box(np.full(2, -1.0), np.ones(2)), True, 1e-7)
