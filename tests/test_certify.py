"""counting/certify.py: the exact witness check, one by one and in bulk."""

from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from regionmath.counting import Region, RegionArray
from regionmath.counting.certify import certify_arrays, certify_regions, certify_witness
from regionmath.network import Network

# |x| = relu(x) + relu(-x) on [-1, 1]: pattern (1, 0) for x > 0, (0, 1) for x < 0
ABS = Network.from_exact([[[1], [-1]]], [[0, 0]], box=([-1], [1]))


@pytest.mark.parametrize("pattern,x,expected", [
    ((1, 0), [0.5], True), ((0, 1), [-0.25], True),
    ((1, 0), [-0.5], False),            # the other side
    ((0, 0), [0.0], False),             # both units are zero at 0 but not identically: a boundary
    ((1, 0), [1.5], False),             # outside the box
    ((1, 0), [Fraction(1, 3)], True),   # an exact rational witness
])
def test_witness_by_hand(pattern, x, expected):
    assert certify_witness(ABS, pattern, x) is expected


def test_outside_the_box_passes_in_rn0():
    assert certify_witness(ABS, (1, 0), [1.5], bounded=False)


def test_identically_zero_unit_is_inactive():
    net = Network.from_exact([[[1], [0]]], [[0, 0]], box=([-1], [1]))   # unit 2 is 0 everywhere
    assert certify_witness(net, (1, 0), [0.5]) and not certify_witness(net, (1, 1), [0.5])


def test_bulk_agrees_with_one_by_one():
    rng = np.random.default_rng(7)
    net = Network([rng.normal(size=(4, 2)), rng.normal(size=(3, 4))],
                  [rng.normal(size=4), rng.normal(size=3)])
    X = rng.uniform(-1, 1, size=(200, 2))
    P = np.array([net.pattern_key(x) for x in X])
    P[::7, 0] = 1 - P[::7, 0]            # some wrong patterns
    bulk = certify_arrays(net, P, X)
    one = [certify_witness(net, tuple(int(v) for v in p), x) for p, x in zip(P, X)]
    assert bulk.tolist() == one and not all(one) and any(one)


def test_region_array_certified_in_place():
    regions = RegionArray.from_regions([Region((1, 0), [Fraction(1, 2)]), Region((1, 0), [Fraction(-1, 2)])], 2, 1)
    assert regions.exact_witnesses
    assert not certify_regions(ABS, regions)
    assert regions.certified.tolist() == [True, False]


def test_integer_layers_of_a_float_network_are_its_exact_values():
    # numerators over a power of two read from the mantissas must equal the Fractions of the floats
    from regionmath.counting.certify import _integer_layers
    rng = np.random.default_rng(4)
    W1 = rng.normal(size=(5, 3)) * np.array([1e-30, 1.0, 3e5])
    W1[0, 0] = 0.0
    net = Network([W1, rng.normal(size=(2, 5))], [np.array([0.5, -2.0, 0.0, 1e-20, 7.0]), rng.normal(size=2)])
    for (Wn, bn, D), W, b in zip(_integer_layers(net), net.weights, net.biases):
        assert all(Fraction(int(n), D) == Fraction(float(v)) for n, v in zip(Wn.ravel(), W.ravel()))
        assert all(Fraction(int(n), D) == Fraction(float(v)) for n, v in zip(bn, b))


@pytest.mark.parametrize("seed", range(6))
def test_float_filter_never_certifies_what_exact_arithmetic_refuses(seed):
    """certify_arrays decides most ReLU signs by a float filter with a rigorous error bound;
    its verdicts must equal the one-by-one exact check (gmpy2 mpq), on witnesses inside
    regions, on and within 1e-15 of hyperplanes, and with flipped pattern bits."""
    import os
    import sys
    sys.path.insert(0, os.path.dirname(__file__))
    from random_nets import random_relu_nets
    rng = np.random.default_rng(seed)
    for net in random_relu_nets(4, seed=100 + seed):
        lo, hi = np.asarray(net.box[0], float), np.asarray(net.box[1], float)
        X = lo + (hi - lo) * rng.random((60, net.n0))
        W0, b0 = np.asarray(net.weights[0], float), np.asarray(net.biases[0], float)
        for i in range(0, 20):      # onto (or next to) a first-layer hyperplane
            r = i % len(W0)
            if np.any(W0[r]):
                X[i] -= (W0[r] @ X[i] + b0[r]) / (W0[r] @ W0[r]) * W0[r] * (1 + rng.choice([0, 1e-15, -1e-15]))
        X = np.clip(X, lo, hi)
        P = np.array([net.pattern_key(x) for x in X], dtype=np.int16)
        flip = rng.random(len(P)) < 0.3
        cols = rng.integers(0, net.N, size=len(P))
        P[flip, cols[flip]] ^= 1
        bulk = certify_arrays(net, P, X)
        single = [certify_witness(net, tuple(int(v) for v in p), x) for p, x in zip(P, X)]
        assert bulk.tolist() == single


@settings(max_examples=200, deadline=None)
@given(st.lists(st.lists(st.integers(0, 2), min_size=3, max_size=3), max_size=9))
def test_distinct_says_whether_a_pattern_repeats(rows):
    """RegionArray.distinct against a set of tuples (it sorts rows and compares neighbours)."""
    patterns = np.array(rows, dtype=np.int8).reshape(len(rows), 3)
    regions = RegionArray(patterns, np.zeros((len(rows), 1)))
    assert regions.distinct() == (len({tuple(r) for r in rows}) == len(rows))
