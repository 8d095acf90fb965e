"""verify.py: counting a construction against its claim through the one method table."""

import pytest

from regionmath import Architecture
from regionmath.constructions import build
from regionmath.counting import COUNTING_METHODS, METHODS
from regionmath.errors import RegionmathError
from regionmath.verify import count, verify


def test_verify_reads_the_counting_table():
    assert METHODS == ("auto",) + tuple(COUNTING_METHODS)
    with pytest.raises(RegionmathError, match="allowed: auto, enumerate, milp, brute, line"):
        count(build("zaslavsky", Architecture(2, (3,))).network, method="exact")


def test_line_and_enumerator_agree_with_the_claim():
    # Montufar 2014 Thm 4 on 1->2-2: 2 folds then 2 points: (2 * 2) * ... = the registry's claim
    c = build("montufar2014-thm4", Architecture(1, (2, 2)))
    reports = [verify(c, method=m) for m in ("line", "enumerate")]
    assert all(r.agrees and r.certified for r in reports)
    assert {r.counted for r in reports} == {c.claimed}


def test_line_needs_one_input():
    with pytest.raises(RegionmathError, match="one input"):
        verify(build("zaslavsky", Architecture(2, (3,))), method="line")


def test_rn0_refused_by_box_methods():
    from regionmath.counting import RN0, count_regions
    net = build("zaslavsky", Architecture(2, (3,))).network
    with pytest.raises(RegionmathError, match="bounded box"):
        count_regions(net, domain=RN0, method="milp")
    assert count_regions(net, domain=RN0, method="enumerate", jobs=1).count == 7     # Phi(3, 2)


def test_a_value_claimed_for_activation_regions_only_is_not_refuted_by_pieces():
    """Xiong 2020's deep lower bound is stated for activation regions; its construction on
    2x1x1 -> conv 4:1x1 -> conv 2:1x1 has 16 activation regions but fewer pieces (14). The
    report says so without calling it a disagreement."""
    from regionmath import Architecture
    from regionmath.constructions import build
    from regionmath.verify import pieces_verdict, verify
    arch = Architecture.cnn((2, 1, 1), ["4:1x1", "2:1x1"])
    rep = verify(build("xiong2020-deep-lower", arch))
    assert rep.about == "activation regions" and rep.agrees is True
    assert rep.pieces < rep.claimed and rep.agrees_pieces is False
    assert "DISAGREES" not in str(rep) and "not claimed for pieces" in str(rep)
    assert pieces_verdict(False, "pieces") == "NO" and pieces_verdict(False, "both", words=True) == "DISAGREES"
    assert pieces_verdict(False, "activation regions") == "no (not claimed)"
