"""Xiong et al. 2020, Theorem 5: upper and lower bounds for deep ReLU CNNs.

Statement (from a transcription of the arXiv version; the paper's text was not readable here)
-------------------------------------------------------------------------------------------
A ReLU CNN ``N`` with input ``n_0^(1) x n_0^(2) x d_0`` and ``L`` convolutional layers (no
padding, no pooling), layer ``l`` of output ``n_l^(1) x n_l^(2) x d_l``:

* upper: ``R_N <= R_N'' prod_{l=2}^{L} sum_{i=0}^{n_0^(1) n_0^(2) d_0} C(n_l^(1) n_l^(2) d_l, i)``,
  ``N''`` the one-layer CNN of the first layer (registry: ``xiong2020-deep-upper``);
* lower: ``R_N >= R_N' prod_{l=1}^{L-1} floor(d_l / d_0)^(n_l^(1) n_l^(2) d_0)``, ``N'`` a
  one-layer CNN on ``n_{L-1}^(1) x n_{L-1}^(2) x d_0`` with the last layer's filters.

Verdict
-------
* Upper bound: **proved** (below), for activation regions with non-empty interior, hence for
  pieces; it needs no structure of layers ``2..L`` (they may be dense) and holds with zero
  padding and any stride. ``R_N''`` is the one-layer formula, itself an upper bound
  (proofs/proof_xiong2020_one_layer.py).
* Lower bound: **not registered, not checked**. Its side conditions could not be read (the
  transcription gives none; ``floor(d_l/d_0) >= 1`` and conditions on filter sizes and strides
  are needed for any folding construction), and its factor ``R_N'`` is the one-layer formula,
  which is not the maximum with shared filters: at ``L = 1`` the statement reads
  ``R_N >= R_N``, true for the maximum but false for the formula on a ``3 x 3`` image with two
  ``2 x 2`` filters (256 stated, 255 the maximum).

Argument (upper bound)
----------------------
Induction on ``l``. The regions of layer 1 alone are those of one convolutional layer: at most
``R_N''``. Let ``R`` be an activation region of layers ``1..l-1`` (fixed pattern, open convex
set). On ``R`` the map ``x -> h_{l-1}(x)`` is affine, so each unit of layer ``l`` has an affine
pre-activation ``a_i . x + c_i`` on ``R``; the patterns of layer ``l`` inside ``R`` with
non-empty interior are cells of an arrangement of at most ``n_l`` hyperplanes in ``R^n0``
(units with ``a_i = 0`` do not cut) met by ``R``, at most ``Phi(n_l, n0) = sum_{i<=n0} C(n_l, i)``
(Zaslavsky). So the count after layer ``l`` is at most the count after ``l-1`` times
``Phi(n_l, n0)``.

Checks: the induction step on counted networks (the number of layer-2 patterns inside each
layer-1 region never exceeds ``Phi(n_2, n0)``, and reaches it: the step is tight), the L = 1
case against counted one-layer CNNs that attain it, and counted random two-layer CNNs below
the registry value (evidence).
"""

from collections import Counter
from math import comb

import numpy as np

from _proofkit import registry_entry
from regionmath import Architecture
from regionmath.convolution import conv_matrix
from regionmath.counting import count_regions
from regionmath.network import Network


def phi_step(m, d):
    """Zaslavsky's bound on the pieces one layer of ``m`` units cuts a region of R^d into."""
    return sum(comb(m, i) for i in range(d + 1))


def random_cnn(arch, seed, low=-4, high=4):
    rng = np.random.default_rng(seed)
    Ws, bs = [], []
    for l, layer in enumerate(arch.conv):
        if layer is not None:
            f = rng.integers(low, high + 1, size=(layer.filters, layer.channels) + layer.kernel).astype(object)
            W, b = conv_matrix(layer, f, rng.integers(low, high + 1, size=layer.filters).astype(object))
        else:
            W = rng.integers(low, high + 1, size=(arch.widths[l], arch.layer_sizes[l])).astype(object)
            b = rng.integers(low, high + 1, size=arch.widths[l]).astype(object)
        Ws.append(W)
        bs.append(b)
    return Network.from_exact(Ws, bs, conv=arch.conv)


def test_induction_step_holds_and_is_tight():
    """Inside each region of layer 1, layer 2 makes at most Phi(n_2, n0) regions; some region
    reaches it (so a weaker step would be refuted)."""
    reached = False
    for spec, width2, seed in (("2:2x2", 1, 0), ("2:2x2", 2, 1), ("1:2x1", 2, 2)):
        arch = Architecture.cnn((1, 3, 2) if spec == "1:2x1" else (1, 3, 3), [spec, width2])
        net = random_cnn(arch, seed)
        result = count_regions(net, domain="R^n0")
        assert result.complete and result.certified
        n1 = arch.widths[0]
        per_region = Counter(tuple(p[:n1]) for p in result.regions.patterns.tolist())
        step = phi_step(width2, arch.n0)
        assert max(per_region.values()) <= step
        reached |= max(per_region.values()) == step
    assert reached


def test_one_layer_case_is_attained():
    """At L = 1 the bound is the one-layer formula; these layers attain it (counted, certified)."""
    bound = registry_entry("xiong2020-deep-upper")
    for shape, spec in (((1, 2, 3), "5:2x2"), ((1, 4, 4), "2:2x2:s2")):
        arch = Architecture.cnn(shape, [spec])
        result = count_regions(random_cnn(arch, 3, -20, 20), domain="R^n0")
        assert result.complete and result.certified
        assert result.count == bound.value(arch)


def test_counted_two_layer_cnns_stay_below():
    bound = registry_entry("xiong2020-deep-upper")
    for seed, layers in enumerate((["2:2x2", 2], ["2:2x2", "1:1x1"], ["1:2x2:s2:p1", 3])):
        arch = Architecture.cnn((1, 3, 3), layers)
        result = count_regions(random_cnn(arch, 10 + seed), domain="R^n0")
        assert result.complete and result.certified
        assert result.count <= bound.value(arch)
