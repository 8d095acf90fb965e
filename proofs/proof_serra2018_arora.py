"""Arora et al. 2018 and Serra et al. 2018's improvement: zonotope first layer, folding later layers.

Statement (REFERENCES.md; Arora et al., ICLR 2018, Thm 2.11(i); Serra et al., ICML 2018,
Thm 9 [numbers unsure, restated])
----------------------------------------------------------------------------------------
    a network with first layer 2m units and L-1 further layers of w units has
    2 * sum_{j=0}^{n0-1} C(m-1, j) * w^(L-1) regions; Serra 2018 improves w^(L-1) to
    (w+1)^(L-1).  Hypotheses: m >= 1, w >= 2.

Registry entries: ``arora2018``, ``serra2018-arora-improved`` (lower).

Verdict
-------
* ``arora2018``: **checked on a range** (registry = literal formula, below Thm 1) and
  **certified by construction** where the toolkit builds it.
* ``serra2018-arora-improved`` with ``w >= 3``: checked the same way and certified by
  construction (the turned fold, proof_serra2018_turned_fold.py).
* With ``w = 2`` (allowed by the statement as carried): **refuted for L >= 4**. Smallest
  counterexample: ``n_0 = 1``, ``m = 1``, widths ``(2, 2, 2, 2)``: the formula claims
  ``2 * 3^3 = 54`` but every such network has at most 47 regions on the whole line (proof
  below). At ``L = 3`` it **holds** there: ``n_0 = 1``, widths ``(2, 2, 2)`` has at most 19 regions
  and a network with exactly 19 is certified here (>= 18 claimed); at ``L = 2`` it holds
  (widths ``(2, 2)``: 7 >= 6). The toolkit's entry asks ``w >= 3`` when ``L >= 3``: right for
  ``L >= 4``; conservative at ``L = 3`` (true at least for ``n_0 = 1, m = 1``; not settled in
  general).

The recursion is attained by certified records at ``L = 2, 3`` (7 and 19 regions), so the
checks below fail for any weaker recursion; the lemma is a complete case analysis (checked
again exhaustively over coefficients in ``{-2..2}``).

Argument (the bound for width-2 layers on a line)
-------------------------------------------------
*Lemma.* For a line ``y(s) = p + s d`` in ``R^2`` and ``F(y) = e_1 relu(y_1) + e_2 relu(y_2) + f``,
``s -> F(y(s))`` has at most 2 maximal weakly monotone pieces. Each term is weakly monotone
and is flat on one side of its breakpoint. If the terms go the same way the sum is
monotone. Otherwise the slope sequence over the (at most) three pieces is ``(0, a, a+b)``,
``(a+b, b, 0)``, ``(a, 0, b)`` or ``(a, a+b, b)`` with ``a, b`` the slopes of the two terms where
non-flat: a zero slope merges with a neighbour, and in the last case the middle slope is the
sum of the outer ones, so the signs cannot alternate three times.

*Bound.* Let ``r_l`` be the number of activation regions of layers ``1..l`` on ``R``. A unit of
layer ``l + 1`` reads ``F(z_l(x))`` where ``z_l`` (the 2 pre-activations of layer ``l``) is affine on
each of the ``r_{l-1}`` regions of layers ``< l``: by the lemma it has at most ``2 r_{l-1}`` weakly
monotone pieces, hence changes sign at most ``2 r_{l-1}`` times, and each new region of layer
``l + 1`` needs such a sign change inside a region of layers ``<= l``. So
``r_{l+1} <= r_l + 2 w_{l+1} r_{l-1}``, ``r_0 = 1``, ``r_1 <= 1 + w_1``. All widths 2: ``3, 7, 19, 47, 123``
for ``L = 1..5``, against ``2 * 3^{L-1} = 2, 6, 18, 54, 162``.
"""

import itertools
import math
import random
from fractions import Fraction as F

import pytest

from _proofkit import architectures, check_upper_on_records, records, regions_1d, registry_entry, toolkit_build, toolkit_count
from proof_serra2018_exact_1d import LEMMA_PIECES, line_upper
from regionmath import Architecture


def arora_literal(arch, extra):
    m, w = arch.widths[0] // 2, arch.widths[1]
    return 2 * sum(math.comb(m - 1, j) for j in range(arch.n0)) * (w + extra) ** (arch.L - 1)


def width2_line_bound(L):
    """r_L from r_{l+1} <= r_l + 4 r_{l-1}, r_0 = 1, r_1 = 3 (every width 2, n0 = 1): the proved
    line bound of proof_serra2018_exact_1d.py at widths (2, ..., 2)."""
    return line_upper((2,) * L)


def monotone_pieces(values):
    """Maximal weakly monotone pieces of a piecewise-linear function given at its breakpoints."""
    slopes = [b - a for a, b in zip(values, values[1:])]
    signs = [1 if s > 0 else -1 for s in slopes if s != 0]
    return 1 + sum(1 for a, b in zip(signs, signs[1:]) if a != b)


# the certified 19-region network for n0 = 1, widths (2, 2, 2) (found by simulated annealing)
W19 = [[["-37/31"], ["61/18"]], [["-75/49", "-20/29"], ["11/19", "73/24"]], [["-5/2", "-7/24"], ["-73/36", "-12/41"]]]
B19 = [["-16/49", "144/43"], ["152/43", "-143/46"], ["179/34", "13/3"]]


def test_registry_values_and_order():
    arora, improved, t1 = (registry_entry(i) for i in ("arora2018", "serra2018-arora-improved", "serra2018-thm1"))
    for arch in architectures(range(1, 4), range(1, 9), range(2, 4)):
        if not arora.applies(arch):
            continue
        assert arora.value(arch) == arora_literal(arch, 0) <= t1.value(arch)
        if improved.applies(arch):
            assert arora.value(arch) < improved.value(arch) == arora_literal(arch, 1) <= t1.value(arch)
        else:
            assert arch.L >= 3 and arch.widths[1] == 2


def test_lemma_two_monotone_pieces():
    vals = range(-2, 3)
    for e1, e2, p1, p2, d1, d2 in itertools.product(vals, repeat=6):
        brk = sorted({F(-p, d) for p, d in ((p1, d1), (p2, d2)) if d})
        pts = [brk[0] - 1] + brk + [brk[-1] + 1] if brk else [F(0), F(1)]
        f = [e1 * max(p1 + s * d1, 0) + e2 * max(p2 + s * d2, 0) for s in pts]
        assert monotone_pieces(f) <= LEMMA_PIECES[2]
        g = [e1 * max(p1 + s * d1, 0) for s in pts]
        assert monotone_pieces(g) <= LEMMA_PIECES[1]


def test_records_attain_the_width2_bound():
    """Certified records reach r_L at L = 2, 3, so a weaker recursion (4 -> 3) fails here."""
    recs = [r for r in records("relu", n0=1) if set(r.arch.widths) == {2}]
    attained = check_upper_on_records(lambda a: width2_line_bound(a.L), recs)
    assert {"relu_n0-1_2-2", "relu_n0-1_2-2-2"} <= set(attained)


def test_width2_networks_respect_the_bound(heavy):
    rng = random.Random(29)
    for _ in range(300 if heavy else 80):
        L = rng.randint(2, 4)
        W, b, prev = [], [], 1
        for _ in range(L):
            W.append([[rng.randint(-4, 4) for _ in range(prev)] for _ in range(2)])
            b.append([rng.randint(-4, 4) for _ in range(2)])
            prev = 2
        assert len(regions_1d(W, b)) <= width2_line_bound(L)


def test_L3_is_attained_and_beats_the_formula():
    regions = regions_1d(W19, B19)
    assert len(regions) == 19 == width2_line_bound(3)
    ends = [r[1][0] for r in regions[1:]]
    lo, hi = math.floor(min(ends)) - 1, math.ceil(max(ends)) + 1
    from regionmath.network import Network
    net = Network.from_exact(W19, B19, box=([lo], [hi]))
    got = toolkit_count(net)
    assert got.complete and got.certified and got.count == 19
    assert 19 >= arora_literal(Architecture(1, (2, 2, 2)), 1) == 18


def test_L4_refutes_the_formula_with_w_2():
    arch = Architecture(1, (2, 2, 2, 2))
    claimed = arora_literal(arch, 1)
    assert width2_line_bound(4) == 47 < claimed == 54
    assert [width2_line_bound(L) for L in range(1, 6)] == [3, 7, 19, 47, 123]
    assert all(width2_line_bound(L) < arora_literal(Architecture(1, (2,) * L), 1) for L in range(4, 12))
    assert not registry_entry("serra2018-arora-improved").applies(arch)


@pytest.mark.parametrize("bid, n0, widths", [("arora2018", 2, (4, 3, 3)), ("serra2018-arora-improved", 2, (4, 3, 3)),
                                             ("serra2018-arora-improved", 1, (2, 3, 3)),
                                             ("serra2018-arora-improved", 1, (2, 2))])
def test_constructions(bid, n0, widths):
    arch = Architecture(n0, widths)
    c = toolkit_build(bid, arch)
    assert c.claimed == registry_entry(bid).value(arch)
    if n0 == 1:
        net = c.network
        count = len(regions_1d(net.exact_weights, net.exact_biases, lo=F(c.domain[0][0]), hi=F(c.domain[1][0])))
    else:
        got = toolkit_count(c.network, domain=c.domain)
        assert got.complete and got.certified
        count = got.count
    assert count == c.claimed if c.exact else count >= c.claimed
