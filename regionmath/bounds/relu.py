"""Bounds for rectifier (ReLU) networks.

A ReLU unit is active on one side of a hyperplane in its layer's input, so one layer cuts
each region of the previous layers by a hyperplane arrangement; Zaslavsky's theorem counts
the cells, ``Phi(m, d) = sum_{j<=d} C(m, j)`` for ``m`` hyperplanes in dimension ``d``.
Upper bounds track the dimension of each region's image through the layers; lower bounds
come from explicit constructions (folding the input space, Montúfar et al. 2014). The papers
print the folding bounds' width conditions for every layer; the last layer does not fold (it
is any arrangement in general position), so the toolkit asks them only of layers ``l < L``.

=========================== ====== ==========================================================
id                          kind   statement (``q_l = floor(n_l / n0)``)
=========================== ====== ==========================================================
zaslavsky                   exact  ``L = 1``: the maximum is ``Phi(n_1, n0)``
montufar2014-prop3          upper  ``2^N``
pascanu2013                 lower  ``(prod_{l<L} q_l) Phi(n_L, n0)``, ``n_l >= n0`` (``l < L``)
montufar2014-thm4           lower  ``(prod_{l<L} q_l^n0) Phi(n_L, n0)``, ``n_l >= n0`` (``l < L``)
montufar2014-thm4-eq7       lower  Thm 4 with the remainders ``m_l = n_l mod n0`` used
montufar2014-cor5           lower  ``Omega((n/n0)^((L-1) n0) n^n0)`` (asymptotic only)
montufar2017                upper  ``prod_l Phi(n_l, min(n0, n_1, ..., n_l))``
raghu2017                   upper  ``O(n^(L n0))`` (asymptotic only)
serra2018-thm1              upper  ``sum_{j in J} prod_l C(n_l, j_l)`` (see below)
serra2018-thm1-rank         upper  Thm 1 with ``n_l`` in the cap replaced by ``rank W^l``
serra2018-exact-1d          exact  ``n0 = 1``, ``n_l >= 3`` (``l < L``): ``prod_l (n_l + 1)``
serra2018-lower             lower  ``(prod_{l<L} (q_l + 1)^n0) Phi(n_L, n0)``, ``n_l >= 3 n0`` (``l < L``)
arora2018                   lower  ``(2m, w, ..., w)``: ``2 Phi(m - 1, n0 - 1) w^(L-1)``
serra2018-arora-improved    lower  the same with ``(w + 1)^(L-1)``
=========================== ====== ==========================================================

Serra et al.'s Theorem 1 sums over ``J``, the integer vectors with
``0 <= j_l <= min(n0, n_1 - j_1, ..., n_{l-1} - j_{l-1}, n_l)`` for every layer: ``j_l`` units of
layer ``l`` are counted as cutting, and a layer with ``j_l`` of its ``n_l`` units off leaves an
image of dimension at most ``n_l - j_l``. The cap depends on the earlier ``j`` only through
its running minimum, a number in ``0..n0``; :func:`serra2018_thm1_dp` runs a dynamic programme
over that minimum with ``O(L n0)`` big-integer operations, where the literal sum over ``J``
(:func:`serra2018_thm1_by_enumeration`, kept as the reference) has exponentially many terms.

Examples
--------
>>> from regionmath import Architecture, bounds
>>> a = Architecture(2, (3, 3))
>>> [bounds.get(i).value(a) for i in ("montufar2014-thm4", "serra2018-thm1", "montufar2017",
...                                   "montufar2014-prop3")]
[7, 40, 49, 64]
>>> serra2018_thm1_by_enumeration(2, (3, 3))          # the literal sum over J agrees
40

A narrow first layer is a bottleneck: Theorem 1 sees that few units in layer 1 leave a
low-dimensional image, Montúfar 2017 only that the layer is narrow.

>>> b = Architecture(3, (4, 4))
>>> bounds.get("serra2018-thm1").value(b), bounds.get("montufar2017").value(b)
(161, 225)

Shallow networks are counted exactly, and so are networks on the line:

>>> bounds.get("zaslavsky").value(Architecture(2, (4,)))      # 1 + 4 + 6
11
>>> bounds.get("serra2018-exact-1d").value(Architecture(1, (3, 4)))
20
>>> bounds.get("zaslavsky").value(Architecture(2, (4, 4)))
Traceback (most recent call last):
...
regionmath.errors.HypothesisError: zaslavsky does not apply: it is a shallow result: L = 1 hidden layer needed, got L = 2

Theorem 1 with the weights' ranks, as stated: a rank-1 first layer caps ``j_1 <= 1`` (the
cap of later layers still reads ``n_1 - j_1``, not the rank):

>>> bounds.get("serra2018-thm1-rank").value(b, ranks=[1, 4])      # 1*Phi(4,3) + 4*Phi(4,3)
75

The asymptotic forms say how each bound grows for ``L`` layers of width ``n -> oo``:

>>> print(bounds.get("montufar2017").asymptotic("n"))
Theta(n**(L*n0)/factorial(n0)**L) as n -> oo (value/term -> 1)
>>> print(bounds.get("raghu2017").asymptotic("n"))
O(n**(L*n0)) as n -> oo

References
----------
.. [1] T. Zaslavsky, "Facing up to arrangements: face-count formulas for partitions of space
   by hyperplanes", Mem. Amer. Math. Soc. 154, 1975.
.. [2] R. Pascanu, G. Montúfar, Y. Bengio, "On the number of response regions of deep feed
   forward networks with piece-wise linear activations", arXiv 1312.6098, 2013.
.. [3] G. Montúfar, R. Pascanu, K. Cho, Y. Bengio, "On the number of linear regions of deep
   neural networks", NIPS 2014 (arXiv 1402.1869): Prop. 3, Thm. 4, App. B eq. (7), Cor. 5.
.. [4] G. Montúfar, "Notes on the number of linear regions of deep neural networks", SampTA 2017.
.. [5] M. Raghu, B. Poole, J. Kleinberg, S. Ganguli, J. Sohl-Dickstein, "On the expressive
   power of deep neural networks", ICML 2017 (arXiv 1606.05336), Thm. 1.
.. [6] T. Serra, C. Tjandraatmadja, S. Ramalingam, "Bounding and counting linear regions of
   deep neural networks", ICML 2018 (arXiv 1711.02114), Thm. 1 and Sec. 3.
.. [7] R. Arora, A. Basu, P. Mianjy, A. Mukherjee, "Understanding deep neural networks with
   rectified linear units", ICLR 2018 (arXiv 1611.01491).
"""

from __future__ import annotations

import numbers
from itertools import accumulate
from math import comb, prod

import sympy as sp

from ..combinatorics import binomial_row, phi
from ..errors import RegionmathError
from .base import AsymptoticForm, Bound, Source, L, n, n0, register, width_symbols

MONTUFAR2014 = "Montúfar, Pascanu, Cho, Bengio 2014"
MONTUFAR2014_REF = "On the number of linear regions of deep neural networks, NIPS 2014 (arXiv 1402.1869)"
SERRA2018 = "Serra, Tjandraatmadja, Ramalingam 2018"
SERRA2018_REF = "Bounding and counting linear regions of deep neural networks, ICML 2018 (arXiv 1711.02114)"
try:  # exact either way; gmpy2 is the fast path
    from gmpy2 import mpz as _mpz
except ImportError:  # pragma: no cover
    _mpz = int

ARORA2018 = "Arora, Basu, Mianjy, Mukherjee 2018"
ARORA2018_REF = "Understanding deep neural networks with rectified linear units, ICLR 2018 (arXiv 1611.01491)"


__all__ = ["MONTUFAR2014", "MONTUFAR2014_REF", "SERRA2018", "SERRA2018_REF", "ARORA2018", "ARORA2018_REF",
           "serra2018_thm1_by_enumeration", "serra2018_thm1_dp", "LAST_LAYER_NOTE", "Zaslavsky",
           "MontufarProp3", "Pascanu2013", "MontufarThm4", "MontufarThm4Eq7", "MontufarCor5", "Montufar2017",
           "Raghu2017", "Serra2018Thm1", "rank_symbols", "Serra2018Thm1Rank", "Serra2018Exact1D",
           "Serra2018Lower", "Arora2018", "Serra2018AroraImproved", "Charisopoulos2018"]


def _j(count):
    """Summation indices ``j_1..j_count`` of the nested sums."""
    return tuple(sp.Symbol(f"j_{i}", integer=True, nonnegative=True) for i in range(1, count + 1))


def _phi_expr(m, d, j=sp.Symbol("j", integer=True, nonnegative=True)):
    """``Phi(m, d)`` as an unevaluated sympy sum."""
    return sp.Sum(sp.binomial(m, j), (j, 0, d))


# -- Serra et al. 2018, Theorem 1 ------------------------------------------------------------------
def _check_caps(widths, caps):
    if caps is None:
        return tuple(widths)
    caps = tuple(caps)
    if len(caps) != len(widths):
        raise RegionmathError(f"need one cap (rank) per layer: {len(widths)} layers, got {len(caps)}")
    if any(isinstance(c, bool) or not isinstance(c, numbers.Integral) or c < 0 for c in caps):
        raise RegionmathError(f"caps (ranks) must be non-negative integers, got {caps}")
    return tuple(min(int(c), w) for c, w in zip(caps, widths))    # j_l <= n_l anyway


def serra2018_thm1_by_enumeration(n0: int, widths, caps=None) -> int:
    """Serra et al.'s Theorem 1 by the literal sum over the index set ``J`` (reference only).

    Visits every ``(j_1, ..., j_L)`` with ``0 <= j_l <= min(n0, n_1 - j_1, ..., n_{l-1} - j_{l-1},
    c_l)`` (``c_l = n_l``, or the rank of ``W^l`` when ``caps`` is given) and adds
    ``prod_l C(n_l, j_l)``. The number of terms grows exponentially with ``L``; use
    :func:`serra2018_thm1_dp`.

    References
    ----------
    T. Serra, C. Tjandraatmadja, S. Ramalingam, ICML 2018, Theorem 1.
    """
    widths = tuple(widths)
    caps = _check_caps(widths, caps)

    def rest(l, bound):        # bound = min(n0, n_1 - j_1, ..., n_{l-1} - j_{l-1})
        if l == len(widths):
            return 1
        nl = widths[l]
        return sum(comb(nl, j) * rest(l + 1, min(bound, nl - j)) for j in range(min(bound, caps[l]) + 1))

    return rest(0, n0)


def _binomial_rows(n0, widths):
    """``{m: (C(m, 0..top), Phi(m, 0..top))}`` with ``top = min(n0, m)``, as gmpy2 integers."""
    rows = {}
    for m in set(widths):
        row = [_mpz(x) for x in binomial_row(m, min(n0, m))]
        rows[m] = (row, list(accumulate(row)))
    return rows


def _reachable(n0, widths, caps):
    """Intervals ``[lo_l, hi_l]`` holding every running minimum after ``l`` layers."""
    out = [(n0, n0)]
    for m, c in zip(widths, caps):
        lo, hi = out[-1]
        out.append((max(0, min(lo, m - min(hi, c))), min(hi, m)))
    return out


def _thm1_forward(n0, widths, caps, rows):
    """``f[d]``: the weighted number of prefixes ``(j_1..j_l)`` with running minimum ``d``."""
    zero = _mpz(0)
    f = [zero] * n0 + [_mpz(1)]              # before layer 1 the minimum is n0
    for m, c in zip(widths, caps):
        binom, prefix = rows[m]              # C(m, 0..top) and Phi(m, 0..top)
        suffix = [zero] * (n0 + 2)           # suffix[d] = sum_{e >= d} f[e]
        for d in range(n0, -1, -1):
            suffix[d] = suffix[d + 1] + f[d]
        g = [zero] * (n0 + 1)
        for d in range(min(n0, m) + 1):      # the new minimum is at most m
            stay = min(d, c, m - d)
            total = f[d] * prefix[stay] if f[d] else zero
            j = m - d
            if j <= c:                       # some j lowers a larger minimum to d
                lo = max(d + 1, j)
                if lo <= n0 and suffix[lo]:
                    total += binom[d] * suffix[lo]     # C(m, m - d) = C(m, d)
            g[d] = total
        f = g
    return f


def _thm1_backward(n0, widths, caps, rows, states):
    """``g[d]``: the weighted number of suffixes ``(j_l..j_L)`` entered with running minimum
    ``d``, computed for ``d`` in the interval ``states[i]`` before each layer (0 elsewhere)."""
    zero = _mpz(0)
    lo, hi = states[-1]
    g = [zero] * (n0 + 1)
    for d in range(lo, hi + 1):
        g[d] = _mpz(1)
    for i in range(len(widths) - 1, -1, -1):
        m, c = widths[i], caps[i]
        binom, prefix = rows[m]
        # cumulative[x + 1] = sum_{d' <= x} C(m, d') g[d']  (the minimum drops to d' = m - j)
        top = min(n0, m)
        cumulative = [zero] * (top + 2)
        for x in range(top + 1):
            cumulative[x + 1] = cumulative[x] + (binom[x] * g[x] if g[x] else zero)
        lo, hi = states[i]
        new = [zero] * (n0 + 1)
        for d in range(lo, hi + 1):
            stay = min(d, c, m - d)          # j <= m - d keeps the minimum at d
            total = prefix[stay] * g[d] if stay >= 0 and g[d] else zero
            first, last = m - min(d, c), min(d - 1, m)
            if first <= last:
                total += cumulative[last + 1] - cumulative[first]
            new[d] = total
        g = new
    return g


def serra2018_thm1_dp(n0: int, widths, caps=None) -> int:
    """Serra et al.'s Theorem 1 in ``O(L n0)`` big-integer operations.

    The cap of ``j_l`` depends on the earlier ``j`` only through the running minimum
    ``d = min(n0, n_1 - j_1, ..., n_{l-1} - j_{l-1})``. Layer ``l`` (width ``m``, cap ``c``)
    keeps the minimum at ``d`` for ``j <= m - d`` (weight ``Phi(m, min(d, c, m - d))``) and
    moves it to ``d' = m - j < d`` otherwise (weight ``C(m, d')``), so one layer costs
    ``O(n0)`` operations with prefix and suffix sums. The numbers grow with depth, so the
    programme runs forward over the first layers and backward over the last ones (the
    weighted number of completions from each ``d``) and meets in the middle, which halves
    the size of the numbers multiplied.

    Parameters
    ----------
    n0 : int
        Input dimension.
    widths : sequence of int
        ``n_1, ..., n_L``.
    caps : sequence of int, optional
        The per-layer cap that replaces ``n_l`` in ``J`` (the ranks of the weight matrices
        for ``serra2018-thm1-rank``); default ``n_l``.

    Returns
    -------
    int
        ``sum_{j in J} prod_l C(n_l, j_l)``, exact.

    References
    ----------
    T. Serra, C. Tjandraatmadja, S. Ramalingam, "Bounding and counting linear regions of deep
    neural networks", ICML 2018, Theorem 1.
    """
    widths = tuple(widths)
    caps = _check_caps(widths, caps)
    n0 = min(n0, max(widths))   # j_l <= n_l, so a larger n0 never binds: work is O(L min(n0, n))
    rows = _binomial_rows(n0, widths)
    # split where the two halves' numbers are about equally long
    sizes = list(accumulate(int(rows[m][1][min(n0, m)]).bit_length() for m in widths))
    split = next(i for i, acc in enumerate(sizes, 1) if 2 * acc >= sizes[-1])
    states = _reachable(n0, widths, caps)
    f = _thm1_forward(n0, widths[:split], caps[:split], rows)
    g = _thm1_backward(n0, widths[split:], caps[split:], rows, states[split:])
    return int(sum(x * y for x, y in zip(f, g) if x and y))


def _thm1_expr(arch, caps):
    """Nested sum over ``J``; the coupling of ``j_l`` to earlier layers is a Heaviside factor
    (``H(0) = 1``) so that ``.doit()`` expands numerically from the outside."""
    ws, js = width_symbols(arch.L), _j(arch.L)
    inner = sp.Integer(1)
    for l in reversed(range(arch.L)):
        cap = sp.Min(n0, *[ws[i] - js[i] for i in range(l)], caps[l])
        term = sp.binomial(ws[l], js[l]) * inner
        if l:
            term = term * sp.Heaviside(cap - js[l], 1)
        inner = sp.Sum(term, (js[l], 0, sp.Min(n0, caps[l])))
    return inner


def _uniform_deep_term(var):
    """``n^(n0 L) / (n0!)^L``: the product of ``L`` Zaslavsky counts ``Phi(n, n0)``."""
    if var != n:
        return None
    return AsymptoticForm("Theta", n ** (n0 * L) / sp.factorial(n0) ** L, n, constant=sp.Integer(1), fixed=(n0, L),
                          note="uniform width n >= 2 n0, where the bound is prod_l Phi(n, n0) ~ (n^n0 / n0!)^L")


def _fold_term(var, exponent_per_layer):
    """``(n/n0)^(e (L-1)) n^n0 / n0!``: the folding constructions' growth for width ``n``."""
    if var != n:
        return None
    return AsymptoticForm("Omega", (n / n0) ** (exponent_per_layer * (L - 1)) * n ** n0 / sp.factorial(n0), n,
                          constant=sp.Integer(1), fixed=(n0, L),
                          note="floor(n/n0) ~ n/n0 and Phi(n, n0) ~ n^n0/n0! for fixed n0")


def _all_at_least(arch, lowest, what, layers=None):
    """Violations of ``n_l >= lowest`` for the first ``layers`` layers (default: all)."""
    widths = arch.widths if layers is None else arch.widths[:layers]
    bad = [f"n_{i} = {w}" for i, w in enumerate(widths, 1) if w < lowest]
    which = "every width" if layers is None else "every width but the last"
    return [f"{which} must be >= {what} = {lowest}, but " + ", ".join(bad)] if bad else []


def _folding_layers_at_least(arch, lowest, what):
    """The folding constructions need ``n_l >= lowest`` only in the folding layers ``l < L``."""
    return _all_at_least(arch, lowest, what, layers=arch.L - 1)


LAST_LAYER_NOTE = ("printed with the width condition on every layer; the construction uses it only for "
                   "the folding layers l < L (the last layer is any arrangement in general position), so "
                   "the toolkit asks it for l < L; constructions/ verifies such cases by counting")


# -- registry entries -------------------------------------------------------------------------
# -- the pieces reading of the lower bounds (proofs/proof_pieces_*.py) -----------------------
PIECES_FOLDING_VERDICT = (
    "pieces: proved when L = 1 or n_L > n0 (the folding construction with its last layer oriented so "
    "that no region has every unit off: every activation region is then a piece; certified on a range, "
    "proofs/proof_pieces_folding.py); refuted for n0 = 1, n_L = 1 wherever the value exceeds "
    "2P - floor((P-1)/2), P = prod_{l<L} (n_l + 1) (pieces-1d-one-unit; proofs/proof_pieces_line.py), "
    "e.g. Theorem 4 at widths (6, 1): 12 claimed, at most 11; open otherwise")


def pieces_line_one_unit(widths) -> int:
    """Most pieces of ``F = h_L`` (or ``a h_L + b``) on a line when the last layer has one unit:
    ``2P - floor((P - 1)/2)`` with ``P = prod_{l<L} (n_l + 1)`` (proofs/proof_pieces_line.py)."""
    P = prod(w + 1 for w in widths[:-1])
    return 2 * P - (P - 1) // 2


def _folding_pieces_hypotheses(arch, value):
    """Where a folding lower bound is proved for pieces: one layer, or n_L > n0 (oriented
    construction), or n0 = 1, L = 2, n_2 = 1 with the value within the exact maximum."""
    if arch.L == 1 or arch.widths[-1] > arch.n0:
        return []
    if arch.n0 == 1 and arch.widths[-1] == 1:
        top = pieces_line_one_unit(arch.widths)
        if value > top:
            return [f"refuted for pieces: with n0 = 1 and one last unit a network has at most {top} pieces "
                    f"(2P - floor((P-1)/2), P = prod_(l<L) (n_l + 1)), the bound claims {value}"]
        if arch.L == 2:
            return []   # the zigzag network attains 2P - floor((P-1)/2) >= value (proof_pieces_line.py)
    return [f"for the function's pieces the last layer needs n_L > n0 (proved there); n_L = {arch.widths[-1]} "
            f"<= n0 = {arch.n0} is open (the folding construction has a region with every last-layer unit off, "
            "where F is constant, and those regions join across folds)"]


def _one_layer_asymptotic(var, note):
    """Phi(n, n0) = Theta(n^n0 / n0!) as the width n of one layer grows (Zaslavsky's growth)."""
    if var != n:
        return None
    return AsymptoticForm("Theta", n ** n0 / sp.factorial(n0), n, constant=sp.Integer(1), fixed=(n0,), note=note)


@register
class Zaslavsky(Bound):
    id = "zaslavsky"
    kind = "exact"
    activation = "relu"
    source = Source("Zaslavsky 1975; Montúfar, Pascanu, Cho, Bengio 2014", "Sec. 2.2",
                    "T. Zaslavsky, Facing up to arrangements, Mem. AMS 154 (1975); " + MONTUFAR2014_REF,
                    note="a statement about one layer: for L > 1 the toolkit does not apply it "
                         "(serra2018-thm1 is the deep analogue and equals it at L = 1)")
    statement = ("A rectifier network with one hidden layer of n_1 units on R^n0 has at most "
                 "Phi(n_1, n0) = sum_{j<=n0} C(n_1, j) linear regions, attained when the units' "
                 "hyperplanes are in general position.")

    about = "pieces"
    pieces_verdict = ("pieces: proved: with F = h_1 two neighbouring regions differ in one unit, whose output is 0 on one side and a non-zero affine function on the other, so every region is a piece")

    def _hypotheses(self, arch):
        if arch.L != 1:
            return [f"it is a shallow result: L = 1 hidden layer needed, got L = {arch.L}"]
        return []

    def _value(self, arch):
        return phi(arch.widths[0], arch.n0)

    def _expr(self, arch):
        return _phi_expr(width_symbols(1)[0], n0)

    def _asymptotic(self, var):
        return _one_layer_asymptotic(var, "one layer (L = 1) of width n")


@register
class Charisopoulos2018(Bound):
    id = "charisopoulos2018"
    kind = "upper"
    activation = "relu"
    source = Source("Charisopoulos, Maragos 2018", "abstract (arXiv v2): the bound for one layer",
                    "A tropical approach to neural networks with piecewise linear activations (arXiv 1805.08749)",
                    unsure="read in the arXiv abstract only (v2; v1's abstract printed min{2^m, 2 sum_{j<=n} "
                           "C(m-1, j)}); the body's theorem, its number and hypotheses, and any bound for several "
                           "layers could not be read, so the toolkit applies it to one layer only",
                    note="the minimum is always Phi(m, n0) (Phi(m, n0) <= Phi(m, m) = 2^m): at L = 1 it is "
                         "Zaslavsky's count; v1's 2 Phi(m-1, n0) exceeds it by C(m-1, n0) when n0 < m "
                         "(proofs/proof_charisopoulos2018.py)")
    statement = ("A layer of m ReLU (or leaky ReLU) units with n inputs has at most min{2^m, sum_{j<=n} C(m, j)} "
                 "linear regions (n, m: the numbers of inputs and outputs).")
    about = "pieces"

    def _hypotheses(self, arch):
        if arch.L != 1:
            return [f"it is stated for one layer (L = 1 hidden layer needed, got L = {arch.L}); the statement "
                    "for several layers could not be read"]
        return []

    # the abstract's min{2^m, Phi(m, n0)} is Phi(m, n0) (Phi(m, n0) <= 2^m): Zaslavsky's value and
    # expression, without forming 2^m and in a form sympy can take to the limit
    _value = Zaslavsky._value
    _expr = Zaslavsky._expr

    def _asymptotic(self, var):
        return _one_layer_asymptotic(var, "one layer (L = 1) of width n: Zaslavsky's growth")


@register
class MontufarProp3(Bound):
    id = "montufar2014-prop3"
    kind = "upper"
    activation = "relu"
    source = Source(MONTUFAR2014, "Proposition 3", MONTUFAR2014_REF)
    statement = "A rectifier network with N hidden units has at most 2^N linear regions."

    about = "pieces"
    pieces_verdict = "pieces: holds (an upper bound on activation regions bounds pieces)"

    def _value(self, arch):
        return 1 << arch.N

    def _expr(self, arch):
        return sp.Integer(2) ** sp.Add(*width_symbols(arch.L))

    def _asymptotic(self, var):
        return AsymptoticForm("Theta", sp.Integer(2) ** (L * n), var, constant=sp.Integer(1), fixed=(n0, L) if var == n else (n0, n))


@register
class Pascanu2013(Bound):
    id = "pascanu2013"
    kind = "lower"
    activation = "relu"
    source = Source("Pascanu, Montúfar, Bengio 2013", "main theorem on deep rectifier networks",
                    "On the number of response regions of deep feed forward networks with piece-wise "
                    "linear activations, arXiv 1312.6098",
                    unsure="theorem number; form read in Montúfar 2014's restatement",
                    note="no exponent n0 on the product (Montúfar 2014 Thm 4 adds it); " + LAST_LAYER_NOTE)
    statement = ("A rectifier network with n0 inputs and widths n_l >= n0 (l < L) can have at least "
                 "(prod_{l<L} floor(n_l/n0)) * Phi(n_L, n0) linear regions.")

    about = "pieces"
    pieces_verdict = PIECES_FOLDING_VERDICT

    def _pieces_hypotheses(self, arch):
        return _folding_pieces_hypotheses(arch, self.value(arch))

    def _hypotheses(self, arch):
        return _folding_layers_at_least(arch, arch.n0, "n0")

    def _value(self, arch):
        return prod(w // arch.n0 for w in arch.widths[:-1]) * phi(arch.widths[-1], arch.n0)

    def _expr(self, arch):
        ws = width_symbols(arch.L)
        return sp.Mul(*[sp.floor(w / n0) for w in ws[:-1]]) * _phi_expr(ws[-1], n0)

    def _asymptotic(self, var):
        return _fold_term(var, 1)


@register
class MontufarThm4(Bound):
    id = "montufar2014-thm4"
    kind = "lower"
    activation = "relu"
    source = Source(MONTUFAR2014, "Theorem 4", MONTUFAR2014_REF, note=LAST_LAYER_NOTE)
    statement = ("A rectifier network with n0 inputs and L hidden layers of widths n_l >= n0 (l < L) can have "
                 "at least (prod_{l<L} floor(n_l/n0)^n0) * Phi(n_L, n0) linear regions.")

    about = "pieces"
    pieces_verdict = PIECES_FOLDING_VERDICT

    def _pieces_hypotheses(self, arch):
        return _folding_pieces_hypotheses(arch, self.value(arch))

    def _hypotheses(self, arch):
        return _folding_layers_at_least(arch, arch.n0, "n0")

    def _value(self, arch):
        return prod((w // arch.n0) ** arch.n0 for w in arch.widths[:-1]) * phi(arch.widths[-1], arch.n0)

    def _expr(self, arch):
        ws = width_symbols(arch.L)
        return sp.Mul(*[sp.floor(w / n0) ** n0 for w in ws[:-1]]) * _phi_expr(ws[-1], n0)

    def _asymptotic(self, var):
        return _fold_term(var, n0)


@register
class MontufarThm4Eq7(Bound):
    id = "montufar2014-thm4-eq7"
    kind = "lower"
    activation = "relu"
    source = Source(MONTUFAR2014, "App. B, eq. (7)", MONTUFAR2014_REF,
                    note="Theorem 4's construction with the remainder units used: groups of "
                         "floor(n_l/n0) + 1 units on m_l = n_l mod n0 coordinates; " + LAST_LAYER_NOTE)
    statement = ("With m_l = n_l mod n0 and q_l = floor(n_l/n0), a rectifier network with widths "
                 "n_l >= n0 (l < L) can have at least (prod_{l<L} q_l^(n0-m_l) (q_l+1)^m_l) * Phi(n_L, n0) "
                 "linear regions.")

    about = "pieces"
    pieces_verdict = PIECES_FOLDING_VERDICT

    def _pieces_hypotheses(self, arch):
        return _folding_pieces_hypotheses(arch, self.value(arch))

    def _hypotheses(self, arch):
        return _folding_layers_at_least(arch, arch.n0, "n0")

    def _value(self, arch):
        d = arch.n0
        return prod((w // d) ** (d - w % d) * (w // d + 1) ** (w % d) for w in arch.widths[:-1]) * phi(arch.widths[-1], d)

    def _expr(self, arch):
        ws = width_symbols(arch.L)
        return sp.Mul(*[sp.floor(w / n0) ** (n0 - sp.Mod(w, n0)) * (sp.floor(w / n0) + 1) ** sp.Mod(w, n0)
                        for w in ws[:-1]]) * _phi_expr(ws[-1], n0)

    def _asymptotic(self, var):
        return _fold_term(var, n0)


@register
class MontufarCor5(Bound):
    id = "montufar2014-cor5"
    kind = "lower"
    activation = "relu"
    has_value = False
    source = Source(MONTUFAR2014, "Corollary 5", MONTUFAR2014_REF,
                    note="asymptotic form of Theorem 4 for uniform width; its exact value is montufar2014-thm4")
    statement = ("Asymptotic only: a rectifier network with n0 inputs and L hidden layers of width n >= n0 "
                 "can have Omega((n/n0)^((L-1) n0) n^n0) linear regions (n0 fixed); shallow networks with "
                 "L n units have O(L^n0 n^n0).")

    about = "pieces"
    pieces_verdict = ("pieces: holds for uniform width n > n0 (Theorem 4's oriented construction, proofs/proof_pieces_folding.py); n = n0 is open")

    def _pieces_hypotheses(self, arch):
        return [] if arch.widths[-1] > arch.n0 else [f"for pieces the width must exceed n0 (got n = {arch.widths[-1]})"]

    def _hypotheses(self, arch):
        bad = _all_at_least(arch, arch.n0, "n0")
        if len(set(arch.widths)) > 1:
            bad.append(f"it is stated for equal widths, got {arch.widths}")
        return bad

    def _asymptotic(self, var):
        if var != n:
            return None
        return AsymptoticForm("Omega", (n / n0) ** ((L - 1) * n0) * n ** n0, n, fixed=(n0, L),
                              note="no constant is claimed; montufar2014-thm4 / this term -> 1/n0!")


@register
class Montufar2017(Bound):
    id = "montufar2017"
    kind = "upper"
    activation = "relu"
    source = Source("Montúfar 2017", "Notes on the number of linear regions of deep neural networks",
                    "Sampling Theory and Applications (SampTA) 2017",
                    note="read in Serra et al. 2018's restatement")
    statement = ("A rectifier network has at most prod_l Phi(n_l, d_l) linear regions, "
                 "d_l = min(n0, n_1, ..., n_l).")

    about = "both"
    pieces_verdict = "pieces: holds (an upper bound on activation regions bounds pieces)"

    def _value(self, arch):
        d, out = arch.n0, 1
        for w in arch.widths:
            d = min(d, w)
            out *= phi(w, d)
        return out

    def _expr(self, arch):
        ws, js = width_symbols(arch.L), _j(arch.L)
        return sp.Mul(*[sp.Sum(sp.binomial(ws[l], js[l]), (js[l], 0, sp.Min(n0, *ws[:l + 1]))) for l in range(arch.L)])

    def _asymptotic(self, var):
        return _uniform_deep_term(var)


@register
class Raghu2017(Bound):
    id = "raghu2017"
    kind = "upper"
    activation = "relu"
    has_value = False
    source = Source("Raghu, Poole, Kleinberg, Ganguli, Sohl-Dickstein 2017", "Theorem 1",
                    "On the expressive power of deep neural networks, ICML 2017 (arXiv 1606.05336)")
    statement = ("Asymptotic only (no explicit constant is published, so the toolkit gives no value): "
                 "a rectifier network with L hidden layers of width n on R^n0 has O(n^(L n0)) "
                 "activation patterns (n0 fixed).")

    about = "activation regions"
    pieces_verdict = "pieces: holds (an upper bound on activation regions bounds pieces)"

    def _asymptotic(self, var):
        if var != n:
            return None
        return AsymptoticForm("O", n ** (L * n0), n, fixed=(n0, L), note="no published constant")


@register
class Serra2018Thm1(Bound):
    id = "serra2018-thm1"
    kind = "upper"
    activation = "relu"
    source = Source(SERRA2018, "Theorem 1", SERRA2018_REF,
                    note="evaluated by a dynamic programme over the running minimum (O(L n0) "
                         "big-integer operations); equal to montufar2017 when n_l >= 2 n0 for every l < L")
    statement = ("A rectifier network has at most sum_{(j_1..j_L) in J} prod_l C(n_l, j_l) linear regions, "
                 "J = {0 <= j_l <= min(n0, n_1 - j_1, ..., n_{l-1} - j_{l-1}, n_l)}; tight for L = 1.")

    about = "both"
    pieces_verdict = "pieces: holds (an upper bound on activation regions bounds pieces)"

    def _value(self, arch):
        return serra2018_thm1_dp(arch.n0, arch.widths)

    def _expr(self, arch):
        return _thm1_expr(arch, width_symbols(arch.L))

    def _asymptotic(self, var):
        return _uniform_deep_term(var)


def rank_symbols(count: int) -> tuple:
    """``(r_1, ..., r_count)``: the ranks of the weight matrices in :data:`serra2018-thm1-rank`."""
    return tuple(sp.Symbol(f"r_{i}", integer=True, nonnegative=True) for i in range(1, count + 1))


@register
class Serra2018Thm1Rank(Bound):
    id = "serra2018-thm1-rank"
    kind = "upper"
    activation = "relu"
    needs_weights = True
    source = Source(SERRA2018, "remark after Theorem 1", SERRA2018_REF,
                    note="the cap n_l of layer l replaced by r_l = rank(W^l), as stated; a bound for a "
                         "given network, not for an architecture")
    statement = ("A rectifier network whose weight matrices have ranks r_l has at most "
                 "sum_{j in J} prod_l C(n_l, j_l) linear regions, "
                 "J = {0 <= j_l <= min(n0, n_1 - j_1, ..., n_{l-1} - j_{l-1}, r_l)}.")

    about = "both"
    pieces_verdict = "pieces: holds (an upper bound on activation regions bounds pieces)"

    @staticmethod
    def ranks_of(arch, ranks):
        """Validated ranks ``r_1..r_L`` with ``0 <= r_l <= min(n_l, n_{l-1})``."""
        if ranks is None:
            raise RegionmathError("serra2018-thm1-rank needs ranks=[r_1, ..., r_L], the ranks of the weight matrices")
        ranks = tuple(ranks)
        if len(ranks) != arch.L:
            raise RegionmathError(f"need one rank per hidden layer ({arch.L}), got {len(ranks)}")
        sizes = arch.layer_sizes
        for l, r in enumerate(ranks, 1):
            if isinstance(r, bool) or not isinstance(r, numbers.Integral) or not 0 <= r <= min(sizes[l], sizes[l - 1]):
                raise RegionmathError(f"rank of W^{l} must be an integer in 0..min(n_{l}, n_{l-1}) = "
                                      f"0..{min(sizes[l], sizes[l - 1])}, got {r!r}")
        return tuple(int(r) for r in ranks)

    def _value(self, arch, ranks=None):
        return serra2018_thm1_dp(arch.n0, arch.widths, self.ranks_of(arch, ranks))

    def _expr(self, arch):
        """In ``n0``, ``n_l`` and the ranks ``r_l`` (:func:`rank_symbols`)."""
        return _thm1_expr(arch, rank_symbols(arch.L))


@register
class Serra2018Exact1D(Bound):
    id = "serra2018-exact-1d"
    kind = "exact"
    activation = "relu"
    source = Source(SERRA2018, "Theorem 7 (ICML numbering)", SERRA2018_REF, unsure="theorem number",
                    note="the upper half is Theorem 1 at n0 = 1 (prod (n_l + 1) whenever n_l >= 2 for l < L); "
                         "the construction needs n_l >= 3 for l < L only, and with some n_l <= 2 (l < L) the "
                         "maximum is below the product (proofs/proof_serra2018_exact_1d.py); " + LAST_LAYER_NOTE)
    statement = ("A rectifier network on R^1 with widths n_l >= 3 (l < L) has at most, and can attain, "
                 "prod_l (n_l + 1) linear regions.")

    about = "both"
    pieces_verdict = ("pieces: the upper half holds; attained when L = 1 or n_L >= 2 (oriented turned folds, certified on a range, proofs/proof_pieces_folding.py); refuted whenever n_L = 1 and L >= 2: at most 2P - floor((P-1)/2) < 2P pieces, P = prod_{l<L} (n_l + 1) (proofs/proof_pieces_line.py; e.g. widths (3, 1): 8 activation regions, at most 7 pieces)")

    def _pieces_hypotheses(self, arch):
        return _folding_pieces_hypotheses(arch, self.value(arch))

    def _hypotheses(self, arch):
        bad = [] if arch.n0 == 1 else [f"input dimension n0 = 1 needed, got n0 = {arch.n0}"]
        return bad + _folding_layers_at_least(arch, 3, "3")

    def _value(self, arch):
        return prod(w + 1 for w in arch.widths)

    def _expr(self, arch):
        return sp.Mul(*[w + 1 for w in width_symbols(arch.L)])

    def _asymptotic(self, var):
        if var != n:
            return None
        return AsymptoticForm("Theta", n ** L, n, constant=sp.Integer(1), fixed=(L,), note="n0 = 1")


@register
class Serra2018Lower(Bound):
    id = "serra2018-lower"
    kind = "lower"
    activation = "relu"
    source = Source(SERRA2018, "Theorem 8 (ICML numbering)", SERRA2018_REF, unsure="theorem number",
                    note=LAST_LAYER_NOTE)
    statement = ("A rectifier network with widths n_l >= 3 n0 (l < L) can have at least "
                 "(prod_{l<L} (floor(n_l/n0) + 1)^n0) * Phi(n_L, n0) linear regions.")

    about = "both"
    pieces_verdict = PIECES_FOLDING_VERDICT

    def _pieces_hypotheses(self, arch):
        return _folding_pieces_hypotheses(arch, self.value(arch))

    def _hypotheses(self, arch):
        return _folding_layers_at_least(arch, 3 * arch.n0, "3 n0")

    def _value(self, arch):
        return prod((w // arch.n0 + 1) ** arch.n0 for w in arch.widths[:-1]) * phi(arch.widths[-1], arch.n0)

    def _expr(self, arch):
        ws = width_symbols(arch.L)
        return sp.Mul(*[(sp.floor(w / n0) + 1) ** n0 for w in ws[:-1]]) * _phi_expr(ws[-1], n0)

    def _asymptotic(self, var):
        return _fold_term(var, n0)


def _arora_hypotheses(arch):
    bad = []
    if arch.L < 2:
        bad.append(f"it needs a first layer of 2m units and at least one further layer of w units, got L = {arch.L}")
    if arch.widths[0] % 2:
        bad.append(f"the first layer must have an even number 2m of units, got n_1 = {arch.widths[0]}")
    later = arch.widths[1:]
    if len(set(later)) > 1:
        bad.append(f"the layers after the first must have equal widths w, got {later}")
    elif later and later[0] < 2:
        bad.append(f"the later layers need w >= 2 units, got w = {later[0]}")
    return bad


def _arora_value(arch, per_layer_extra):
    m, w = arch.widths[0] // 2, arch.widths[1]
    return 2 * phi(m - 1, arch.n0 - 1) * (w + per_layer_extra) ** (arch.L - 1)


def _arora_expr(arch, per_layer_extra):
    """``m = n_1 / 2`` and ``w = n_2``; meaningful where the hypotheses hold."""
    ws = width_symbols(arch.L)
    later = (ws[1] + per_layer_extra) ** (arch.L - 1) if arch.L > 1 else sp.Integer(1)
    return 2 * _phi_expr(ws[0] / 2 - 1, n0 - 1) * later


def _arora_asymptotic(var):
    if var != n:
        return None
    return AsymptoticForm("Omega", 2 * (n / 2) ** (n0 - 1) / sp.factorial(n0 - 1) * n ** (L - 1), n,
                          constant=sp.Integer(1), fixed=(n0, L), note="n even: m = n/2, w = n")


@register
class Arora2018(Bound):
    id = "arora2018"
    kind = "lower"
    activation = "relu"
    source = Source(ARORA2018, "Theorem 2.11(i)", ARORA2018_REF,
                    unsure="theorem number; statement read in Serra et al. 2018's restatement",
                    note="an architecture (n_1, n_2, ..., n_L) is read as m = n_1 / 2 and w = n_2 = ... = n_L; "
                         "L >= 2 (L = 1 is zaslavsky, exactly)")
    statement = ("A rectifier network on R^n0 with a first layer of 2m units and L - 1 further layers of "
                 "w >= 2 units can have at least 2 sum_{j<n0} C(m-1, j) w^(L-1) linear regions.")

    about = "pieces"
    pieces_verdict = ("pieces: proved with the last layer oriented so that no region has every unit off (the construction's variant for pieces; certified on a range, proofs/proof_pieces_folding.py)")

    def _hypotheses(self, arch):
        return _arora_hypotheses(arch)

    def _value(self, arch):
        return _arora_value(arch, 0)

    def _expr(self, arch):
        return _arora_expr(arch, 0)

    def _asymptotic(self, var):
        return _arora_asymptotic(var)


@register
class Serra2018AroraImproved(Bound):
    id = "serra2018-arora-improved"
    kind = "lower"
    activation = "relu"
    source = Source(SERRA2018, "Theorem 9 (ICML numbering)", SERRA2018_REF, unsure="theorem number",
                    note="Arora et al.'s construction with each later layer folding w + 1 times "
                         "(same reading of the architecture as arora2018)")
    statement = ("A rectifier network on R^n0 with a first layer of 2m units and L - 1 further layers of "
                 "w >= 2 units (w >= 3 if L >= 3) can have at least 2 sum_{j<n0} C(m-1, j) (w+1)^(L-1) linear regions.")

    about = "both"
    pieces_verdict = ("pieces: proved with the last layer oriented so that no region has every unit off (the construction's variant for pieces; certified on a range, proofs/proof_pieces_folding.py)")

    def _hypotheses(self, arch):
        bad = _arora_hypotheses(arch)
        w = arch.widths[-1]
        if not bad and arch.L >= 3 and w < 3:
            # the w + 1 pieces per folding layer need Serra's turned fold of >= 3 units;
            # 2 units cannot fold a line into 3 pieces (proofs/proof_serra2018_turned_fold.py)
            bad.append(f"with L >= 3 the folding layers need w >= 3 units (a turned fold; unproved for w = 2), got w = {w}")
        return bad

    def _value(self, arch):
        return _arora_value(arch, 1)

    def _expr(self, arch):
        return _arora_expr(arch, 1)

    def _asymptotic(self, var):
        return _arora_asymptotic(var)


@register
class PiecesLineOneUnit(Bound):
    id = "pieces-1d-one-unit"
    kind = "upper"
    activation = "relu"
    about = "pieces"
    counts = ("pieces",)
    source = Source("regionmath", "proofs/proof_pieces_line.py", "this toolkit (issue 17)",
                    note="an upper bound on the function's pieces only: the activation regions reach 2P "
                         "(serra2018-exact-1d); the maximum for L = 2: p + 2 + ceil(p/2) at widths (p, 1), p >= 2")
    statement = ("A rectifier network on R^1 whose last hidden layer has one unit computes a function with at most "
                 "2P - floor((P-1)/2) linear pieces, P = prod_{l<L} (n_l + 1); for L = 2 and n_1 >= 2 this is the maximum.")
    pieces_verdict = "pieces: proved (proofs/proof_pieces_line.py); attained for L = 2 by a zigzag network"

    def _hypotheses(self, arch):
        bad = [] if arch.n0 == 1 else [f"input dimension n0 = 1 needed, got n0 = {arch.n0}"]
        if arch.widths[-1] != 1:
            bad.append(f"the last hidden layer must have one unit, got n_L = {arch.widths[-1]}")
        if arch.L < 2:
            bad.append(f"at least two hidden layers needed (L = 1 is zaslavsky), got L = {arch.L}")
        return bad

    def _value(self, arch):
        return pieces_line_one_unit(arch.widths)

    def _expr(self, arch):
        P = sp.Mul(*[w + 1 for w in width_symbols(arch.L)[:-1]])
        return 2 * P - sp.floor((P - 1) / 2)
