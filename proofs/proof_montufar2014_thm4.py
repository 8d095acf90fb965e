"""Montúfar et al. 2014, Theorem 4 and its refinement eq. (7) (App. B); Pascanu et al. 2013.

Statement (Sec. 3.2, Theorem 4)
-------------------------------
    "The maximal number of linear regions of the functions computed by a neural network with
    n_0 input units and L hidden layers, with n_i >= n_0 rectifiers at the i-th layer, is
    lower bounded by (prod_{i=1}^{L-1} floor(n_i/n_0)^{n_0}) sum_{j=0}^{n_0} C(n_L, j)."

Statement (App. B, eq. (7))
---------------------------
    "Let m_l denote the remainder of n_l divided by n_0. Choosing p_{l,1} = ... =
    p_{l,n_0-m_l} = floor(n_l/n_0) and p_{l,n_0-m_l+1} = ... = p_{l,n_0} = floor(n_l/n_0) + 1, we
    obtain a total of linear regions (prod_{l=1}^{L-1} floor(n_l/n_0)^{n_0-m_l}
    (floor(n_l/n_0)+1)^{m_l}) sum_{j=0}^{n_0} C(n_L, j). This is equal to the bound given in
    theorem when all remainders m_l = n_l - n_0 floor(n_l/n_0) are zero, and otherwise it is
    larger."

Pascanu, Montúfar, Bengio 2013 (as quoted in Sec. 3.2): the earlier bound
``(prod_{l<L} floor(n_l/n_0)) Phi(n_L, n_0)``, "Omega((n/n_0)^{L-1} n^{n_0})".

Registry entries: ``montufar2014-thm4``, ``montufar2014-thm4-eq7``, ``pascanu2013`` (lower).

Verdict
-------
**Proved** (by the construction of App. B, see proof_montufar2014_lemma2.py for the counted
construction) and **checked on a range**: the registry values equal the construction's count
computed from the group sizes; eq. (7)'s layer factor is the largest product of ``n_0``
positive group sizes summing to at most ``n_l`` (so eq. (7) is the best this construction
gives); eq. (7) >= Thm 4 with equality iff every remainder ``m_l`` (``l < L``) is 0 -- the
paper's "when all remainders are zero" must be read for ``l < L`` only, ``m_L`` plays no role;
Pascanu 2013 <= Thm 4, strictly as soon as ``n_0 >= 2`` and some ``floor(n_l/n_0) >= 2``.
Every lower bound stays below the upper bounds (Serra Thm 1, Montúfar 2017) on the range.

Argument
--------
Split layer ``l < L`` into ``n_0`` groups of sizes ``p_{l,1..n_0}``; group ``i`` reads coordinate
``i`` only and its alternating sum folds ``[0, 1]`` ``p_{l,i}`` times onto ``[0, 1]``
(proof_montufar2014_folding.py). The sum is affine in the layer's outputs, so the next
layer absorbs it. By induction the first ``L - 1`` layers map ``prod_l prod_i p_{l,i}`` disjoint
open boxes each onto ``(0, 1)^{n_0}``; the last layer cuts ``(0, 1)^{n_0}`` by ``n_L`` hyperplanes
in general position into ``Phi(n_L, n_0)`` regions, each met inside the cube, and by Lemma 2
these are replicated in every box. A product of ``n_0`` positive integers with a fixed sum is
largest when they differ by at most 1 (moving a unit from a larger to a smaller part does
not decrease it), which gives eq. (7); dropping the remainder gives Thm 4. Pascanu 2013's
bound has one factor ``floor(n_l/n_0)`` per layer where Thm 4 has ``n_0`` of them, so the ratio
is ``prod_{l<L} floor(n_l/n_0)^{n_0 - 1}``.
"""

import itertools
import math

import sympy as sp

from _proofkit import architectures, phi_literal, registry_entry
from regionmath import Architecture
from regionmath.bounds import substitute


def group_sizes(n_l, n0):
    """n0 groups dealt round-robin from n_l units: the balanced split of App. B."""
    return [len(range(i, n_l, n0)) for i in range(n0)]


def best_split_product(n_l, n0):
    """max prod(p) over n0 positive integers with sum <= n_l, by exhaustion."""
    return max(math.prod(p) for p in itertools.product(range(1, n_l + 1), repeat=n0) if sum(p) <= n_l)


def construction_count(arch):
    return math.prod(math.prod(group_sizes(w, arch.n0)) for w in arch.widths[:-1]) * phi_literal(arch.widths[-1], arch.n0)


def valid(n0_range, width_range, depth_range):
    return (a for a in architectures(n0_range, width_range, depth_range) if min(a.widths) >= a.n0)


def test_registry_values_are_the_construction_counts():
    thm4, eq7, pascanu = (registry_entry(i) for i in ("montufar2014-thm4", "montufar2014-thm4-eq7", "pascanu2013"))
    for arch in valid(range(1, 5), range(1, 10), range(1, 4)):
        n0, ws = arch.n0, arch.widths
        assert eq7.value(arch) == construction_count(arch)
        dropped = math.prod((w // n0) ** n0 for w in ws[:-1]) * phi_literal(ws[-1], n0)
        assert thm4.value(arch) == dropped
        assert pascanu.value(arch) == math.prod(w // n0 for w in ws[:-1]) * phi_literal(ws[-1], n0)


def test_eq7_is_the_best_split():
    for n0 in range(1, 4):
        for n_l in range(n0, 11):
            assert math.prod(group_sizes(n_l, n0)) == best_split_product(n_l, n0)


def test_eq7_versus_thm4_and_pascanu():
    thm4, eq7, pascanu = (registry_entry(i) for i in ("montufar2014-thm4", "montufar2014-thm4-eq7", "pascanu2013"))
    for arch in valid(range(1, 5), range(1, 10), range(1, 4)):
        rems = [w % arch.n0 for w in arch.widths[:-1]]
        assert eq7.value(arch) >= thm4.value(arch)
        assert (eq7.value(arch) == thm4.value(arch)) == (not any(rems))
        assert pascanu.value(arch) <= thm4.value(arch)
        strict = arch.n0 >= 2 and any(w // arch.n0 >= 2 for w in arch.widths[:-1])
        assert (pascanu.value(arch) < thm4.value(arch)) == strict


def test_hypothesis_n_l_at_least_n0_is_enforced():
    thm4 = registry_entry("montufar2014-thm4")
    assert not thm4.applies(Architecture(3, (2, 5)))
    assert thm4.applies(Architecture(3, (3, 5)))


def test_expressions_match_values():
    for bid in ("montufar2014-thm4", "montufar2014-thm4-eq7", "pascanu2013"):
        b = registry_entry(bid)
        for arch in valid(range(1, 4), range(1, 8), range(1, 3)):
            assert int(sp.Integer(substitute(b.expr(arch), arch).doit())) == b.value(arch)


def test_lower_bounds_below_upper_bounds():
    lowers = [registry_entry(i) for i in ("montufar2014-thm4", "montufar2014-thm4-eq7", "pascanu2013")]
    uppers = [registry_entry(i) for i in ("serra2018-thm1", "montufar2017", "montufar2014-prop3")]
    for arch in valid(range(1, 5), range(1, 10), range(1, 4)):
        top = min(u.value(arch) for u in uppers)
        assert all(lo.value(arch) <= top for lo in lowers)
