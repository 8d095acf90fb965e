"""Charisopoulos and Maragos 2018 (arXiv 1805.08749): min{2^m, Phi(m, n)} for one ReLU layer.

Independent checks: the abstract's minimum written out here with math.comb; Zaslavsky at
L = 1 (equal: the minimum is never 2^m unless Phi(m, n) = 2^m); every certified one-layer
record and every one-layer construction below it (and the records attain it, so the value
minus one would fail); the command line with --symbolic and a one-line refusal for L > 1.
"""

import json
import math
from pathlib import Path

import pytest
import sympy as sp

from regionmath import Architecture, bounds, constructions
from regionmath.bounds import substitute
from regionmath.cli import main
from regionmath.errors import HypothesisError, RegionmathError

ROOT = Path(__file__).resolve().parents[1]
CM = bounds.get("charisopoulos2018")


def abstract_minimum(m, n):
    """The abstract's min{2^m, sum_{j=0}^{n} C(m, j)}, literally."""
    return min(2 ** m, sum(math.comb(m, j) for j in range(n + 1)))


def test_value_is_the_abstract_minimum_and_zaslavsky():
    zas = bounds.get("zaslavsky")
    for n0 in range(1, 12):
        for m in range(1, 25):
            arch = Architecture(n0, (m,))
            assert CM.value(arch) == abstract_minimum(m, n0) == zas.value(arch), (n0, m)
    assert CM.value(Architecture(10 ** 6, (10 ** 6,))) == 1 << 10 ** 6           # no Phi sum up to n0


def test_expression_and_asymptotics():
    for n0, m in ((2, 3), (3, 7), (5, 4)):
        arch = Architecture(n0, (m,))
        assert substitute(CM.expr(arch), arch).doit() == abstract_minimum(m, n0)
    form = CM.asymptotic("n")
    assert form.term == bounds.get("zaslavsky").asymptotic("n").term


def test_one_layer_only():
    assert CM.hypotheses(Architecture(2, (3, 3)))
    with pytest.raises(HypothesisError, match="one layer"):
        CM.value(Architecture(2, (3, 3)))
    assert CM.about == "pieces" and CM.source.unsure       # the abstract only


def test_records_and_constructions_never_exceed_and_records_attain():
    index = json.loads((ROOT / "records" / "index.json").read_text())
    checked = attained = 0
    for key, r in index.items():
        if r["activation"] != "relu" or not r["certified"] or len(r["widths"]) != 1:
            continue
        value = CM.value(Architecture(r["n0"], tuple(r["widths"])))
        assert int(r["count"]) <= value, key
        checked += 1
        attained += int(r["count"]) == value
    assert checked >= 10 and attained >= 10
    built = 0
    for cid in constructions.ids():
        for n0 in range(1, 4):
            for m in range(1, 8):
                try:
                    c = constructions.build(cid, Architecture(n0, (m,)))
                except RegionmathError:
                    continue
                if c.network.activation == "relu":
                    assert c.claimed <= CM.value(Architecture(n0, (m,))), (cid, n0, m)
                    built += 1
    assert built > 0


def test_command_line(capfd):
    assert main(["bound", "charisopoulos2018", "--n0", "2", "--widths", "5", "--symbolic", "--json"]) == 0
    rec = json.loads(capfd.readouterr().out)
    assert sp.sympify(rec["expr"].replace("n_1", "5").replace("n0", "2")).doit() == 16
    assert main(["bound", "charisopoulos2018", "--n0", "2", "--widths", "5,5"]) == 2
    out, err = capfd.readouterr()
    assert out == "" and len(err.strip().splitlines()) == 1 and "one layer" in err
