"""Xiong et al. 2020, Theorem 5: upper and lower bounds for deep ReLU CNNs.

Statement (from transcriptions of the arXiv version; the paper's text was not readable here)
--------------------------------------------------------------------------------------------
A ReLU CNN ``N`` with input ``n_0^(1) x n_0^(2) x d_0`` and ``L`` convolutional layers (no
padding, no pooling), layer ``l`` of output ``n_l^(1) x n_l^(2) x d_l``:

* upper: ``R_N <= R_N'' prod_{l=2}^{L} sum_{i=0}^{n_0^(1) n_0^(2) d_0} C(n_l^(1) n_l^(2) d_l, i)``,
  ``N''`` the one-layer CNN of the first layer (registry: ``xiong2020-deep-upper``);
* lower: ``R_N >= R_N' prod_{l=1}^{L-1} floor(d_l / d_0)^(n_l^(1) n_l^(2) d_0)``, ``N'`` "a
  one-layer ReLU CNN which has input dimension ``n_{L-1}^(1) x n_{L-1}^(2) x d_0`` (the third
  dimension is ``d_0``, not ``d_{L-1}``), hidden layer dimension ``n_L^(1) x n_L^(2) x d_L``,
  and ``d_L`` filters with dimension ``f_L^(1) x f_L^(2) x d_0`` and stride ``s_L``"; ``R_N'``
  is its number by Theorem 2 (the one-layer formula). Proof idea (as transcribed): factor each
  convolution through a second one, so that the first layers map the input onto a hypercube
  and the last layer partitions the cube. No further side conditions are given.

Sources searched for the lower bound (round 3): the `search` tool (pages, docs, code, issues)
for the title, "Theorem 5", the N' sentence and the floor product; `find_string` for the title
and the N' sentence; the authors' code (github.com/huangleiBuaa/LRCount-CNN: sampling counts of
a two-layer CNN on a 1 x 4 input, no bound formula); an R transcription (``linear_regions_cnn``:
the same product, ``log R_N'`` a placeholder); the notes github.com/Theodore-PKU/paper-notes
(the statement above with ``N'`` and the proof idea); the TPAMI 2024 extension (abstract
only). The arXiv text itself (2006.00978) was not found in the corpora.

Verdict
-------
* Upper bound: **proved** (below), for activation regions with non-empty interior, hence for
  pieces; it needs no structure of layers ``2..L`` (they may be dense) and holds with zero
  padding and any stride. ``R_N''`` is the one-layer formula, itself an upper bound
  (proofs/proof_xiong2020_one_layer.py).
* Lower bound, as printed: **refuted at L = 1** (the product is empty and ``N' = N``, so it
  claims the one-layer formula: a ``3 x 3`` image with two ``2 x 2`` filters has at most 255
  regions, 256 stated; proofs/proof_xiong2020_one_layer.py). For ``L >= 2`` with overlapping
  last-layer windows: **not decided** (the proof needs ``N'`` to attain the formula, which
  shared filters need not; no architecture is known here where the claim fails).
* Lower bound with tightened hypotheses (registry ``xiong2020-deep-lower``): every layer
  convolutional without padding, ``d_l >= d_0`` for ``l < L``, the last layer's windows
  disjoint (stride >= kernel): **proved** (argument below) and a **certified construction**
  (``constructions.build("xiong2020-deep-lower", arch)``: shared filters, counted exactly in
  the unit cube, equal to the value, on the shapes of ``LOWER_SHAPES``); ``R_N'`` is then
  ``Phi(d_L, f_L^(1) f_L^(2) d_0)^(n_L^(1) n_L^(2))``, the one-layer formula of ``N'``. The
  value never exceeds the deep upper bound (checked on a range).

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

Argument (lower bound, tightened)
---------------------------------
Work on the unit cube. Layer ``l < L`` has ``p_l = floor(d_l/d_0)`` filters per input channel
``c``; filter ``c p_l + i`` reads, at every output position, only the folded value of channel
``c`` at the first pixel of its window (window offset ``(0, 0)``; positions ``(i s, j s)`` are
distinct, so distinct units read distinct values), and is unit ``i`` of Montúfar's sawtooth on
it; the alternating sums are absorbed into the next layer's kernel (a ``1 x 1`` convolution
followed by a convolution is a convolution, with shared weights). Each sawtooth maps each of
its ``p_l`` intervals affinely onto ``[0, 1]``, and its activation pattern differs on
different intervals, so layers ``1..L-1`` cut the cube into ``prod p_l^(n_l^(1) n_l^(2) d_0)``
cells with distinct patterns, each mapped affinely onto the cube of the
``n_{L-1}^(1) x n_{L-1}^(2) x d_0`` folded values (onto the values read, the rest ignored).
The last layer is ``N'`` composed with the readout: with disjoint windows of ``k`` values, its
arrangement on the cube of folded values is the product of one ``d_L``-hyperplane arrangement
per window (the same one, shifted: sharing costs nothing on disjoint coordinates), each in
general position with every region meeting the open cube, so it has
``Phi(d_L, k)^(positions)`` regions there, and each cell holds that many. Without disjoint
windows the shared kernel's arrangement is not a product, and the one-layer formula can fail
(256 vs 255 above).

Checks: the induction step on counted networks (the number of layer-2 patterns inside each
layer-1 region never exceeds ``Phi(n_2, n0)``, and reaches it: the step is tight), the L = 1
case against counted one-layer CNNs that attain it, and counted random two-layer CNNs below
the registry value (evidence). Lower bound: the construction counted exactly in the unit cube
(certified) on ``LOWER_SHAPES`` equals the registry value and the retyped statement
(``lower_literal``); the value stays below both upper bounds on a range; at ``L = 1`` the
retyped statement says 256 where counted shared-filter layers reach 255.
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


# -- the lower bound ---------------------------------------------------------------------------
def lower_literal(arch):
    """Theorem 5's lower bound retyped from the transcription: ``R_N'`` the one-layer formula of
    ``N'`` (input ``n_{L-1}^(1) x n_{L-1}^(2) x d_0``, the last layer's filters, kernel, stride),
    times ``prod_{l<L} floor(d_l/d_0)^(n_l^(1) n_l^(2) d_0)``. A second reading, not a proof."""
    from regionmath.bounds.conv import xiong2020_one_layer
    from regionmath.convolution import ConvLayer
    d0 = arch.conv[0].channels
    last = arch.conv[-1]
    n_prime = ConvLayer(d0, last.height, last.width, last.filters, last.kernel, last.stride)
    value = xiong2020_one_layer(n_prime)
    for layer in arch.conv[:-1]:
        value *= (layer.filters // d0) ** (layer.out_height * layer.out_width * d0)
    return value


LOWER_SHAPES = [((1, 1, 2), ["2:1x1", "2:1x1"]), ((1, 2, 2), ["2:1x1", "2:2x2:s2"]), ((2, 1, 1), ["4:1x1", "2:1x1"]),
                ((1, 1, 4), ["2:1x2", "3:1x2:s2"]), ((1, 4, 4), ["2:2x2:s2"]), ((1, 1, 3), ["2:1x1", "3:1x2:s2"]),
                ((1, 2, 2), ["3:1x1", "1:2x2:s2"]), ((2, 2, 1), ["4:1x1", "4:2x1:s2", "2:1x1"]),
                ((2, 1, 2), ["5:1x2", "3:1x1"])]       # L = 3, d_0 = 2, a strided middle layer; a dead spare filter
LOWER_SHAPES_HEAVY = [((1, 1, 2), ["2:1x1", "2:1x1", "2:1x1"]), ((2, 2, 1), ["4:1x1", "3:2x1:s2"])]


def test_lower_literal_at_one_layer_is_refuted():
    """At L = 1 the statement claims the one-layer formula: 256 on a 3 x 3 image with two 2 x 2
    filters, where every shared-filter layer has at most 255 regions (the dependency
    ``g f - f g = 0``, proofs/proof_xiong2020_one_layer.py); the registry does not apply there."""
    arch = Architecture.cnn((1, 3, 3), ["2:2x2"])
    assert lower_literal(arch) == 256
    assert not registry_entry("xiong2020-deep-lower").applies(arch)
    best = max(count_regions(random_cnn(arch, seed, -20, 20), domain="R^n0").count for seed in (1, 2))
    assert best == 255


def test_lower_construction_counts_exactly(heavy):
    """Shared-filter weights with exactly the registry's value of regions in the unit cube
    (certified), the value equal to the transcribed statement (a second reading)."""
    from regionmath.constructions import build
    bound = registry_entry("xiong2020-deep-lower")
    for shape, layers in LOWER_SHAPES + (LOWER_SHAPES_HEAVY if heavy else []):
        arch = Architecture.cnn(shape, layers)
        c = build("xiong2020-deep-lower", arch)
        assert c.network.conv == arch.conv            # the weights are those convolutions (checked on load)
        result = count_regions(c.network)
        assert result.complete and result.certified
        assert result.count == bound.value(arch) == lower_literal(arch), (arch, result.count)


def test_lower_never_above_the_upper_bounds():
    """Exhaustive on a range: the value is at most the deep upper bound and the tightest dense
    upper bound (a lower bound above a proved upper bound would be false)."""
    bound, upper = registry_entry("xiong2020-deep-lower"), registry_entry("xiong2020-deep-upper")
    from regionmath import bounds
    seen = 0
    for c in (1, 2):
        for h, w in ((1, 2), (2, 2), (1, 4), (2, 3)):
            for d1 in (1, 2, 3, 4):
                for d2 in (1, 2, 3):
                    for k2 in ("1x1", f"1x{min(2, w)}", f"{h}x1"):
                        kh, kw = map(int, k2.split("x"))
                        try:
                            arch = Architecture.cnn((c, h, w), [f"{d1}:1x1", f"{d2}:{k2}:s{kh}x{kw}"])
                        except Exception:
                            continue
                        if not bound.applies(arch):
                            continue
                        seen += 1
                        value = bound.value(arch)
                        assert value <= upper.value(arch) and value <= bounds.tightest_upper(arch)[1], arch
    assert seen >= 40
