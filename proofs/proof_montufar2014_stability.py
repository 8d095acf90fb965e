"""Montúfar et al. 2014, Sec. 2.5 "Stability to Perturbation" (the brief's "Sec. 2.4").

Statement (Sec. 2.5)
--------------------
    "Given any function F_theta with a finite number of linear regions, there is an epsilon > 0
    such that for each epsilon-perturbation of the parameter theta, the resulting function
    F_{theta+epsilon} has at least as many linear regions as F_theta. The linear regions of
    F_theta are preserved under small perturbations of the parameters, because they have a
    finite volume."

Verdict
-------
* For **activation regions** (the toolkit's count, ``definition="interior"``), relu and maxout:
  **proved** (below), and checked on the certified records on the line (exact recount of a
  perturbed copy of every ``n0 = 1`` record: never fewer regions).
* "At least as many" cannot be sharpened to "as many": a unit that is identically zero on a
  region (here the unit ``0 x + 0``) gains a breakpoint under perturbation (2 -> 3 regions on
  the line, counted exactly).
* The paper's reason ("because they have a finite volume") is **wrong as stated**: most regions
  are unbounded (every region of a shallow net in ``R^n0`` except the bounded ones of the
  arrangement); what the argument needs is that each region contains an open set.
* For **pieces** (maximal connected sets where ``F`` is affine, the paper's definition) the
  statement is not decided here (a pieces count is the ``pieces`` files' subject).

Argument (activation regions)
-----------------------------
For each region ``R`` pick ``x_R`` in its interior where every unit whose pre-activation is not
identically zero on ``R`` is non-zero (relu), resp. every non-identical pair of pieces is not
tied (maxout): the bad set is a finite union of hyperplanes of ``R``'s affine pieces. Let
``R != R'``, and let ``u`` be the first unit (in layer order) where their patterns differ. All
earlier units agree, so ``u``'s pre-activation (or pair difference) is one affine function on
``R`` and on ``R'``; it cannot be identically zero on either (both would then call ``u``
inactive, resp. pick the same index), so it has strict opposite signs at ``x_R`` and ``x_R'``.
Pre-activations at a fixed input are continuous in the parameters, so for small enough
perturbations every strict sign at every ``x_R`` survives, in a neighbourhood of ``x_R``; inside
it pick a point off the (nowhere dense) zero sets of the perturbed network: it lies in a
region with interior whose pattern keeps those strict signs. The regions found for ``R`` and
``R'`` still differ at ``u``: at least as many regions.
"""

import random
from fractions import Fraction as F

from _proofkit import records, regions_1d


def perturbed(values, rng, eps):
    return [[[F(v) + eps * F(rng.randint(-1000, 1000), 1000) for v in row] for row in W] for W in values]


def count_line(weights, biases, rank=1):
    return len(regions_1d(weights, biases, rank=rank))


CLAIM = {"at least": lambda before, after: after >= before}


def test_records_keep_their_regions_under_small_perturbations():
    rng = random.Random(25)
    recs = records("relu", n0=1)[::6] + records("maxout", n0=1)
    assert len(recs) >= 50
    for r in recs:
        net = r.network()
        rank = r.arch.rank if r.arch.activation == "maxout" else 1
        W, b = net.exact_weights, [[list(v)] for v in net.exact_biases]
        Wp = perturbed(W, rng, F(1, 10 ** 9))
        bp = [row[0] for row in perturbed(b, rng, F(1, 10 ** 9))]
        assert CLAIM["at least"](r.count, count_line(Wp, bp, rank)), r.name


def test_at_least_cannot_be_as_many():
    before = count_line([[[1], [0]]], [[0, 0]])
    after = count_line([[[1], [F(1, 10 ** 9)]]], [[0, F(1, 10 ** 8)]])
    assert before == 2 and after == 3
    assert CLAIM["at least"](before, after) and after != before


def test_regions_are_mostly_unbounded():
    # one layer of 3 lines in general position: 7 regions, 1 bounded (Zaslavsky / Whitney)
    from _proofkit import whitney_regions
    regions, bounded = whitney_regions([[0, 1, 0], [0, 0, 1], [-1, 1, 1]])
    assert (regions, bounded) == (7, 1)
