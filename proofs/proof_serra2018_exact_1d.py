"""Serra et al. 2018: the exact maximum for one input dimension.

Statement (poster, Sec. 5 summary; ICML paper, Theorem 7 [number unsure])
--------------------------------------------------------------------------
    "a tighter upper bound for rectifier networks, which is exact for unidimensional input"

i.e. for ``n_0 = 1`` the maximal number of regions is Theorem 1's value ``prod_l (n_l + 1)``;
the ICML paper attains it with widths ``n_l >= 3``.

Registry entry: ``serra2018-exact-1d`` (exact; hypotheses ``n_0 = 1``, ``n_l >= 3`` for ``l < L``).

Verdict
-------
* Upper half: **proved** -- Theorem 1 at ``n_0 = 1`` is ``prod (n_l + 1)`` whenever ``n_l >= 2``
  for ``l < L``; checked exhaustively on a range against the registry's Thm 1.
* Lower half: **certified by construction** -- the toolkit's ``serra2018-exact-1d`` networks
  are counted exactly here with an independent exact counter on the line (rational
  breakpoints) and reach ``prod (n_l + 1)``; the last layer may have any width (``n_L = 1, 2``
  included), so the hypothesis ``n_l >= 3`` is needed only for ``l < L``.
* Without a width hypothesis the poster's "exact for unidimensional input" is **refuted**:
  smallest counterexample ``n_0 = 1``, widths ``(2, 1)``: Theorem 1 gives 6 but every such
  network has at most 5 regions (proof below; a search over integer weights finds 5 and never
  6). In general widths ``(2, m)`` have at most ``3 + 2m < 3(m + 1)`` regions. The toolkit keeps
  ``n_l >= 3`` for ``l < L``; with ``n_l = 1`` Theorem 1 itself is smaller than the product.

Argument
--------
Upper: at ``n_0 = 1`` every ``j_l`` is 0 or 1, and ``n_i - j_i >= 1`` when ``n_i >= 2``, so
``J = {0, 1}^L`` and the sum is ``prod_l (C(n_l, 0) + C(n_l, 1))``. Lower: each layer ``l < L``
folds ``[0, 1]`` onto itself ``n_l + 1`` times (a sawtooth whose first piece gets its slope
from a unit facing the other way), and the last layer's ``n_L`` breakpoints cut each copy into
``n_L + 1``. Counterexample: with two first-layer units the line has at most 3 pieces, and a
second-layer pre-activation ``g = c_1 u_1 + c_2 u_2 + d`` is affine on each. If both units are
off on some piece, ``g`` is constant there. Otherwise one unit is active on the left and the
other on the right with overlapping active sets, and the slopes are ``s_1``, ``s_1 + s_3``,
``s_3``: the middle slope is the sum of the outer ones, so the slopes cannot alternate in
sign and ``g`` changes sign at most twice. Each of the ``m`` second-layer units adds at most two
breakpoints to the 3 pieces: at most ``3 + 2m`` regions.
"""

import random
from fractions import Fraction as F

import pytest

from _proofkit import architectures, regions_1d, registry_entry, toolkit_build, toolkit_count
from regionmath import Architecture


def test_upper_half_is_theorem1():
    exact, t1 = registry_entry("serra2018-exact-1d"), registry_entry("serra2018-thm1")
    for arch in architectures([1], range(1, 8), range(1, 5)):
        product = 1
        for w in arch.widths:
            product *= w + 1
        if all(w >= 2 for w in arch.widths[:-1]):
            assert t1.value(arch) == product
        else:
            assert t1.value(arch) < product
        if exact.applies(arch):
            assert exact.value(arch) == product


def test_lower_half_matches_serra_lower():
    exact, lower = registry_entry("serra2018-exact-1d"), registry_entry("serra2018-lower")
    for arch in architectures([1], range(3, 8), range(1, 4)):
        assert exact.value(arch) == lower.value(arch)


@pytest.mark.parametrize("widths", [(1,), (4,), (3, 1), (3, 2), (3, 3), (4, 2), (5, 3, 2), (3, 3, 3), (6, 4)])
def test_construction_attains_exactly(widths):
    arch = Architecture(1, widths)
    c = toolkit_build("serra2018-exact-1d", arch)
    net = c.network
    regions = regions_1d(net.exact_weights, net.exact_biases, lo=F(c.domain[0][0]), hi=F(c.domain[1][0]))
    assert len(regions) == registry_entry("serra2018-exact-1d").value(arch) == c.claimed
    if len(widths) <= 2:
        got = toolkit_count(net, domain=c.domain)
        assert got.complete and got.certified and got.count == len(regions)


def test_two_unit_layer_is_not_enough(heavy):
    t1 = registry_entry("serra2018-thm1")
    rng = random.Random(0)
    for m in (1, 2):
        best = 0
        for _ in range(4000 if heavy else 1500):
            W1 = [[rng.randint(-3, 3)] for _ in range(2)]
            b1 = [rng.randint(-3, 3) for _ in range(2)]
            W2 = [[rng.randint(-3, 3) for _ in range(2)] for _ in range(m)]
            b2 = [rng.randint(-3, 3) for _ in range(m)]
            best = max(best, len(regions_1d([W1, W2], [b1, b2])))
        assert best == 3 + 2 * m < t1.value(Architecture(1, (2, m))) == 3 * (m + 1)


def test_two_unit_layer_slopes_cannot_alternate():
    # one unit active on the left (slope -a), one on the right (slope b), overlapping: the
    # middle slope is the sum of the outer ones, so (-, +, -) and (+, -, +) are impossible
    for c1 in range(-3, 4):
        for c2 in range(-3, 4):
            for a in (1, 2, 3):
                for b in (1, 2, 3):
                    s = (-a * c1, -a * c1 + b * c2, b * c2)
                    assert not (s[0] < 0 < s[1] and s[2] < 0) and not (s[0] > 0 > s[1] and s[2] > 0)
