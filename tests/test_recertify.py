"""A witness that fails the exact check sends its pattern to an exact decision: a region gets an
exact rational witness (the count does not change), a pattern without a region is removed
from the count (it was never a region)."""

import numpy as np

from regionmath.counting import CountResult, Region, RegionArray, certify_count, count_regions
from regionmath.counting.certify import certify_regions, certify_witness
from regionmath.network import Network


def _net():
    return Network.from_exact([[[1, 0], [0, 1], [1, 1]], [[1, -1, 1], [2, 1, -1]]],
                              [[0, 0, "-1/2"], ["1/4", "-1/3"]], box=([-1, -1], [1, 1]))


def test_a_bad_witness_is_replaced_by_a_certified_one():
    net = _net()
    result = count_regions(net, method="enumerate")
    assert result.certified
    regions = RegionArray(result.regions.patterns.copy(), result.regions.witnesses.copy())
    # move one witness into another region: its exact check must now fail
    regions.witnesses[0] = regions.witnesses[1]
    assert not certify_regions(net, regions)
    again = CountResult(len(regions), "enumerate", True, 0.0, regions)
    assert certify_count(net, again)
    assert again.count == result.count and again.complete
    assert all(certify_witness(net, r.pattern, r.witness) for r in again.regions)


def test_a_pattern_without_a_region_is_removed_from_the_count():
    net = _net()
    result = count_regions(net, method="enumerate")
    seen = {tuple(r.pattern) for r in result.regions}
    # a pattern the network never takes in the box (found by elimination)
    import itertools
    missing = next(p for p in itertools.product((0, 1), repeat=net.N) if p not in seen)
    regions = RegionArray.from_regions([Region(missing, np.zeros(2), None)] + list(result.regions[:2]), net.N, net.n0)
    assert not certify_regions(net, regions)
    bad = CountResult(3, "enumerate", True, 0.0, regions)
    assert certify_count(net, bad)
    assert bad.count == 2 and missing not in {r.pattern for r in bad.regions}
