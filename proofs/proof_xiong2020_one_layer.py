"""Xiong et al. 2020: the maximal number of regions of one convolutional ReLU layer.

Statement (as restated in ../shared/REFERENCES.md; the paper itself was not read)
---------------------------------------------------------------------------------
One convolutional layer with ``d`` filters, no pooling, output positions ``p`` with receptive
fields ``S_p``: the maximal number of regions is exactly
``R = sum_{t in K} prod_p C(d, t_p)``, ``K`` the non-negative integer arrays with
``sum_{p in J} t_p <= |union_{p in J} S_p|`` for every set ``J`` of positions.

Verdict
-------
* ``R`` is an **upper bound**: **proved** (below).
* As the exact maximum with shared weights: **refuted** as restated. Smallest case checked: a
  ``3 x 3`` image, two ``2 x 2`` filters, stride 1: ``R = 256`` but every such layer has at
  most 255 regions (proved: its 8 normals are always dependent), and 255 is attained
  (certified count). The formula counts layers whose units have independent generic weights
  on the same windows (no sharing): such a layer reaches 256 (certified count).
* Attained with shared weights where windows barely overlap (tests/test_bounds_conv.py).

Argument
--------
*Upper bound.* A layer of ReLU units cuts ``R^n0`` by one hyperplane per unit; the number of
regions of an arrangement is at most the number of subsets of hyperplanes whose normals are
linearly independent (Zaslavsky: ``r = sum_X |mu(X)|`` over the intersection poset, which for
generic translations equals, and otherwise is at most, the number of independent sets; Stanley,
*An introduction to hyperplane arrangements*, Prop. 2.4 and Thm. 2.5). The normal of the unit
of filter ``f`` at position ``p`` is supported in ``S_p``; if a set of units takes ``t_p`` units at
the positions of ``J`` with ``sum_J t_p > |union_J S_p|`` their normals lie in a space of that
smaller dimension and are dependent. So every independent set gives an array ``t`` in ``K``, and
there are ``prod_p C(d, t_p)`` sets per array.

*Sharing breaks it.* Read a ``2 x 2`` filter ``f`` as the polynomial ``f(x, y)`` of bidegree
``(1, 1)``; its unit at position ``(i, j)`` of a ``3 x 3`` image has the normal ``x^i y^j f``
(bidegree ``<= (2, 2)``, a 9-dimensional space). For two filters, ``g f - f g = 0`` expands into
``sum g_ij x^i y^j f - sum f_ij x^i y^j g = 0``: a non-trivial linear dependency among the 8
normals (coefficients ``g_ij`` and ``-f_ij``), for every choice of ``f, g`` (not both zero). The
set of all 8 units is dependent, so at most ``2^8 - 1 = 255`` subsets are independent.
"""

from fractions import Fraction
import random

import numpy as np

from regionmath.bounds import conv as _conv


def _layer(shape, filters, bias):
    conv = _conv
    return conv.conv_matrix(shape, filters, bias)


def test_dependency_of_the_eight_normals():
    conv = _conv
    shape = conv.ConvShape(1, 3, 3, filters=2, kernel=(2, 2))
    rng = random.Random(2006)
    for _ in range(20):
        f = [[[[Fraction(rng.randint(-9, 9)) for _ in range(2)] for _ in range(2)]] for _ in range(2)]
        W, _ = _layer(shape, f, [0, 0])
        # rows 0..3: filter 0 at positions (0,0),(0,1),(1,0),(1,1); rows 4..7: filter 1
        g0, g1 = f[0][0], f[1][0]
        coeff = [g1[i][j] for i in range(2) for j in range(2)] + [-g0[i][j] for i in range(2) for j in range(2)]
        combo = [sum(c * W[r, k] for r, c in enumerate(coeff)) for k in range(9)]
        assert any(coeff) and all(v == 0 for v in combo)


def test_mutation_unshared_layer_reaches_the_formula_shared_stays_below():
    conv = _conv
    from regionmath.counting import count_regions
    from regionmath.network import Network
    shape = conv.ConvShape(1, 3, 3, filters=2, kernel=(2, 2))
    assert conv.xiong2020_one_layer(shape) == 256
    best = 0
    for seed in (1, 2):
        rng = np.random.default_rng(seed)
        f = np.vectorize(Fraction, otypes=[object])(rng.integers(-20, 21, size=(2, 1, 2, 2)))
        b = [Fraction(int(x)) for x in rng.integers(-20, 21, size=2)]
        W, bias = conv.conv_matrix(shape, f, b)
        shared = count_regions(Network.from_exact([W.tolist()], [bias.tolist()]), domain="R^n0")
        assert shared.complete and shared.certified and shared.count <= 255
        best = max(best, shared.count)
    assert best == 255
    # mutation: the same windows without sharing (each unit its own weights) reach the formula
    fields = conv.receptive_fields(shape)
    free = np.zeros((8, 9), dtype=object)
    for r in range(8):
        for k in fields[r % 4]:
            free[r, k] = Fraction(int(rng.integers(-20, 21)))
    offsets = [Fraction(int(x)) for x in rng.integers(-20, 21, size=8)]
    unshared = count_regions(Network.from_exact([free.tolist()], [offsets]), domain="R^n0")
    assert unshared.complete and unshared.certified and unshared.count == 256
