"""Convolutional layers in the foundation: ConvLayer, Architecture.cnn, Network(conv=...), the
network file and the PyTorch importer. Expected values come from torch itself (its forward
pass, its parameter count) or from exact rational arithmetic, never from the code under test."""

from fractions import Fraction

import numpy as np
import pytest

from regionmath import Architecture, Network
from regionmath.convolution import ConvLayer, conv_matrix, parse_conv_spec, parse_input_shape
from regionmath.errors import RegionmathError
from regionmath.exact import exact_layers
from regionmath.importers import from_torch


def _torch():
    return pytest.importorskip("torch")


def _cnn(nn, double=False):
    """Conv(1->2, 2x2), ReLU, Conv(2->3, 2x2, stride 2, padding 1), ReLU, Flatten, Linear, ReLU, Linear."""
    model = nn.Sequential(nn.Conv2d(1, 2, 2), nn.ReLU(), nn.Conv2d(2, 3, 2, stride=2, padding=1), nn.ReLU(),
                          nn.Flatten(), nn.Linear(27, 4), nn.ReLU(), nn.Dropout(), nn.Linear(4, 2))
    return model.double() if double else model


def test_architecture_cnn_counts_agree_with_torch():
    torch = _torch()
    torch.manual_seed(0)
    model = _cnn(torch.nn)
    arch = Architecture.cnn((1, 6, 6), ["2:2x2", {"filters": 3, "kernel": 2, "stride": 2, "padding": 1}, 4])
    units = [model(torch.zeros(1, 1, 6, 6)) is not None]      # the model runs on this shape
    h = torch.zeros(1, 1, 6, 6)
    for m in model:
        h = m(h)
        if isinstance(m, torch.nn.ReLU):
            units.append(h[0].numel())
    assert arch.widths == tuple(units[1:]) == (50, 27, 4)
    assert arch.parameter_count(outputs=2) == sum(p.numel() for p in model.parameters())
    assert arch.N == 81 and arch.L == 3 and arch.n0 == 36
    assert arch.dense() == Architecture(36, (50, 27, 4)) != arch


@pytest.mark.parametrize("make, word", [
    (lambda: Architecture.cnn((1, 3, 3), [4, "2:2x2"]), "after a dense layer"),
    (lambda: Architecture.cnn((1, 3, 3), ["2:4x4"]), "does not fit"),
    (lambda: Architecture.cnn((1, 3), ["2:2x2"]), "channels, height, width"),
    (lambda: Architecture.cnn((1, 3, 3), ["2x2"]), "FILTERS:KHxKW"),
    (lambda: Architecture.cnn((1, 3, 3), ["2:2x2:s1:s2"]), "given twice"),
    (lambda: Architecture(9, (8,), conv=(ConvLayer(1, 3, 3, 3, 2),)), "from 9 inputs to 12 units"),
    (lambda: Architecture(9, (8,), "maxout", 2, conv=(ConvLayer(1, 3, 3, 2, 2),)), "relu"),
    (lambda: Architecture(9, (8, 3), conv=(ConvLayer(1, 3, 3, 2, 2), ConvLayer(1, 2, 4, 1, 2))), "outputs 2x2x2"),
    (lambda: parse_input_shape("3x3"), "CxHxW"),
])
def test_bad_convolutional_architectures(make, word):
    with pytest.raises(RegionmathError, match=word):
        make()


def test_spec_round_trip():
    for text in ("2:2x2", "4:3x3:s2:p1", "1:3x1:s1x2:p0x1"):
        layer = parse_conv_spec(text, (2, 7, 7))
        assert parse_conv_spec(layer.spec(), (2, 7, 7)) == layer
        assert ConvLayer.from_array(layer.as_array()) == layer


def test_network_refuses_a_matrix_that_is_not_the_convolution():
    layer = ConvLayer(1, 3, 3, 2, 2)
    W, b = conv_matrix(layer, np.arange(1.0, 9.0).reshape(2, 1, 2, 2), [0.5, -1.0])
    Network([W], [b], conv=[layer])                       # the real matrix is accepted
    for tamper in ((0, 8), (1, 0)):                        # outside a window; a shared weight changed
        bad = W.copy()
        bad[tamper] += 1.0
        with pytest.raises(RegionmathError, match="not the matrix of the convolution"):
            Network([bad], [b], conv=[layer])
    bad_b = b.copy()
    bad_b[1] = 7.0                                         # a bias not shared across positions
    with pytest.raises(RegionmathError, match="one bias"):
        Network([W], [bad_b], conv=[layer])


def test_save_load_keeps_the_structure_and_old_files_still_load(tmp_path):
    layer = ConvLayer(1, 3, 3, 2, 2, padding=1)
    W, b = conv_matrix(layer, [[[[Fraction(1, 3), -2], [3, 1]]], [[[0, 5], [Fraction(-7, 2), 1]]]], [1, Fraction(1, 2)])
    net = Network.from_exact([W, np.ones((1, W.shape[0]), dtype=int)], [b, [0]], conv=[layer, None],
                             output=([[1]], [0]))
    path = tmp_path / "cnn.npz"
    net.save(path)
    back = Network.load(path)
    assert back.conv == (layer, None) and back.architecture == net.architecture and back.is_exact
    assert str(back.architecture) == "1x3x3->conv2:2x2:p1=32-1"
    # a file without the conv arrays (what a reader from before convolutions wrote) is the dense network
    with np.load(path) as data:
        arrays = {k: data[k] for k in data.files if not k.startswith("conv")}
    np.savez(tmp_path / "old.npz", **arrays)
    old = Network.load(tmp_path / "old.npz")
    assert old.conv == () and old.architecture == net.architecture.dense()
    x = np.random.default_rng(0).normal(size=(5, 9))
    assert np.array_equal(old.forward(x), back.forward(x))
    arrays["conv1"] = np.array([1, 3, 3, 2], dtype=np.int64)
    np.savez(tmp_path / "bad.npz", **arrays)
    with pytest.raises(RegionmathError, match="10 integers"):
        Network.load(tmp_path / "bad.npz")


def _exact_forward(net, x):
    """The network's output at a rational input, in exact arithmetic from its exact weights."""
    h = [Fraction(v) for v in x]
    for rows, bias in exact_layers(net):
        h = [max(Fraction(0), sum((Fraction(int(w.numerator), int(w.denominator)) * v for w, v in zip(row, h)),
                                  Fraction(int(c.numerator), int(c.denominator)))) for row, c in zip(rows, bias)]
    Wo, bo = net.output
    return [sum((Fraction(float(w)) * v for w, v in zip(row, h)), Fraction(float(c))) for row, c in zip(Wo, bo)]


def test_from_torch_conv_net_matches_torch():
    torch = _torch()
    torch.manual_seed(1)
    model = _cnn(torch.nn).eval()
    net = from_torch(model, input_shape=(1, 6, 6), domain=(0, 1))
    assert net.architecture == Architecture.cnn((1, 6, 6), ["2:2x2", "3:2x2:s2:p1", 4])
    assert net.conv[0] == ConvLayer(1, 6, 6, 2, 2) and net.conv[2] is None
    x32 = torch.rand(20, 1, 6, 6)
    flat = x32.reshape(20, -1).double().numpy()
    # float64: the same function as torch in double precision
    want64 = model.double()(x32.double()).detach().numpy()
    assert np.allclose(net.forward(flat), want64, rtol=0, atol=1e-12)
    # exact: the network read in rationals from the float32 weights, against torch's float32 result
    got32 = _cnn(torch.nn).eval()
    got32.load_state_dict({k: v.float() for k, v in model.state_dict().items()})
    want32 = got32(x32).detach().numpy()
    for i in range(4):
        exact = [float(v) for v in _exact_forward(net, flat[i])]
        assert np.allclose(exact, want32[i], rtol=1e-5, atol=1e-5)
        assert np.allclose(exact, want64[i], rtol=0, atol=1e-12)


def test_from_torch_padding_strings_and_images_as_X():
    torch = _torch()
    nn = torch.nn
    model = nn.Sequential(nn.Conv2d(2, 1, 3, padding="same"), nn.ReLU(), nn.Conv2d(1, 1, 2, padding="valid"), nn.ReLU())
    X = torch.rand(30, 2, 4, 4)
    with pytest.warns(Warning, match="range of the training inputs"):
        net = from_torch(model, input_shape=(2, 4, 4), X=X)
    assert net.conv[0].padding == (1, 1) and net.conv[1].padding == (0, 0) and net.widths == (16, 9)
    want = model.double()(X.double()).reshape(30, -1).detach().numpy()
    assert np.allclose(net.forward(X.reshape(30, -1).double().numpy()), want, atol=1e-12)


@pytest.mark.parametrize("build, word", [
    (lambda nn: nn.Sequential(nn.Conv2d(1, 2, 2, dilation=2), nn.ReLU()), "dilation"),
    (lambda nn: nn.Sequential(nn.Conv2d(2, 2, 2, groups=2), nn.ReLU()), "groups"),
    (lambda nn: nn.Sequential(nn.Conv2d(1, 2, 2, padding=1, padding_mode="reflect"), nn.ReLU()), "padding_mode"),
    (lambda nn: nn.Sequential(nn.Conv2d(1, 2, 2, padding="same"), nn.ReLU()), "even kernel"),
    (lambda nn: nn.Sequential(nn.Conv2d(1, 2, 2), nn.ReLU(), nn.Linear(8, 2)), "Flatten before it"),
    (lambda nn: nn.Sequential(nn.Conv2d(1, 2, 2), nn.ReLU(), nn.MaxPool2d(2)), "MaxPool2d"),
    (lambda nn: nn.Sequential(nn.Conv2d(3, 2, 2), nn.ReLU()), "reads 3 channels"),
    (lambda nn: nn.Sequential(nn.Flatten(), nn.Linear(9, 2), nn.ReLU(), nn.Conv2d(1, 1, 1), nn.ReLU()), "come first"),
    (lambda nn: nn.Sequential(nn.Conv2d(1, 2, 2), nn.ReLU(), nn.Flatten(0, -1)), "Flatten"),
])
def test_from_torch_refuses_unsupported_convolutions(build, word):
    torch = _torch()
    with pytest.raises(RegionmathError, match=word):
        from_torch(build(torch.nn), input_shape=(1, 3, 3), domain=(0, 1))


def test_from_torch_needs_the_input_shape():
    torch = _torch()
    with pytest.raises(RegionmathError, match="input_shape"):
        from_torch(torch.nn.Sequential(torch.nn.Conv2d(1, 2, 2), torch.nn.ReLU()), domain=(0, 1))
