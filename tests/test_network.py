"""The Network class: forward pass vs the affine map of a region, patterns, files."""

import sys
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

sys.path.insert(0, str(Path(__file__).parent))
from random_nets import random_maxout_nets, random_relu_nets  # noqa: E402

from regionmath import RegionmathError  # noqa: E402
from regionmath.counting.certify import certify_witness  # noqa: E402
from regionmath.network import Network  # noqa: E402

NETS = random_relu_nets(30, seed=3) + random_maxout_nets(15, seed=3)


def _points(net, rng, n=200):
    lo, hi = net.box
    return lo + (hi - lo) * rng.random((n, net.n0))


def _forward_by_hand(net, x):
    """The forward pass written out with Fractions, unit by unit (independent of numpy)."""
    h = [Fraction(v) for v in x]
    for W, b in zip(net.exact_weights, net.exact_biases):
        z = [sum((w * v for w, v in zip(row, h)), Fraction(0)) + bb for row, bb in zip(W, b)]
        if net.activation == "relu":
            h = [max(v, Fraction(0)) for v in z]
        else:
            k = net.rank
            h = [max(z[u * k:(u + 1) * k]) for u in range(len(z) // k)]
    return h


@pytest.mark.parametrize("i", range(len(NETS)))
def test_forward_matches_exact_hand_evaluation_and_region_affine(i):
    net = NETS[i]
    rng = np.random.default_rng(i)
    for x in _points(net, rng, 20):
        exact = np.array([float(v) for v in _forward_by_hand(net, x)])
        assert np.allclose(net.forward(x), exact, rtol=1e-9, atol=1e-9)
        A, c = net.region_affine(x)
        assert np.allclose(A @ x + c, exact, rtol=1e-9, atol=1e-9)
        # the same affine map holds at nearby points of the same pattern
        y = x + 1e-7 * rng.standard_normal(net.n0)
        if net.pattern_key(y) == net.pattern_key(x):
            assert np.allclose(A @ y + c, net.forward(y), rtol=1e-7, atol=1e-9)


@pytest.mark.parametrize("i", range(0, len(NETS), 3))
def test_unit_linear_map_is_the_preactivation_on_the_region(i):
    net = NETS[i]
    x = _points(net, np.random.default_rng(10 + i), 1)[0]
    zs = net.preactivations(x)
    for layer in range(1, net.L + 1):
        for unit in range(net.widths[layer - 1]):
            w, b = net.unit_linear_map(x, layer, unit)
            z = zs[layer - 1]
            expected = z[unit] if net.activation == "relu" else z[unit * net.rank:(unit + 1) * net.rank].max()
            assert np.isclose(w @ x + b, expected, rtol=1e-9, atol=1e-9)


def test_patterns_follow_the_conventions():
    relu = Network.from_exact([[[1], [-1], [0]]], [[0, 0, 0]], box=([-1], [1]))
    assert relu.pattern_key([0.5]) == (1, 0, 0)
    assert relu.pattern_key([0.0]) == (0, 0, 0)        # z > 0 is active; z = 0 is not
    mo = Network.from_exact([[[1], [1], [-1], [2]]], [[0, 0, 0, 0]], activation="maxout", rank=2, box=([-1], [1]))
    assert mo.pattern_key([0.5]) == (0, 1)            # tie between equal pieces: lowest index
    assert mo.pattern_key([-0.5]) == (0, 0)


@settings(max_examples=40, deadline=None)
@given(st.integers(0, len(NETS) - 1), st.integers(0, 10 ** 6))
def test_pattern_at_a_generic_point_is_certified(i, seed):
    net = NETS[i]
    x = _points(net, np.random.default_rng(seed), 1)[0]
    # a random float point is generic: its pattern holds on a neighbourhood
    assert certify_witness(net, net.pattern_key(x), x)


@pytest.mark.parametrize("i", range(0, len(NETS), 4))
def test_save_load_round_trip_keeps_exact_weights(tmp_path, i):
    net = NETS[i]
    path = tmp_path / "net.npz"
    net.save(path)
    back = Network.load(path)
    assert back.activation == net.activation and back.rank == net.rank and back.widths == net.widths
    assert all(np.array_equal(a, b) for a, b in zip(back.box, net.box))
    for W, Wb, b, bb in zip(net.exact_weights, back.exact_weights, net.exact_biases, back.exact_biases):
        assert W.tolist() == Wb.tolist() and b.tolist() == bb.tolist()
    x = _points(net, np.random.default_rng(i), 5)
    assert np.array_equal(net.forward(x), back.forward(x))


def test_save_load_huge_rationals_and_output_layer(tmp_path):
    big = Fraction(3 ** 80, 7 ** 40)
    net = Network.from_exact([[[big, 1], ["-1/3", 2]]], [[0, "5/7"]], output=([[1, -1]], [2]), box=([-1, 0], [1, 2]))
    path = tmp_path / "big.npz"
    net.save(path)
    back = Network.load(path)
    assert back.exact_weights[0][0, 0] == big and back.exact_biases[0][1] == Fraction(5, 7)
    assert np.allclose(back.forward([0.1, 0.2]), net.forward([0.1, 0.2]))
    assert not any(p.name.endswith(".part.npz") for p in tmp_path.iterdir())


@pytest.mark.parametrize("arrays, word", [
    ({"b1": np.zeros(2)}, "W1"),
    ({"W1": np.eye(2)}, "b1"),
    ({"W1": np.eye(2), "b1": np.zeros(3)}, "b1"),
    ({"W1": np.zeros((2, 2, 2)), "b1": np.zeros(2)}, "2-D"),
    ({"W1": np.eye(2), "b1": np.zeros(2), "W2": np.ones((1, 3)), "b2": np.zeros(1)}, "W2"),
    ({"W1": np.array([[np.inf, 1.0]]), "b1": np.zeros(1)}, "NaN or infinite"),
    ({"W1": np.eye(2), "b1": np.array([0.0, np.nan])}, "NaN"),
    ({"W1": np.eye(2), "b1": np.zeros(2), "box_lo": np.ones(2), "box_hi": np.ones(2)}, "box"),
    ({"W1": np.eye(2), "b1": np.zeros(2), "box_lo": np.zeros(3), "box_hi": np.ones(3)}, "box_lo"),
    ({"W1": np.eye(2), "b1": np.zeros(2), "box_lo": np.zeros(2)}, "box_hi"),
    ({"W1": np.eye(4), "b1": np.zeros(4), "activation": np.array("maxout"), "rank": np.array(3)}, "multiple"),
    ({"W1": np.eye(2), "b1": np.zeros(2), "activation": np.array("tanh")}, "activation"),
    ({"W1": np.eye(2), "b1": np.zeros(2), "W1_num": np.eye(2, dtype=int), "W1_den": np.zeros((2, 2), int)},
     "denominator"),
    ({"W1": np.eye(2), "b1": np.zeros(2), "rank": np.array("two")}, "rank"),
    ({"W1": np.eye(4), "b1": np.zeros(4), "activation": np.array("maxout"), "rank": np.array(2.5)}, "rank"),
    ({"W1": np.eye(2), "b1": np.zeros(2), "box_lo": np.array(["a", "b"]), "box_hi": np.ones(2)}, "numeric"),
    ({"W1": np.zeros((0, 2)), "b1": np.zeros(0)}, "at least one unit"),
    ({"W1": np.zeros((2, 0)), "b1": np.zeros(2)}, "at least one unit"),
    ({"W1": np.eye(2), "b1": np.zeros(2), "W1_num": np.eye(2), "W1_den": np.ones((2, 2)),
      "b1_num": np.zeros(2, int), "b1_den": np.ones(2, int)}, "integer arrays"),
])
def test_bad_files_raise_one_line_errors(tmp_path, arrays, word):
    path = tmp_path / "bad.npz"
    np.savez(path, **arrays)
    with pytest.raises(RegionmathError, match=word) as info:
        Network.load(path)
    assert "\n" not in str(info.value)


def test_not_a_network_file(tmp_path):
    with pytest.raises(RegionmathError, match="no network file"):
        Network.load(tmp_path / "missing.npz")
    p = tmp_path / "junk.npz"
    p.write_bytes(b"junk")
    with pytest.raises(RegionmathError, match="not a readable"):
        Network.load(p)
