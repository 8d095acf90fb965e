"""Montúfar et al. 2014, Sec. 3.1 and App. B: the alternating sum of rectifiers folds a line.

Statement (Sec. 3.1, "Illustration of the construction")
--------------------------------------------------------
    "h_1(x) = max{0, wx}, h_2(x) = max{0, 2wx - 1}, h_3(x) = max{0, 2wx - 2}, ...,
    h_p(x) = max{0, 2wx - (p-1)} [...] Adding these rectifiers with alternating signs, we
    obtain [...] h~_j(x) = [1, -1, 1, ..., (-1)^(p-1)] [h_1(x), ..., h_p(x)]^T.  (4)
    [...] This function has p linear regions given by the following intervals:
    (-oo, 0], [0, 1], [1, 2], ..., [p-1, oo). Each of these intervals has a subset that is
    mapped by h~_j onto the interval (0, 1)."

Statement (App. B, proof of Theorem 4)
--------------------------------------
    "for all x in (k-1, k), we have h~(x) = x + 2 sum_{i=1}^{k-1} (-1)^i (x - i)
    = (-1)^(k-1) (x - (k-1)) - 1/2((-1)^(k-1) - 1). [...] we obtain that h~ maps the
    interval (k-1, k) to the interval (0, 1)."

Verdict
-------
* App. B: **proved** (for symbolic k, with sympy) -- both the closed form and the endpoint
  values {0, 1}. The weights behind App. B's sum are ``h_1 = max{0, x}`` and
  ``h_i = max{0, 2x - 2(i-1)}`` for ``i >= 2``.
* Sec. 3.1 as printed: **refuted** (typo in the biases). With the printed biases ``2wx - (i-1)``
  the breakpoints are at ``(i-1)/2``, not ``i-1``, and the sum is half of App. B's sum at
  ``2x``: ``h~_Sec3.1(x) = 1/2 h~_AppB(2x)``. It maps ``((i-1)/2, i/2)`` onto ``(0, 1/2)``, and the
  intervals the text names are not mapped onto (0, 1): for every ``p >= 2`` the strip
  ``(0, 1)`` is mapped onto ``(0, 1/2]``; smallest counterexample ``p = 2``, ``x = 3/2`` in
  ``(1, 2)``, where ``h~(3/2) = 3/2 - 2 = -1/2``. App. B is right; the two differ
  by the scale ``x -> 2x`` on the input and ``1/2`` on the output. Also, the listed intervals
  are ``p + 1``, not ``p`` (the function has ``p`` breakpoints), and "h~ = [h~_1, ..., h~_p]"
  should read ``[h~_1, ..., h~_n0]``. (Fig. 5's caption, "Illustration of the proof of
  Theorem 8", shows this rectifier construction: it illustrates Theorem 4.)
* The toolkit's normalised fold (``p`` pieces on ``[0, 1]``): ``h~(x) = relu(p x) +
  sum_{i=1}^{p-1} (-1)^i 2 relu(p x - i)`` maps every ``[i/p, (i+1)/p]``, ``0 <= i < p``,
  affinely onto ``[0, 1]`` -- **proved** for symbolic ``p``. The constructions' sawtooth
  (``regionmath.constructions.layers.sawtooth``, unit 1 shifted by +1 and the sum by -1 so
  that no breakpoint sits on the box face) is the same function on ``[0, 1]`` (checked exactly).

Argument
--------
Fix ``0 <= j <= p - 1`` and ``y = p x`` in ``[j, j + 1]``. For ``i <= j``, ``y - i >= 0`` so
``relu(y - i) = y - i``; for ``i >= j + 1``, ``y - i <= 0`` so ``relu(y - i) = 0``. Hence on the
interval ``h~ = y + 2 sum_{i=1}^{j} (-1)^i (y - i)``, an affine function of ``y`` (so of ``x``).
Pairing consecutive terms, ``sum_{i=1}^{2m} (-1)^i (y - i) = -m`` and
``sum_{i=1}^{2m+1} (-1)^i (y - i) = -m - (y - 2m - 1)``; so ``h~ = y - 2m`` for ``j = 2m`` and
``h~ = 2m + 2 - y`` for ``j = 2m + 1``. At the ends ``y = j, j + 1`` the values are ``0, 1`` (j
even) or ``1, 0`` (j odd): the interval is mapped affinely onto ``[0, 1]``, increasing for even
``j`` and decreasing for odd ``j``. App. B's formula is the case ``y = x``, ``j = k - 1``. The
test functions below redo this computation in sympy for symbolic ``m``, and evaluate the
rectifier sums exactly (with the relu's, not the closed forms) on a range of ``p``.
"""

from fractions import Fraction as F

import sympy as sp

from _proofkit import toolkit_module, regions_1d

i, j, m = sp.symbols("i j m", integer=True, nonnegative=True)
y, x = sp.symbols("y x", real=True)


def relu(v):
    return max(v, 0)


def fold_toolkit(p, xv):
    """The normalised fold, evaluated from its rectifiers."""
    return relu(p * xv) + sum((-1) ** q * 2 * relu(p * xv - q) for q in range(1, p))


def fold_appB(p, xv):
    return relu(xv) + sum((-1) ** (q - 1) * relu(2 * xv - 2 * (q - 1)) for q in range(2, p + 1))


def fold_sec31(p, xv):
    return relu(xv) + sum((-1) ** (q - 1) * relu(2 * xv - (q - 1)) for q in range(2, p + 1))


def _on_piece(jv):
    """h~ on the piece y in [j, j+1] (symbolic j), from the alternating sum of the active units."""
    alt = sp.summation((-1) ** i, (i, 1, j)) * y - sp.summation(i * (-1) ** i, (i, 1, j))
    return (y + 2 * alt).subs(j, jv)


def test_each_piece_is_affine_onto_unit_interval_symbolic():
    for jv, ends in ((2 * m, (0, 1)), (2 * m + 1, (1, 0))):
        h = sp.expand(sp.simplify(_on_piece(jv)))
        assert sp.diff(h, y, 2) == 0                       # affine on the piece
        assert sp.diff(h, y) in (1, -1)                    # non-constant: onto its image
        assert (sp.simplify(h.subs(y, jv)), sp.simplify(h.subs(y, jv + 1))) == ends


def test_appB_closed_form_symbolic():
    for kv in (2 * m + 1, 2 * m + 2):                      # odd and even k, symbolic m
        lhs = _on_piece(kv - 1).subs(y, x)
        rhs = (-1) ** (kv - 1) * (x - (kv - 1)) - sp.Rational(1, 2) * ((-1) ** (kv - 1) - 1)
        assert sp.simplify(sp.expand(lhs - rhs)) == 0
        assert {sp.simplify(rhs.subs(x, kv - 1)), sp.simplify(rhs.subs(x, kv))} == {0, 1}


def test_rectifier_sums_exactly_on_a_range():
    for p in range(1, 13):
        for q in range(p):
            # the toolkit's fold on [q/p, (q+1)/p] and App. B's on [q, q+1]: onto [0, 1], affine
            a, b, mid = F(q, p), F(q + 1, p), F(2 * q + 1, 2 * p)
            assert {fold_toolkit(p, a), fold_toolkit(p, b)} == {0, 1}
            assert fold_toolkit(p, mid) == (fold_toolkit(p, a) + fold_toolkit(p, b)) / 2
            assert {fold_appB(p, F(q)), fold_appB(p, F(q + 1))} == {0, 1}
            # the scale relation between Sec. 3.1 as printed and App. B
            for t in (a, mid, b, F(q), F(2 * q + 1, 2)):
                assert fold_sec31(p, t) == fold_appB(p, 2 * t) / 2


def test_sec31_as_printed_fails():
    # smallest counterexample: p = 2, x = 3/2 in (1, 2) is mapped outside [0, 1]
    assert fold_sec31(2, F(3, 2)) == F(-1, 2)
    # for every p >= 2 even the first strip (0, 1) is mapped onto (0, 1/2], not onto (0, 1)
    for p in range(2, 10):
        vals = [fold_sec31(p, F(s, 64)) for s in range(1, 64)]
        assert max(vals) == F(1, 2) and min(vals) > 0


def test_piece_count_is_p_plus_one():
    # p units of App. B: p breakpoints 0, 1, ..., p-1, so p + 1 activation regions on R
    for p in range(1, 9):
        W = [[1]] + [[2]] * (p - 1)
        b = [0] + [-2 * (q - 1) for q in range(2, p + 1)]
        assert len(regions_1d([W], [b])) == p + 1


def test_toolkit_sawtooth_is_the_normalised_fold():
    # regionmath.constructions.layers.sawtooth shifts unit 1 by +1 (and the sum by -1): the same
    # function on [0, 1]; checked exactly at every breakpoint and midpoint
    layers = toolkit_module("regionmath.constructions.layers")
    for p in range(1, 13):
        rows, biases, coeffs, const = layers.sawtooth(p, 0, 1)

        def g(u):
            return const + sum(c * max(F(0), r[0] * u + b) for r, b, c in zip(rows, biases, coeffs))

        for q in range(p):
            for u in (F(q, p), F(2 * q + 1, 2 * p), F(q + 1, p)):
                assert g(u) == fold_toolkit(p, u)
