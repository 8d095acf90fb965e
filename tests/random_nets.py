"""A deterministic test set of small networks with exact rational weights.

* :func:`random_relu_nets` -- small ReLU nets: 1-8 inputs, two or three hidden layers, at most
  14 units (at most 7 per layer, so that brute force over every pattern stays cheap), weights
  and biases small rationals p/q (q in 1, 2, 3), box ``[-1, 1]^n0`` or a shifted integer box.
* :func:`random_maxout_nets` -- small maxout nets: 1-4 inputs, rank 2 or 3, two layers.
* :func:`degenerate_nets` -- hand-made networks with coincident/opposite hyperplanes,
  identically zero units and tied maxout pieces, each with its region count worked out by
  hand for both definitions (see each entry's ``why``).

The same ``(count, seed)`` always gives the same networks (numpy's PCG64).

>>> nets = random_relu_nets(3, seed=1)
>>> [n.is_exact and n.activation == "relu" and 2 <= n.L <= 3 and n.N <= 14 for n in nets]
[True, True, True]
>>> random_relu_nets(3, seed=1)[2].exact_weights[0].tolist() == nets[2].exact_weights[0].tolist()
True
"""

from __future__ import annotations

from collections import namedtuple
from fractions import Fraction

import numpy as np

from regionmath.network import Network

Degenerate = namedtuple("Degenerate", "name network interior serra2018 why")


def _rational(rng, size, top=4):
    num = rng.integers(-top * 3, top * 3 + 1, size=size)
    den = rng.choice([1, 1, 2, 3], size=size)
    return np.vectorize(lambda p, q: Fraction(int(p), int(q)), otypes=[object])(num, den) if num.size else \
        np.empty(size, dtype=object)


def _box(rng, n0):
    if rng.random() < 0.75:
        return [-1] * n0, [1] * n0
    lo = rng.integers(-2, 1, size=n0)
    return lo.tolist(), (lo + rng.integers(1, 3, size=n0)).tolist()


def random_relu_nets(count, seed=0) -> list:
    """``count`` random small ReLU networks (exact rational weights), reproducible from ``seed``."""
    rng = np.random.default_rng(seed)
    nets = []
    for _ in range(count):
        n0 = int(rng.integers(1, 9))
        L = int(rng.integers(2, 4))
        while True:
            widths = [int(w) for w in rng.integers(1, 8, size=L)]
            if sum(widths) <= 14:
                break
        Ws, bs, prev = [], [], n0
        for w in widths:
            Ws.append(_rational(rng, (w, prev)))
            b = _rational(rng, (w,), top=2)
            b[rng.random(w) < 0.15] = Fraction(0)          # some hyperplanes through the origin
            bs.append(b)
            prev = w
        nets.append(Network.from_exact(Ws, bs, box=_box(rng, n0)))
    return nets


def random_maxout_nets(count, seed=0) -> list:
    """``count`` random small maxout networks (rank 2 or 3, two layers, exact weights)."""
    rng = np.random.default_rng(seed + 7919)
    nets = []
    for _ in range(count):
        n0 = int(rng.integers(1, 5))
        k = int(rng.integers(2, 4))
        widths = [int(w) for w in rng.integers(1, 4 if k == 2 else 3, size=2)]
        Ws, bs, prev = [], [], n0
        for w in widths:
            Ws.append(_rational(rng, (w * k, prev)))
            bs.append(_rational(rng, (w * k,), top=2))
            prev = w
        nets.append(Network.from_exact(Ws, bs, activation="maxout", rank=k, box=_box(rng, n0)))
    return nets


def degenerate_nets() -> list:
    """Hand-made degenerate networks with hand counts: ``Degenerate(name, network, interior,
    serra2018, why)`` (``serra2018`` is None for maxout)."""
    box1 = ([-1], [1])
    out = [
        Degenerate("x_and_minus_x", Network.from_exact([[[1], [-1]]], [[0, 0]], box=box1), 2, 3,
                   "x>0: (1,0); x<0: (0,1); Serra's closed inactive side also accepts (0,0) at x=0"),
        Degenerate("dead_unit_after_fold",
                   Network.from_exact([[[1], [-1]], [[1, 0]]], [[0, 0], [0]], box=box1), 2, 3,
                   "layer 2 is relu(x) composed: (1,0,1) on x>0; on x<0 it is identically zero, so "
                   "(0,1,0); Serra adds (0,0,0) at x=0"),
        Degenerate("opposite_pair_2d",
                   Network.from_exact([[[1, 0], [-1, 0], [0, 1]], [[1, 1, 1]]], [[0, 0, 0], [-5]],
                                      box=([-1, -1], [1, 1])), 4, 6,
                   "x1, -x1, x2 give 4 quadrants, the layer-2 unit is always negative; Serra adds "
                   "(0,0,b,0) on the line x1=0 for b = 0, 1"),
        Degenerate("cancelling_duplicates",
                   Network.from_exact([[[1], [1]], [[1, -1]]], [[0, 0], [0]], box=box1), 2, 2,
                   "x, x then h1 - h2 = 0 identically: (1,1,0) on x>0, (0,0,0) on x<=0"),
        Degenerate("maxout_identical_pieces",
                   Network.from_exact([[[1], [1], [1], [-1]]], [[0, 0, 0, 0]], activation="maxout", rank=2,
                                      box=box1), 2, None,
                   "unit 1 has two equal pieces (piece 0 always wins); unit 2 is max(x, -x): "
                   "(0,0) on x>0, (0,1) on x<0"),
        Degenerate("maxout_tie_after_composition",
                   Network.from_exact([[[1], [0], [-1], [0]], [[1, 0], [1, 1]]], [[0, 0, 0, 0], [0, 0]],
                                      activation="maxout", rank=2, box=box1), 2, None,
                   "layer 1 is relu(x), relu(-x); layer 2 pieces h1 and h1+h2 coincide on x>0 "
                   "(tie: piece 0): (0,1,0); on x<0 they are 0 and -x: (1,0,1)"),
    ]
    return out
