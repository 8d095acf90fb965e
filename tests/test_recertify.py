"""A witness that fails the exact check gets a second point (the largest ball's centre) and is
checked again; the count itself never changes."""

import numpy as np

from regionmath.counting import Region, RegionArray, _recertify, count_regions
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
    assert _recertify(net, regions, True)
    assert all(certify_witness(net, r.pattern, r.witness) for r in regions)


def test_a_pattern_without_a_region_stays_uncertified():
    net = _net()
    result = count_regions(net, method="enumerate")
    seen = {tuple(r.pattern) for r in result.regions}
    # a pattern the network never takes in the box (found by elimination)
    import itertools
    missing = next(p for p in itertools.product((0, 1), repeat=net.N) if p not in seen)
    regions = RegionArray.from_regions([Region(missing, np.zeros(2), None)], net.N, net.n0)
    assert not certify_regions(net, regions)
    assert not _recertify(net, regions, True)
