"""counting/lp.py: the witness LP (largest ball of a pattern's region)."""

import numpy as np

from regionmath.counting.lp import MARGIN_TOL, witness_lp
from regionmath.network import Network

# x > 0, y > 0, x + y > 1/2 in the square [-1, 1]^2
NET = Network.from_exact([[[1, 0], [0, 1], [1, 1]]], [[0, 0, "-1/2"]], box=([-1, -1], [1, 1]))


def test_a_realised_pattern_has_a_positive_margin_and_a_point_inside():
    w = witness_lp(NET, (1, 1, 1))
    assert w.is_region and w.margin > MARGIN_TOL
    assert NET.pattern_key(w.point) == (1, 1, 1)


def test_an_impossible_pattern_has_none():
    # x < 0 and y < 0 force x + y < 0 < 1/2: unit 3 cannot be on
    assert not witness_lp(NET, (0, 0, 1)).is_region


def test_a_thin_region_has_a_smaller_margin():
    # on the line: 0 < x < 1/1000 (thin) against 1/1000 < x < 1 (wide)
    net = Network.from_exact([[[1], [1]]], [[0, "-1/1000"]], box=([-1], [1]))
    thin, wide = witness_lp(net, (1, 0)), witness_lp(net, (1, 1))
    assert thin.is_region and wide.is_region and thin.margin < wide.margin
    assert 0 < float(thin.point[0]) < 1e-3


def test_unbounded_domain():
    w = witness_lp(NET, (1, 1, 1), box=False)
    assert w.is_region and np.all(w.point > 0)
