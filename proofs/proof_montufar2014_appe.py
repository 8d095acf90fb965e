"""Montúfar et al. 2014, App. E: convolutional networks fall in the class studied.

Statement (App. E)
------------------
    "Since convolution is a linear map, the preactivation function of a convolutional network
    is of the same form as the preactivation functions considered in this paper. [...] Hence
    convolutional networks with piecewise linear activations fall in the class of networks
    that we considered here. The only difference lies in that the corresponding input weight
    matrices of convolutional networks belong to restricted classes of matrices."

Verdict
-------
* A convolutional layer (no padding, stride 1, shared bias per filter) is ``x -> A x + c`` with
  ``A`` a dense matrix built from the filters: **proved** (linearity) and checked exactly
  against direct convolution (numpy, integer data) in 1-D with channels and in 2-D.
* Hence every upper bound for dense networks bounds the convolutional network whose layer
  widths are (output positions) x (filters): **proved** (the maximum over a subset of the
  weights is at most the maximum over all); checked on counted random convolutional nets
  against Theorem 1 of the dense architecture (evidence for the counts, not for the bound).
* The toolkit's dense matrix of a 2-D layer with channels, stride and zero padding
  (``regionmath.convolution.conv_matrix``, what ``Network`` and ``from_torch`` use) equals
  direct correlation of the padded input (scipy), exactly on integer data.
* Registry entry ``montufar2014-appe``: App. E states no number; the toolkit's reading, "every
  dense upper bound of the same widths bounds the CNN", takes the tightest such entry. Checked:
  its value is that entry's, attained by a counted one-layer CNN (a ``4 x 4`` image, two
  ``2 x 2`` filters of stride 2: 256 = ``2^8``, counted exactly) and not by another (``2 x 3``,
  five ``2 x 2`` filters: at most 836 by Xiong's formula, below the dense ``Phi(10, 6) = 848``).
* "The only difference": the restriction **can lower the maximum strictly**: input length 2,
  filter size 1, two filters (4 units) has at most ``3 * 3 = 9`` regions, while 4 dense units
  in ``R^2`` reach ``Phi(4, 2) = 11``. **Proved** (the 4 hyperplanes are ``x_p = -c_f / w_f``:
  two parallel families of two) and attained (counted exactly).

Argument
--------
Output ``(f, p)`` of a 1-D layer is ``sum_{c, s} w[f, c, s] x[c, p + s] + c_f``, a linear form in
``x`` whose coefficients sit at ``(c, p + s)``: row ``(f, p)`` of ``A``. A network whose layers are
such affine maps followed by relu (or maxout) is a network of the paper's kind with the same
number of units per layer, so its regions are bounded by any bound that holds for all dense
weights. Filter size 1 on a length-2 input makes unit ``(f, p)`` read ``w_f x_p + c_f``: its
hyperplane is ``x_p = -c_f / w_f``, parallel to the other filter's at the same ``p``; two
families of two parallel lines cut the plane into at most ``(2 + 1)^2`` regions.
"""

import random

import numpy as np
from scipy.signal import correlate2d

from _proofkit import brute_patterns, exact_pattern_ok, registry_entry, whitney_regions
from regionmath import Architecture
from regionmath.convolution import ConvLayer, conv_matrix


def conv1d_matrix(filters, length):
    """Dense matrix of a valid 1-D convolution: filters (out, in, size) on (in, length) inputs,
    rows ordered (filter, position), columns (channel, position)."""
    out_c, in_c, size = filters.shape
    positions = length - size + 1
    A = np.zeros((out_c * positions, in_c * length), dtype=filters.dtype)
    for f in range(out_c):
        for p in range(positions):
            for c in range(in_c):
                A[f * positions + p, c * length + p: c * length + p + size] = filters[f, c]
    return A


def conv2d_matrix(kernel, shape):
    """Dense matrix of a valid 2-D correlation of one channel: rows (i, j), columns (r, s)."""
    kh, kw = kernel.shape
    H, W = shape
    oh, ow = H - kh + 1, W - kw + 1
    A = np.zeros((oh * ow, H * W), dtype=kernel.dtype)
    for i in range(oh):
        for j in range(ow):
            for a in range(kh):
                A[i * ow + j, (i + a) * W + j: (i + a) * W + j + kw] = kernel[a]
    return A


def families_bound(families, per_family):
    """Regions of ``families`` parallel families of ``per_family`` hyperplanes each, at most."""
    return (per_family + 1) ** families


def test_conv1d_is_the_dense_matrix():
    rng = np.random.default_rng(14)
    for _ in range(30):
        out_c, in_c, size = (int(v) for v in rng.integers(1, 4, 3))
        length = size + int(rng.integers(0, 4))
        filt = rng.integers(-5, 6, (out_c, in_c, size))
        x = rng.integers(-9, 10, (in_c, length))
        direct = np.array([[sum(np.correlate(x[c], filt[f, c], mode="valid") for c in range(in_c))]
                           for f in range(out_c)]).reshape(-1)
        assert np.array_equal(conv1d_matrix(filt, length) @ x.reshape(-1), direct)


def test_conv2d_is_the_dense_matrix():
    rng = np.random.default_rng(15)
    for _ in range(30):
        H, W = (int(v) for v in rng.integers(2, 6, 2))
        kh, kw = int(rng.integers(1, H + 1)), int(rng.integers(1, W + 1))
        k = rng.integers(-5, 6, (kh, kw))
        x = rng.integers(-9, 10, (H, W))
        assert np.array_equal(conv2d_matrix(k, (H, W)) @ x.reshape(-1), correlate2d(x, k, mode="valid").reshape(-1))


def test_conv_nets_below_the_dense_bound():
    t1 = registry_entry("serra2018-thm1")
    rng = np.random.default_rng(16)
    for _ in range(3):
        f1 = rng.integers(-3, 4, (2, 1, 2))           # 2 filters of size 2 on a length-3 signal
        A1 = conv1d_matrix(f1, 3)                      # 4 units
        b1 = np.repeat(rng.integers(-3, 4, 2), 2)
        f2 = rng.integers(-3, 4, (1, 2, 2))            # then 1 filter of size 2 over 2 channels
        A2 = conv1d_matrix(f2, 2)                      # 1 unit
        b2 = rng.integers(-3, 4, 1)
        W = [A1.tolist(), A2.tolist()]
        b = [b1.tolist(), b2.tolist()]
        found = brute_patterns(W, b, box=([-20] * 3, [20] * 3))
        assert all(exact_pattern_ok(W, b, p, x) for p, x in found.items())
        assert len(found) <= t1.value(Architecture(3, (4, 1)))


def test_restricted_weights_lose_regions():
    rng = random.Random(17)
    best = 0
    for _ in range(20):
        w = [rng.choice([-3, -2, -1, 1, 2, 3]) for _ in range(2)]
        c = [rng.randint(-4, 4) for _ in range(2)]
        A = conv1d_matrix(np.array([[[w[0]]], [[w[1]]]]), 2)     # units (f, p): w_f x_p + c_f
        bias = [c[0], c[0], c[1], c[1]]
        H = [[bias[r]] + A[r].tolist() for r in range(4)]
        best = max(best, whitney_regions(H)[0])
    assert best == families_bound(2, 2) == 9 < registry_entry("zaslavsky").value(Architecture(2, (4,))) == 11
    # attained, counted as a network: filters 1 and -1 with biases -1 and -2
    A = conv1d_matrix(np.array([[[1]], [[-1]]]), 2)
    W, b = [A.tolist()], [[-1, -1, 2, 2]]
    found = brute_patterns(W, b, box=([-5, -5], [5, 5]))
    assert all(exact_pattern_ok(W, b, p, x) for p, x in found.items())
    assert len(found) == 9


def direct_correlation(x, filters, bias, stride, padding):
    """A 2-D convolutional layer computed directly: zero-pad, correlate each channel (scipy),
    sum over channels, subsample by the stride, add the bias; flattened (filter, row, column)."""
    xp = np.pad(x, ((0, 0), (padding[0], padding[0]), (padding[1], padding[1])))
    out = []
    for f in range(filters.shape[0]):
        full = sum(correlate2d(xp[c], filters[f, c], mode="valid") for c in range(x.shape[0]))
        out.append(full[::stride[0], ::stride[1]] + bias[f])
    return np.array(out).reshape(-1)


def test_library_matrix_is_direct_correlation():
    rng = np.random.default_rng(18)
    for _ in range(40):
        C, H, W, F = (int(v) for v in rng.integers(1, 4, 4))
        H, W = H + 1, W + 2
        kh, kw = int(rng.integers(1, H + 1)), int(rng.integers(1, W + 1))
        stride = tuple(int(v) for v in rng.integers(1, 3, 2))
        padding = tuple(int(v) for v in rng.integers(0, 2, 2))
        layer = ConvLayer(C, H, W, F, (kh, kw), stride, padding)
        filters = rng.integers(-5, 6, (F, C, kh, kw))
        bias = rng.integers(-5, 6, F)
        x = rng.integers(-9, 10, (C, H, W))
        A, b = conv_matrix(layer, filters, bias)
        assert np.array_equal(A @ x.reshape(-1) + b, direct_correlation(x, filters, bias, stride, padding))


def test_registry_entry_takes_the_tightest_dense_bound():
    from fractions import Fraction
    from regionmath.bounds import tightest_upper
    from regionmath.counting import count_regions
    from regionmath.network import Network
    entry = registry_entry("montufar2014-appe")
    for shape, layers in (((1, 2, 3), ["5:2x2"]), ((1, 3, 3), ["2:2x2", 3]), ((2, 3, 3), ["2:2x2:s2:p1", "1:1x1"])):
        arch = Architecture.cnn(shape, layers)
        assert entry.value(arch) == tightest_upper(arch.dense())[1]
    arch = Architecture.cnn((1, 4, 4), ["2:2x2:s2"])
    rng = np.random.default_rng(19)
    layer = arch.conv[0]
    f = np.vectorize(Fraction, otypes=[object])(rng.integers(-20, 21, (2, 1, 2, 2)))
    W, b = conv_matrix(layer, f, [Fraction(int(v)) for v in rng.integers(-20, 21, 2)])
    counted = count_regions(Network.from_exact([W], [b], conv=[layer]), domain="R^n0")
    assert counted.complete and counted.certified
    assert counted.count == entry.value(arch) == 256
    assert entry.value(Architecture.cnn((1, 2, 3), ["5:2x2"])) == 848 > registry_entry("xiong2020-one-layer").value(
        Architecture.cnn((1, 2, 3), ["5:2x2"])) == 836
