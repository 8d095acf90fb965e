"""Convolutional layers: the dense structured matrix and Xiong et al.'s one-layer formula,
checked by counting small layers with random shared weights exactly (in all of R^n0)."""

from fractions import Fraction

import numpy as np
import pytest

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
