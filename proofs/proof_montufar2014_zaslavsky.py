"""Zaslavsky's count and the maximum of a shallow rectifier network (Montúfar et al. 2014, Sec. 2.2).

Statement (Sec. 2.2)
--------------------
    "An arrangement of n_1 hyperplanes in R^{n_0} has at most sum_{j=0}^{n_0} C(n_1, j)
    regions. Furthermore, this number of regions is attained if and only if the hyperplanes
    are in general position. This implies that the maximal number of linear regions of
    functions computed by a shallow rectifier network with n_0 inputs and n_1 hidden units is
    sum_{j=0}^{n_0} C(n_1, j) (see Pascanu et al. 2013; Proposition 5)."

Registry entry: ``zaslavsky`` (exact, L = 1).

Verdict
-------
**Proved** (classical; Zaslavsky 1975); every one-layer record attains it (so ``Phi - 1``
fails there); and **checked on a range**: random integer
arrangements in R^2 and R^3 are counted two independent ways -- Whitney's formula for the
characteristic polynomial (exact rational ranks) and a geometric sweep with one LP per
region and side (every witness re-checked exactly) -- and compared with the literal sum;
"attained iff general position" is checked on random degenerate arrangements; the shallow
network's activation regions are the arrangement's regions (checked against the toolkit's
counter); ``regionmath.arrangements`` agrees with Whitney's formula on random arrangements,
degenerate ones included.

Argument
--------
Adding a hyperplane ``H`` to an arrangement ``A`` increases the number of regions by the
number of regions of the arrangement ``A|H`` induced on ``H`` (each region of ``A|H`` cuts
exactly one region of ``A`` in two). With ``r(m, d)`` the maximum for ``m`` hyperplanes in
``R^d``, this gives ``r(m, d) <= r(m-1, d) + r(m-1, d-1)``, ``r(0, d) = r(m, 0) = 1``, whose
solution is ``Phi(m, d) = sum_{j<=d} C(m, j)`` (Pascal's rule). Equality holds at every step iff
the induced arrangement is again maximal, i.e. iff the hyperplanes are in general position
(every ``j <= d`` of them meet in a flat of dimension ``d - j``, no ``d + 1`` share a point); a
parallel pair or ``d + 1`` concurrent hyperplanes loses at least one region. For a shallow
rectifier network ``x -> relu(Wx + b)``, the pattern of ``x`` is the sign vector of ``Wx + b``,
so its activation regions are exactly the regions of the arrangement ``{W_i x + b_i = 0}``
(units with ``W_i = 0`` cut nothing); general position is attained by generic weights.
"""

import itertools
import random
from fractions import Fraction

import sympy as sp
from hypothesis import given, settings, strategies as st

from _proofkit import (_rank, brute_patterns, check_upper_on_records, phi_literal, records, registry_entry,
                       sweep_regions, toolkit_count, whitney_regions)
from regionmath import Architecture


def general_position(H):
    """Exact test: every <= d normals independent, no d + 1 hyperplanes through a point."""
    d = len(H[0]) - 1
    for size in range(1, min(len(H), d + 1) + 1):
        for S in itertools.combinations(H, size):
            A = [[Fraction(v) for v in h[1:]] for h in S]
            if size <= d and _rank(A) < size:
                return False
            if size == d + 1 and _rank([a + [Fraction(h[0])] for a, h in zip(A, S)]) == _rank(A):
                return False   # central: d + 1 hyperplanes share a point
    return True


def random_arrangement(rng, m, d, span):
    H = []
    while len(H) < m:
        h = [rng.randint(-span, span) for _ in range(d + 1)]
        if any(h[1:]):
            H.append(h)
    return H


def vertex_radius(H):
    """The largest |coordinate| of a vertex of the (essential) arrangement, exactly."""
    d = len(H[0]) - 1
    assert _rank([[Fraction(v) for v in h[1:]] for h in H]) == d, "test arrangements are essential"
    best = 0
    for S in itertools.combinations(H, d):
        A = sp.Matrix([h[1:] for h in S])
        if A.det() != 0:
            best = max(best, max(abs(v) for v in A.LUsolve(sp.Matrix([-h[0] for h in S]))))
    return int(sp.ceiling(best))


def test_registry_is_the_literal_sum():
    z = registry_entry("zaslavsky")
    for n0 in range(1, 7):
        for n1 in range(1, 13):
            assert z.value(Architecture(n0, (n1,))) == phi_literal(n1, n0)


def test_generic_arrangements_attain_the_sum(heavy):
    rng = random.Random(1975)
    trials = 40 if heavy else 10
    for d, ms in ((2, range(1, 7)), (3, range(1, 6 if not heavy else 7))):
        for m in ms:
            for _ in range(trials):
                H = random_arrangement(rng, m, d, 50)
                if not general_position(H):
                    continue
                assert whitney_regions(H)[0] == phi_literal(m, d)
            H = random_arrangement(rng, m, d, 10 ** 6)
            assert general_position(H)
            count, certified = sweep_regions(H)
            assert certified and count == phi_literal(m, d) == whitney_regions(H)[0]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.lists(st.integers(-2, 2), min_size=3, max_size=3).filter(lambda h: any(h[1:])),
                min_size=1, max_size=6))
def test_attained_iff_general_position_plane(H):
    r = whitney_regions(H)[0]
    assert r <= phi_literal(len(H), 2)
    assert (r == phi_literal(len(H), 2)) == general_position(H)


def test_degenerate_arrangements_lose_regions():
    rng = random.Random(5)
    seen = 0
    for _ in range(25):
        H = random_arrangement(rng, rng.randint(2, 5), 2, 1)      # tiny coefficients: many coincidences
        count, certified = sweep_regions(H)
        assert certified and count == whitney_regions(H)[0]
        if not general_position(H):
            seen += 1
            assert count < phi_literal(len(H), 2)
    assert seen > 5


def test_shallow_network_regions_are_the_arrangement():
    from regionmath.network import Network
    rng = random.Random(2)
    for n0, n1 in ((1, 4), (2, 4), (2, 6), (3, 5)):
        H = random_arrangement(rng, n1, n0, 9)
        R = vertex_radius(H) + 1     # a box around every vertex meets every region (essential arrangement)
        net = Network.from_exact([[h[1:] for h in H]], [[h[0] for h in H]], box=([-R] * n0, [R] * n0))
        got = toolkit_count(net)
        assert got.complete and got.certified
        assert got.count == whitney_regions(H)[0]
        assert got.count == len(brute_patterns(net.weights, net.biases, box=net.box))


def test_registry_expression_and_toolkit_arrangements():
    from regionmath.arrangements import Arrangement
    from regionmath.bounds import substitute
    z = registry_entry("zaslavsky")
    for n0, n1 in ((1, 4), (3, 5), (4, 2)):
        a = Architecture(n0, (n1,))
        assert sp.Integer(substitute(z.expr(a), a).doit()) == phi_literal(n1, n0)
    rng = random.Random(99)
    for _ in range(15):
        d = rng.randint(2, 3)
        H = random_arrangement(rng, rng.randint(1, 6), d, 2)      # degenerate cases included
        A = Arrangement(H)
        assert (A.regions(), A.bounded_regions()) == whitney_regions(H)


def test_one_layer_records_attain_the_sum():
    recs = records("relu", depth=1)
    assert check_upper_on_records(lambda a: phi_literal(a.widths[0], a.n0), recs) == [r.name for r in recs]
