"""The turned fold: p >= 3 rectifiers fold an interval into p + 1 copies; p = 2 cannot.

Statement (the toolkit's derivation of Serra et al. 2018's lower-bound construction)
-------------------------------------------------------------------------------------
For ``p >= 3`` there are ``p`` units ``relu(+-(2p+1)u - (2i-1))`` (unit 3 facing left, the
others right) and coefficients ``c = (-3/2, 1, -1, 1, ...)``, constant 5, such that
``g(u) = 5 + sum_i c_i h_i`` maps each of the ``p + 1`` intervals cut by the breakpoints
``b_i = (2i-1)/(2p+1)`` affinely onto ``[0, 1]``. For ``p <= 2`` no choice of weights makes
``p`` units cut a line into ``p + 1`` pieces that are all mapped onto one interval.

This is what the constructions ``serra2018-lower``, ``serra2018-exact-1d`` and
``serra2018-arora-improved`` rest on, and why they need ``floor(n_l/n0) >= 3`` (resp. ``w >= 3``
when ``L >= 3``). The registry entry ``serra2018-arora-improved`` states ``w >= 2``; for ``w = 2``
this argument shows Serra's per-layer factor ``w + 1 = 3`` cannot come from a 1-D fold.

Verdict
-------
**Proved** (argument below) and **checked** exactly for ``p = 3 .. 40`` with rational
arithmetic, and for ``p = 2`` by solving the slope equations of every orientation pattern.

Argument
--------
Write unit ``i`` as ``relu(sigma_i a_i (u - b_i))``, ``a_i > 0``, ``b_1 < ... < b_p`` in ``(0, 1)``.
Crossing ``b_i`` rightwards changes the slope of ``c_i h_i`` by ``Delta_i = c_i a_i`` whatever
``sigma_i`` (a right-facing unit switches on, a left-facing one switches off). Left of every
breakpoint only left-facing units are active, so the first slope is
``s_0 = -sum_{sigma_i = -1} Delta_i``. Adjacent pieces mapped onto one interval must have
slopes of opposite signs (two increasing pieces map onto abutting intervals), so the slopes
``s_0, ..., s_p`` alternate. With ``Delta_i = s_i - s_{i-1}``:

* ``p = 2``: no unit turned gives ``s_0 = 0``; unit 1 turned gives ``s_0 = s_0 - s_1``, so ``s_1 = 0``;
  unit 2 gives ``s_0 = s_1 - s_2``, impossible as ``s_0, s_2`` share a sign opposite to ``s_1``;
  both give ``s_2 = 0``. (``p = 1``: ``s_0 = 0`` or ``s_1 = 0``.)
* ``p >= 3``, unit 3 turned: ``s_0 = s_2 - s_3`` holds with ``s_2 > 0 > s_3`` and ``|s_0| = s_2 + |s_3|``.
  Choosing ``|s_0| = 2p + 1`` and ``|s_i| = (2p+1)/2`` for ``i >= 1`` makes the lengths
  ``1/|s_i|`` sum to 1: piece 0 is ``[0, 1/(2p+1)]`` and piece ``i`` is ``[b_i, b_i + 2/(2p+1)]``.
"""

import itertools
from fractions import Fraction as F

import pytest
import sympy as sp

from _proofkit import toolkit_module


def _fold(p):
    layers = toolkit_module("regionmath.constructions.layers")
    return layers.turned_sawtooth(p, 0, 1)


@pytest.mark.parametrize("p", list(range(3, 41)))
def test_turned_fold_maps_every_piece_onto_the_unit_interval(p):
    rows, biases, coeffs, alpha = _fold(p)
    assert len(rows) == p

    def g(u):
        return alpha + sum(c * max(F(0), r[0] * u + b) for r, b, c in zip(rows, biases, coeffs))

    breaks = sorted(-b / r[0] for r, b in zip(rows, biases))
    assert all(0 < x < 1 for x in breaks) and len(set(breaks)) == p
    ends = [F(0)] + breaks + [F(1)]
    for i, (x0, x1) in enumerate(zip(ends, ends[1:])):
        # affine on the piece (checked at the quarter points), onto [0, 1], alternating
        q = [x0 + (x1 - x0) * t / 4 for t in range(5)]
        vals = [g(x) for x in q]
        assert all(vals[t + 1] - vals[t] == vals[1] - vals[0] for t in range(4))
        assert sorted([vals[0], vals[-1]]) == [0, 1]
        assert (vals[-1] > vals[0]) == (i % 2 == 0)


def test_two_units_cannot_make_three_alternating_pieces():
    """Every orientation pattern: s0 = -(sum of Delta_i over turned units) has no solution with
    s0, s2 of one sign and s1 of the other (sympy decides it with positive magnitudes)."""
    s0, s1, s2 = sp.symbols("s0 s1 s2", real=True)
    a, b, c = sp.symbols("a b c", positive=True)
    deltas = {1: s1 - s0, 2: s2 - s1}
    for turned in itertools.chain.from_iterable(itertools.combinations((1, 2), r) for r in range(3)):
        for sign in (1, -1):
            eq = sp.Eq(s0, -sum((deltas[i] for i in turned), sp.Integer(0)))
            assert sp.simplify(eq.subs({s0: sign * a, s1: -sign * b, s2: sign * c})) is sp.false
    # the same equations with three units and unit 3 turned do have solutions
    s3 = sp.Symbol("s3", real=True)
    eq = sp.Eq(s0, -(s3 - s2))
    assert sp.simplify(eq.subs({s0: a + c, s1: -b, s2: a, s3: -c})) is sp.true


def test_three_units_first_slope_equation():
    """Turning unit 3 is consistent: s0 = s2 - s3 with the chosen slopes (p = 3)."""
    p = 3
    s = [2 * p + 1] + [(-1) ** i * F(2 * p + 1, 2) for i in range(1, p + 1)]
    assert s[0] == -(s[3] - s[2])
    assert F(1, abs(s[0])) + sum(F(1, abs(v)) for v in s[1:]) == 1
