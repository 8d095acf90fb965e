"""Montúfar et al. 2014, Sec. 4: rank-2 maxout simulated by rectifiers; rectifier constructions and maxout.

Statements (Sec. 4)
-------------------
    (a) "Note that a rank-2 maxout layer can be simulated by a rectifier layer with twice as
    many units."
    (b) "We note that although certain functions that can be computed by maxout layers can
    also be computed by rectifier layers, the rectifier construction from last section leads
    to functions that are not computable by maxout networks (except in the rank-2 case)."

Verdict
-------
* (a) **Proved on a bounded input domain** (where the paper uses it: the constructions live
  in a box): ``max(a, b) = relu(a - b) + relu(b + C) - C`` with ``C >= max |b|`` on the domain,
  the constant ``-C`` absorbed by the next layer's bias; the activation regions correspond
  (the ``relu(b + C)`` unit is active on the whole domain). Checked exactly on random rational
  points and by counting both networks' regions in a box. **On all of R^n0 it fails** for a
  unit whose second piece ``b`` is not constant: two rectifier units cannot do it (proof below);
  three can, ``max(a, b) = relu(a - b) + relu(b) - relu(-b)``.
* (b) As printed, **refuted**: every function computed by a rectifier network is computed by a
  rank-``k`` maxout network of the same widths, for every ``k >= 2``: ``relu(t) = max(t, 0, -1,
  ..., -(k - 2))`` (the constant pieces below 0 are never maximal). Checked exactly on the
  folding construction of Sec. 3 (the rectifier construction meant) for ``k = 2, 3, 4``: equal
  outputs at rational points and equal region counts. What the sentence can mean -- that the
  folding construction does not use the extra pieces of rank ``k > 2`` -- is not a statement
  about computability.

Argument
--------
(a) ``relu(a - b) + b = max(a, b)``; on the domain ``b + C >= 0``, so ``relu(b + C) - C = b``.
With two units ``relu(u_1), relu(u_2)`` and an affine read-out ``c_1 relu(u_1) + c_2 relu(u_2) + e``
equal to ``max(a, b)`` on ``R^n0``: the kink of ``max(a, b)`` along ``a = b`` must be one of the
units' kinks, say ``u_1`` proportional to ``a - b`` and ``c_1 relu(u_1) = relu(a - b)`` up to an
affine function; then ``c_2 relu(u_2)`` must equal the affine function ``b`` up to affine terms,
so ``relu(u_2)`` is affine on ``R^n0``, i.e. ``u_2`` is constant, and ``b`` is constant.
(b) ``max(t, 0, -1, ..., -(k-2)) = max(t, 0)`` since each ``-i < 0``; replacing every relu unit
by this maxout unit changes no layer's output, and the argmax pattern is ``0 <-> t``, ``1 <-> 0``
with the constant pieces never chosen, so activation regions correspond one to one.
"""

import random
from fractions import Fraction as F

from _proofkit import brute_patterns, regions_1d
from proof_montufar2014_lemma2 import folding_network


def relu(v):
    return max(v, F(0))


CONSTANT_PIECES = {"pieces": lambda k: [-i for i in range(k - 1)]}    # 0, -1, ..., -(k-2)


def as_maxout(weights, biases, k):
    """Each relu unit w.x + c becomes the rank-k unit max(w.x + c, 0, -1, ..., -(k-2))."""
    W2, b2 = [], []
    for W, b in zip(weights, biases):
        rows, offs = [], []
        for row, c in zip(W, b):
            rows += [list(row)] + [[0] * len(row) for _ in range(k - 1)]
            offs += [c] + CONSTANT_PIECES["pieces"](k)
        W2.append(rows)
        b2.append(offs)
    return W2, b2


def forward(weights, biases, x, rank=1):
    h = list(x)
    for W, b in zip(weights, biases):
        z = [sum(F(w) * v for w, v in zip(row, h)) + F(c) for row, c in zip(W, b)]
        h = [relu(v) for v in z] if rank == 1 else [max(z[u * rank:(u + 1) * rank]) for u in range(len(z) // rank)]
    return h


SIMULATION = {"C": lambda bmax: bmax}      # the shift: any C >= max |b| on the domain


def test_rank2_maxout_by_two_rectifiers_on_a_box():
    rng = random.Random(8)
    for _ in range(200):
        a = [F(rng.randint(-9, 9), rng.randint(1, 4)) for _ in range(3)]    # a0 + a1 x + a2 y
        b = [F(rng.randint(-9, 9), rng.randint(1, 4)) for _ in range(3)]
        C = SIMULATION["C"](abs(b[0]) + abs(b[1]) + abs(b[2]))             # max |b| on [-1, 1]^2
        x = [F(rng.randint(-100, 100), 100) for _ in range(2)]
        av = a[0] + a[1] * x[0] + a[2] * x[1]
        bv = b[0] + b[1] * x[0] + b[2] * x[1]
        assert max(av, bv) == relu(av - bv) + relu(bv + C) - C
        assert max(av, bv) == relu(av - bv) + relu(bv) - relu(-bv)


def test_rank2_maxout_regions_match_on_a_box():
    # one rank-2 unit max(x, -x + 1/2) and its simulation (relu(2x - 1/2), relu(-x + 1/2 + C))
    mx = brute_patterns([[[1], [-1]]], [[0, F(1, 2)]], rank=2, box=([-1], [1]))
    C = F(3, 2)
    sim = brute_patterns([[[2], [-1]]], [[F(-1, 2), F(1, 2) + C]], box=([-1], [1]))
    assert len(mx) == len(sim) == 2


def test_not_on_the_whole_line():
    # relu(b + C) - C with b = -x: wrong once -x + C < 0, i.e. outside the box
    C = F(1)
    x = F(3)
    assert relu(-x + C) - C != -x


def test_folding_construction_is_a_maxout_network():
    for widths in [(3, 2), (2, 3, 2), (4, 3)]:
        W, b, _ = folding_network(1, widths)
        base = len(regions_1d(W, b, lo=F(0), hi=F(1)))
        for k in (2, 3, 4):
            Wk, bk = as_maxout(W, b, k)
            assert len(regions_1d(Wk, bk, rank=k, lo=F(0), hi=F(1))) == base
            for t in range(0, 41):
                x = [F(t, 40)]
                assert forward(W, b, x) == forward(Wk, bk, x, rank=k)
