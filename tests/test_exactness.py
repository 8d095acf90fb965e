"""Counts you can trust: every method returns the exact count or says why it is incomplete.

Ground truth never comes from the counters under test: one-input networks are counted by
rational breakpoints (``counting.line.count_line``), the others by :func:`count_exact`, which decides
every pattern prefix with the exact rational simplex only (no float LP, no tolerance). The
networks in ``tests/data`` are the reproducers of issue 16 (counts that were wrong or crashed);
their known true counts are also stated here by hand where the README of the reproducers gives
them.
"""

import os
from pathlib import Path

import pytest

from regionmath.counting import INCOMPLETE_REASONS, count_regions
from regionmath.counting.exact_lp import count_exact, decide_pattern, farkas_holds, pattern_rows
from regionmath.network import Network
from regionmath.counting.line import count_line

DATA = Path(__file__).parent / "data"
#: true counts found independently (exact rational arithmetic) when the reproducers were filed
KNOWN = {"naive_scale_1e6_net18": 6, "near_cancel_e1e-08": 3, "near_cancel_e1e-10": 3,
         "min_small_box_undercount": 2, "min_tiny_box_crash": 2, "min_milp_wide_region_missed": 3}
REPRODUCERS = sorted(p.stem for p in DATA.glob("*.npz"))


def truth(net):
    if net.n0 == 1:
        return count_line(net).count
    r = count_exact(net)
    assert r.complete
    return r.count


def check(result, expected):
    """The contract: complete and certified with the exact count, or incomplete with a reason."""
    if result.complete:
        assert result.count == expected, (result.method, result.count, expected)
        assert result.certified is True, result.method
    else:
        assert result.incomplete_reason in INCOMPLETE_REASONS, (result.method, result.incomplete_reason)
        assert result.count <= expected


@pytest.mark.parametrize("name", REPRODUCERS)
def test_reproducers_counted_exactly_by_every_method(name):
    net = Network.load(DATA / f"{name}.npz")
    expected = truth(net)
    if name in KNOWN:
        assert expected == KNOWN[name]
    for method, opts in (("enumerate", {"jobs": 1}), ("brute", {}), ("milp", {})):
        result = count_regions(net, method=method, time_limit=120, **opts)
        check(result, expected)
        if method != "milp":   # the proved methods finish on all of them
            assert result.complete, (method, result.incomplete_reason)


def test_the_exact_counter_agrees_with_rational_breakpoints_on_one_input():
    for name in REPRODUCERS:
        net = Network.load(DATA / f"{name}.npz")
        if net.n0 == 1:
            assert count_exact(net).count == count_line(net).count


def test_exact_decisions_carry_checkable_proofs():
    net = Network.load(DATA / "mixed_uncomp_net1.npz")
    r = count_exact(net)
    assert r.count == 40           # the exact simplex on every prefix
    for reg in r.regions[:10]:
        d = decide_pattern(net, reg.pattern)
        assert d.nonempty
    # an empty pattern gets multipliers that the independent check accepts, and a perturbed
    # certificate (one multiplier dropped) is refused
    import itertools
    seen = {reg.pattern for reg in r.regions}
    for pat in itertools.product((0, 1), repeat=net.N):
        if pat in seen:
            continue
        d = decide_pattern(net, pat)
        assert d.nonempty is False
        if d.farkas is not None and sum(1 for v in d.farkas if v) > 1:
            rows = pattern_rows(net, pat)
            assert farkas_holds(rows, d.farkas)
            worse = list(d.farkas)
            worse[next(i for i, v in enumerate(worse) if v)] = 0
            assert not farkas_holds(rows, worse) or not any(worse)
            break


def test_a_float_network_scaled_per_row_keeps_its_count():
    """Scaling a unit's row (W_i, b_i) by a positive number, or the box affinely, changes no
    region: the counts must not change either (1e-6 .. 1e6)."""
    import numpy as np
    net = Network.load(DATA / "enum_small_box_1e-6.npz")
    base = count_regions(net, method="enumerate", jobs=1).count
    rng = np.random.default_rng(0)
    W = [w.copy() for w in net.weights]
    b = [v.copy() for v in net.biases]
    s = 10.0 ** rng.uniform(-6, 6, size=W[0].shape[0])
    W[0], b[0] = W[0] * s[:, None], b[0] * s
    W[1] = W[1] / s[None, :]     # the next layer undoes the scale: same function, same regions
    scaled = Network(W, b, box=net.box)
    assert count_regions(scaled, method="enumerate", jobs=1).count == base == 32


def test_two_thin_branches_of_one_node_count_their_common_region_once():
    """Found by the adversarial test: units 1e7 x + 1 and its exact opposite, then two copies of
    one unit. On R^1 three regions (x < -1e-7, -1e-7 < x < -0.75e-7, x > -0.75e-7; by hand);
    the thin middle one lies in two dropped branches of one node and was counted twice."""
    import numpy as np
    from regionmath.counting import RN0
    net = Network([np.array([[1e7], [-1e7]]), np.array([[2., 1.], [2., -2.], [2., -2.]])],
                  [np.array([1., -1.]), np.array([0, -.5, -.5])], box=(np.array([-5e-8]), np.array([5e-8])))
    r = count_regions(net, method="enumerate", domain=RN0, jobs=1)
    assert (r.count, r.complete, r.certified) == (3, True, True)
    assert count_line(net, unbounded=True).count == 3
    assert count_regions(net, method="enumerate", jobs=1).count == 1   # the box lies in x > -0.75e-7
