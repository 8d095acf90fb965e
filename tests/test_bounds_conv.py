"""Convolutional layers: the dense structured matrix and Xiong et al.'s one-layer formula,
checked by counting small layers with random shared weights exactly (in all of R^n0), by a
literal second evaluation of its definition, and the registry's convolutional entries against
counted random CNNs."""

from fractions import Fraction
from itertools import combinations, product as cartesian
from math import comb, prod

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from regionmath import Architecture, bounds
from regionmath.bounds import substitute
from regionmath.convolution import ConvLayer
from regionmath.bounds.conv import ConvShape, conv_matrix, receptive_fields, xiong2020_one_layer
from regionmath.counting import count_regions
from regionmath.errors import RegionmathError
from regionmath.network import Network


def random_layer(shape, seed):
    rng = np.random.default_rng(seed)
    f = rng.integers(-20, 21, size=(shape.filters, shape.channels) + shape.kernel)
    b = rng.integers(-20, 21, size=shape.filters)
    W, bias = conv_matrix(shape, np.vectorize(Fraction, otypes=[object])(f), [Fraction(int(x)) for x in b])
    return Network.from_exact([W.tolist()], [bias.tolist()])


@pytest.mark.parametrize("shape, expected", [
    (ConvShape(1, 2, 3, filters=5, kernel=(2, 2)), 836),        # two overlapping windows
    (ConvShape(2, 2, 3, filters=3, kernel=(2, 2)), 64),          # two channels
    (ConvShape(1, 4, 4, filters=2, kernel=(2, 2), stride=2), 256),   # disjoint windows: a product
])
def test_formula_attained_by_random_shared_weights(shape, expected):
    assert xiong2020_one_layer(shape) == expected
    result = count_regions(random_layer(shape, 1), domain="R^n0")
    assert result.complete and result.certified and result.count == expected


def test_formula_not_attained_with_overlapping_shared_filters():
    """3 x 3 image, two 2 x 2 filters: the formula says 256, shared weights allow 255
    (proofs/proof_xiong2020_one_layer.py); counted: 255, never more."""
    shape = ConvShape(1, 3, 3, filters=2, kernel=(2, 2))
    assert xiong2020_one_layer(shape) == 256
    counts = [count_regions(random_layer(shape, seed), domain="R^n0").count for seed in (1, 2)]
    assert max(counts) == 255


def test_matrix_is_torch_conv2d_then_flatten():
    torch = pytest.importorskip("torch")
    shape = ConvShape(2, 4, 5, filters=3, kernel=(2, 3), stride=(1, 2), padding=(1, 0))
    conv = torch.nn.Conv2d(2, 3, kernel_size=(2, 3), stride=(1, 2), padding=(1, 0)).double()
    W, b = conv_matrix(shape, conv.weight.detach().numpy(), conv.bias.detach().numpy())
    x = np.random.default_rng(0).normal(size=(7, 2, 4, 5))
    want = torch.nn.Flatten()(conv(torch.tensor(x))).detach().numpy()
    got = x.reshape(7, -1) @ W.astype(float).T + b.astype(float)
    assert np.allclose(got, want)
    assert [len(f) for f in receptive_fields(shape)][:3] == [6, 6, 12]     # the padded row counts nothing


def test_bad_shapes():
    with pytest.raises(RegionmathError, match="does not fit"):
        ConvShape(1, 2, 2, filters=1, kernel=3)
    with pytest.raises(RegionmathError, match="positive integer"):
        ConvShape(0, 2, 2, filters=1)
    with pytest.raises(RegionmathError, match="filters must have shape"):
        conv_matrix(ConvShape(1, 3, 3, filters=2), np.zeros((1, 1, 2, 2)), [0])


# -- the registry entries, the architecture path and the command line ---------------------------


def formula_by_hall_subsets(layer):
    """The one-layer formula the slow way, a second method: every array t with
    0 <= t_p <= min(d, |S_p|) is kept iff sum_{p in J} t_p <= |union_{p in J} S_p| for EVERY set
    J of positions (the statement's definition of K, read literally)."""
    fields = [frozenset(f) for f in receptive_fields(layer)]
    d, P = layer.filters, len(fields)
    sets = [(J, len(frozenset().union(*(fields[p] for p in J)))) for r in range(1, P + 1)
            for J in combinations(range(P), r)]
    total = 0
    for t in cartesian(*[range(min(d, len(f)) + 1) for f in fields]):
        if all(sum(t[p] for p in J) <= cap for J, cap in sets):
            total += prod(comb(d, x) for x in t)
    return total


SMALL_LAYERS = [ConvLayer(1, 3, 3, 2, 2), ConvLayer(1, 2, 3, 5, 2), ConvLayer(2, 2, 3, 3, 2), ConvLayer(1, 3, 4, 2, 2),
                ConvLayer(1, 4, 4, 2, 2, stride=2), ConvLayer(1, 3, 3, 3, 2, padding=1, stride=2),
                ConvLayer(1, 3, 3, 3, (1, 2)), ConvLayer(1, 4, 3, 2, (2, 1), stride=(2, 1)), ConvLayer(1, 3, 3, 4, 3, padding=1, stride=3)]


@pytest.mark.parametrize("layer", SMALL_LAYERS, ids=lambda l: f"{'x'.join(map(str, l.in_shape))}-{l.spec()}")
def test_matching_evaluation_equals_the_literal_definition(layer):
    assert xiong2020_one_layer(layer) == formula_by_hall_subsets(layer)


def _random_cnn_network(arch, seed, low=-9, high=9):
    """Random integer filters (shared) for the convolutional layers, random integer dense layers."""
    rng = np.random.default_rng(seed)
    Ws, bs = [], []
    for l, layer in enumerate(arch.conv):
        if layer is not None:
            f = rng.integers(low, high + 1, size=(layer.filters, layer.channels) + layer.kernel)
            W, b = conv_matrix(layer, f.astype(object), rng.integers(low, high + 1, size=layer.filters).astype(object))
        else:
            W = rng.integers(low, high + 1, size=(arch.widths[l], arch.layer_sizes[l])).astype(object)
            b = rng.integers(low, high + 1, size=arch.widths[l]).astype(object)
        Ws.append(W)
        bs.append(b)
    return Network.from_exact(Ws, bs, conv=arch.conv)


@pytest.mark.parametrize("input_shape, spec", [
    ((1, 3, 3), "1:2x2"),          # one filter: four hyperplanes in general position in R^9, 2^4
    ((1, 3, 4), "1:2x2"),          # one filter, six windows: 2^6
    ((1, 2, 3), "5:2x2"),          # two windows sharing two pixels: 836
    ((1, 4, 4), "2:2x2:s2"),       # disjoint windows: Phi(2, 4)^4 = 4^4
    ((2, 2, 2), "3:1x1"),          # 1x1 kernel over two channels: per pixel Phi(3, 2) = 7, so 7^4
])
def test_registry_value_attained_by_counting_the_layer(input_shape, spec):
    arch = Architecture.cnn(input_shape, [spec])
    claimed = bounds.get("xiong2020-one-layer").value(arch)
    assert claimed == formula_by_hall_subsets(arch.conv[0])
    counted = count_regions(_random_cnn_network(arch, 3), domain="R^n0")
    assert counted.complete and counted.certified and counted.count == claimed


def test_dense_lower_bounds_do_not_apply_to_a_cnn_upper_bounds_do():
    arch = Architecture.cnn((1, 3, 3), ["2:2x2"])
    assert bounds.get("zaslavsky").value(arch.dense()) == 256
    assert not bounds.get("zaslavsky").applies(arch) and not bounds.get("serra2018-lower").applies(arch)
    assert bounds.get("serra2018-thm1").applies(arch) and bounds.get("montufar2014-appe").applies(arch)
    assert not bounds.get("montufar2014-appe").applies(arch.dense())
    assert not bounds.get("xiong2020-one-layer").applies(Architecture(9, (8,)))
    up, value = bounds.tightest_upper(arch)
    assert value == 256


@pytest.mark.parametrize("bound_id, layers", [
    ("xiong2020-one-layer", ["2:2x2"]), ("xiong2020-one-layer", ["3:2x1:s1x2"]),
    ("xiong2020-deep-upper", ["2:2x2", 3]), ("xiong2020-deep-upper", ["2:2x2", "1:2x2", 2]),
    ("montufar2014-appe", ["2:2x2", 3]),
    ("xiong2020-deep-lower", ["2:3x3:s3"]), ("xiong2020-deep-lower", ["3:2x2", "2:1x1"]),
    ("xiong2020-deep-lower", ["2:1x1", "5:1x1:s2", "3:2x2:s2"]),
])
def test_expression_evaluates_to_the_value(bound_id, layers):
    arch = Architecture.cnn((1, 3, 3), layers)
    b = bounds.get(bound_id)
    assert int(substitute(b.expr(arch), arch).doit()) == b.value(arch)


def test_deep_upper_is_the_first_layer_times_zaslavsky_counts():
    arch = Architecture.cnn((1, 3, 3), ["2:2x2", 3, 11])
    phi9 = lambda m: sum(comb(m, i) for i in range(10))      # noqa: E731
    assert bounds.get("xiong2020-deep-upper").value(arch) == 256 * phi9(3) * phi9(11) == 256 * 8 * 2036


_SHAPES = st.sampled_from([((1, 3, 3), "1:2x2"), ((1, 3, 3), "2:2x2"), ((1, 2, 3), "2:2x2"), ((1, 3, 3), "2:2x2:s2:p1"),
                           ((2, 2, 2), "2:1x1"), ((1, 3, 2), "2:2x1")])


@settings(max_examples=5, deadline=None, derandomize=True)
@given(shape=_SHAPES, second=st.sampled_from([None, 1, 2, "1:1x1"]), seed=st.integers(0, 10 ** 6))
def test_random_cnns_never_exceed_the_upper_bounds(shape, second, seed):
    input_shape, spec = shape
    layers = [spec] + ([] if second is None else [second])
    try:
        arch = Architecture.cnn(input_shape, layers)
    except RegionmathError:
        return
    net = _random_cnn_network(arch, seed, low=-3, high=3)
    counted = count_regions(net, domain="R^n0")
    assert counted.complete and counted.certified
    for b in bounds.applicable(arch):
        if b.kind == "upper":
            assert counted.count <= b.value(arch), (b.id, str(arch))


def _cli(capfd, *argv):
    from regionmath.cli import main
    code = main([str(a) for a in argv])
    out, err = capfd.readouterr()
    return code, out, err


def test_cli_bound_and_bounds_for_a_cnn(capfd):
    import json
    code, out, err = _cli(capfd, "bound", "xiong2020-one-layer", "--input", "1x3x3", "--conv", "2:2x2")
    assert code == 0 and out == "256\n"
    code, out, _ = _cli(capfd, "bound", "xiong2020-deep-upper", "--input", "1x3x3", "--conv", "2:2x2", "--widths", 3,
                        "--json")
    rec = json.loads(out)
    assert code == 0 and rec["value"] == str(256 * 8) and rec["hypotheses_hold"] is True
    code, out, _ = _cli(capfd, "bound", "xiong2020-one-layer", "--input", "1x3x3", "--conv", "2:2x2", "--symbolic")
    assert code == 0 and "d_1" in out
    code, out, _ = _cli(capfd, "bound", "xiong2020-deep-lower", "--input", "1x2x2", "--conv", "2:1x1", "--conv", "2:2x2:s2")
    assert code == 0 and out == "64\n"
    code, out, _ = _cli(capfd, "bound", "xiong2020-deep-lower", "--input", "1x2x2", "--conv", "2:1x1", "--conv",
                        "2:2x2:s2", "--symbolic")
    assert code == 0 and "d_1" in out and "d_2" in out
    code, out, _ = _cli(capfd, "bounds", "--input", "1x4x4", "--conv", "2:2x2:s2", "--widths", 3, "--json")
    records = {r["id"]: r for r in json.loads(out)}
    assert code == 0 and records["xiong2020-deep-upper"]["value"] == str(256 * sum(comb(3, i) for i in range(4)))
    assert records["zaslavsky"]["hypotheses_hold"] is False and records["serra2018-thm1"]["hypotheses_hold"] is True


def test_deep_lower_hypotheses_and_values():
    """The tightened hypotheses, each refused with its own words, and values by hand."""
    lower = bounds.get("xiong2020-deep-lower")
    # 2 filters per pixel fold 4 pixels in 2: 2^4 cells; then Phi(2, 4) = 4 regions of one 2 x 2 window
    assert lower.value(Architecture.cnn((1, 2, 2), ["2:1x1", "2:2x2:s2"])) == 2 ** 4 * 4
    # d_0 = 2: floor(5/2) = 2 per channel and pixel (2 x 2 x 2 values), then Phi(3, 8) = 8 per window
    assert lower.value(Architecture.cnn((2, 2, 2), ["5:1x1", "3:2x2:s2"])) == 2 ** 8 * 8
    for layers, word in ((["2:2x2"], "disjoint"), (["2:1x1:p1", "1:1x1"], "padding"), (["2:1x1", 3], "convolutional"),
                         (["1:1x1", "1:1x1"], "d_l >= d_0")):
        shape = (2, 3, 3) if word == "d_l >= d_0" else (1, 3, 3)
        bad = lower.hypotheses(Architecture.cnn(shape, layers))
        assert len(bad) == 1 and word in bad[0], (layers, bad)
    assert not lower.holds_for(Architecture.cnn((1, 2, 2), ["2:1x1", "2:2x2:s2"]), "pieces")


@pytest.mark.parametrize("shape, layers", [((1, 2, 2), ["2:1x1", "2:2x2:s2"]), ((2, 1, 1), ["4:1x1", "2:1x1"])])
def test_deep_lower_construction_counted(shape, layers):
    """The construction has exactly the value in the unit cube (certified), more in R^n0, and
    never more than the upper bounds (its regions are counted, not assumed)."""
    from regionmath.constructions import build
    arch = Architecture.cnn(shape, layers)
    c = build("xiong2020-deep-lower", arch)
    assert c.network.conv == arch.conv and c.exact
    inside = count_regions(c.network)
    everywhere = count_regions(c.network, domain="R^n0")
    assert inside.complete and inside.certified and inside.count == bounds.get("xiong2020-deep-lower").value(arch)
    assert everywhere.complete and everywhere.certified and everywhere.count > inside.count
    assert everywhere.count <= bounds.get("xiong2020-deep-upper").value(arch)


def test_cli_construct_and_verify_a_cnn(capfd, tmp_path):
    import json
    argv = ["--input", "1x2x2", "--conv", "2:1x1", "--conv", "2:2x2:s2"]
    code, out, _ = _cli(capfd, "verify", "xiong2020-deep-lower", *argv, "--json")
    rec = json.loads(out)
    assert code == 0 and rec["agrees"] is True and int(rec["counted"]) == int(rec["claimed"]) == 64
    code, out, _ = _cli(capfd, "construct", "xiong2020-deep-lower", *argv, "-o", tmp_path / "cnn.npz")
    assert code == 0 and Network.load(tmp_path / "cnn.npz").conv == Architecture.cnn((1, 2, 2), ["2:1x1", "2:2x2:s2"]).conv


@pytest.mark.parametrize("argv, word", [
    (["bound", "xiong2020-one-layer", "--input", "1x3x3", "--conv", "2x2"], "FILTERS:KHxKW"),
    (["bound", "xiong2020-one-layer", "--input", "3x3", "--conv", "2:2x2"], "CxHxW"),
    (["bound", "xiong2020-one-layer", "--conv", "2:2x2"], "--input"),
    (["bound", "xiong2020-one-layer", "--input", "1x3x3", "--n0", 9, "--conv", "2:2x2"], "not both"),
    (["bound", "xiong2020-one-layer", "--input", "1x3x3", "--conv", "2:4x4"], "does not fit"),
    (["bound", "xiong2020-one-layer", "--input", "1x3x3", "--conv", "2:2x2", "--widths", 3], "L = 1"),
    (["bound", "xiong2020-one-layer", "--n0", 9, "--widths", 8], "convolutional"),
    (["bounds", "--input", "1x3x3", "--conv", "2:2x2", "--rank", 2], "relu"),
    (["bound", "xiong2020-deep-lower", "--input", "1x3x3", "--conv", "2:2x2"], "disjoint"),
    (["verify", "xiong2020-deep-lower", "--input", "1x3x3", "--conv", "2:2x2"], "disjoint"),
    (["construct", "xiong2020-deep-lower", "-o", "never.npz"], "--n0 and --widths are required"),
    (["bounds", "--input", "1x3x3"], "--conv"),
    (["bounds", "--n0", 2], "--widths"),
])
def test_cli_bad_convolutional_input_is_one_line_exit_2(capfd, argv, word):
    code, out, err = _cli(capfd, *argv)
    assert code == 2 and out == "" and len(err.strip().splitlines()) == 1 and word in err and "Traceback" not in err
