r"""Convolutional layers as structured fully connected layers.

A 2-D convolutional layer (``torch.nn.Conv2d`` with zero padding, no dilation, no groups) on
an input of ``channels x height x width`` is an affine map ``x -> W x + b`` of the flattened
input whose matrix ``W`` is structured: the unit of filter ``f`` at output position ``p`` sees
only its receptive field ``S_p`` (every channel of a ``kh x kw`` window), with the filter's
weights, shared by every position, and the filter's bias (Montúfar et al. 2014, App. E). The
toolkit counts regions of convolutional networks through these dense matrices, so every
counter works unchanged; :class:`ConvLayer` remembers the structure, which the bounds of
Xiong et al. (2020) need.

Flattening is ``torch.nn.Flatten``'s order everywhere: input coordinate
``(c * height + r) * width + s`` is pixel ``(r, s)`` of channel ``c``; output row
``f * positions + i * out_width + j`` is filter ``f`` at position ``(i, j)``.

Examples
--------
>>> layer = ConvLayer(channels=1, height=3, width=3, filters=2, kernel=2)
>>> layer.out_shape, layer.units, layer.inputs, layer.parameter_count()
((2, 2, 2), 8, 9, 10)
>>> W, b = conv_matrix(layer, [[[[1, 2], [3, 4]]], [[[0, 0], [0, 1]]]], [5, 6])
>>> W[1].tolist(), b.tolist()           # filter 0 at position (0, 1)
([0, 1, 2, 0, 3, 4, 0, 0, 0], [5, 5, 5, 5, 6, 6, 6, 6])
>>> parse_conv_spec("4:3x3:s2:p1", (1, 8, 8))
ConvLayer(channels=1, height=8, width=8, filters=4, kernel=(3, 3), stride=(2, 2), padding=(1, 1))

References
----------
- G. Montúfar, R. Pascanu, K. Cho, Y. Bengio, "On the number of linear regions of deep
  neural networks", NIPS 2014, App. E.
- H. Xiong, L. Huang, M. Yu, L. Liu, F. Zhu, L. Shao, "On the number of linear regions of
  convolutional neural networks", ICML 2020 (arXiv 2006.00978).
"""

from __future__ import annotations

import numbers
import re
from dataclasses import dataclass

from .errors import RegionmathError

__all__ = ["ConvLayer", "receptive_fields", "conv_matrix", "conv_filters", "parse_conv_spec", "parse_input_shape",
           "CONV_SPEC_FORMAT"]

#: the text form of a convolutional layer (CLI ``--conv``, :meth:`Architecture.cnn`)
CONV_SPEC_FORMAT = "FILTERS:KHxKW[:sSTRIDE][:pPADDING] (e.g. 2:2x2, 4:3x3:s2:p1; stride/padding N or NxM)"


def _pair(value, what):
    if isinstance(value, numbers.Integral) and not isinstance(value, bool):
        value = (value, value)
    try:
        a, b = value
    except (TypeError, ValueError):
        raise RegionmathError(f"{what} must be an integer or a pair of integers, got {value!r}") from None
    for v in (a, b):
        if isinstance(v, bool) or not isinstance(v, numbers.Integral):
            raise RegionmathError(f"{what} must be an integer or a pair of integers, got {value!r}")
    return int(a), int(b)


@dataclass(frozen=True)
class ConvLayer:
    """One 2-D convolutional layer: input ``channels x height x width``, ``filters`` output
    channels, ``kernel``, ``stride`` and zero ``padding`` (integers or pairs ``(rows,
    columns)``), as in ``torch.nn.Conv2d``. Validated and immutable.

    Raises
    ------
    RegionmathError
        For a non-positive size, stride or kernel, negative padding, or a kernel that does not
        fit the padded input.
    """

    channels: int
    height: int
    width: int
    filters: int
    kernel: tuple = (2, 2)
    stride: tuple = (1, 1)
    padding: tuple = (0, 0)

    def __post_init__(self):
        for name in ("channels", "height", "width", "filters"):
            v = getattr(self, name)
            if isinstance(v, bool) or not isinstance(v, numbers.Integral) or v < 1:
                raise RegionmathError(f"{name} must be a positive integer, got {v!r}")
            object.__setattr__(self, name, int(v))
        kernel, stride, padding = _pair(self.kernel, "kernel"), _pair(self.stride, "stride"), _pair(self.padding, "padding")
        if min(kernel) < 1 or min(stride) < 1 or min(padding) < 0:
            raise RegionmathError(f"kernel and stride must be >= 1 and padding >= 0, got kernel {kernel}, "
                                  f"stride {stride}, padding {padding}")
        object.__setattr__(self, "kernel", kernel)
        object.__setattr__(self, "stride", stride)
        object.__setattr__(self, "padding", padding)
        if self.out_height < 1 or self.out_width < 1:
            raise RegionmathError(f"the kernel {kernel[0]}x{kernel[1]} does not fit the padded input "
                                  f"{self.height + 2 * padding[0]} x {self.width + 2 * padding[1]}")

    @classmethod
    def on(cls, in_shape, filters, kernel, stride=1, padding=0) -> "ConvLayer":
        """The layer with ``filters`` filters on an input of shape ``(channels, height, width)``."""
        c, h, w = _shape3(in_shape)
        return cls(c, h, w, filters, kernel, stride, padding)

    @property
    def out_height(self) -> int:
        return (self.height + 2 * self.padding[0] - self.kernel[0]) // self.stride[0] + 1

    @property
    def out_width(self) -> int:
        return (self.width + 2 * self.padding[1] - self.kernel[1]) // self.stride[1] + 1

    @property
    def output_positions(self) -> int:
        return self.out_height * self.out_width

    @property
    def in_shape(self) -> tuple:
        return (self.channels, self.height, self.width)

    @property
    def out_shape(self) -> tuple:
        return (self.filters, self.out_height, self.out_width)

    @property
    def inputs(self) -> int:
        """Input dimension ``channels * height * width``."""
        return self.channels * self.height * self.width

    @property
    def units(self) -> int:
        """Number of units (rows of the dense matrix): ``filters * output_positions``."""
        return self.filters * self.output_positions

    def parameter_count(self) -> int:
        """Weights and biases: ``filters * (channels * kh * kw + 1)`` (shared by every position)."""
        return self.filters * (self.channels * self.kernel[0] * self.kernel[1] + 1)

    def spec(self) -> str:
        """The text form :func:`parse_conv_spec` reads (without the input shape)."""
        s = f"{self.filters}:{self.kernel[0]}x{self.kernel[1]}"
        if self.stride != (1, 1):
            s += f":s{self.stride[0]}" if self.stride[0] == self.stride[1] else f":s{self.stride[0]}x{self.stride[1]}"
        if self.padding != (0, 0):
            s += f":p{self.padding[0]}" if self.padding[0] == self.padding[1] else f":p{self.padding[0]}x{self.padding[1]}"
        return s

    def as_array(self) -> list:
        """The ten integers a network file stores (docs/network-format.rst)."""
        return [self.channels, self.height, self.width, self.filters, *self.kernel, *self.stride, *self.padding]

    @classmethod
    def from_array(cls, values) -> "ConvLayer":
        values = [int(v) for v in values]
        if len(values) != 10:
            raise RegionmathError(f"a convolutional layer is stored as 10 integers (channels, height, width, filters, "
                                  f"kh, kw, sh, sw, ph, pw), got {len(values)}")
        c, h, w, f, kh, kw, sh, sw, ph, pw = values
        return cls(c, h, w, f, (kh, kw), (sh, sw), (ph, pw))


def _shape3(shape):
    try:
        c, h, w = shape
    except (TypeError, ValueError):
        raise RegionmathError(f"an input shape is (channels, height, width), got {shape!r}") from None
    for v in (c, h, w):
        if isinstance(v, bool) or not isinstance(v, numbers.Integral) or v < 1:
            raise RegionmathError(f"an input shape is three positive integers (channels, height, width), got {shape!r}")
    return int(c), int(h), int(w)


def parse_input_shape(text) -> tuple:
    """``"1x28x28"`` (channels x height x width) as ``(1, 28, 28)``.

    Raises
    ------
    RegionmathError
        For anything else.
    """
    m = re.fullmatch(r"\s*(\d+)x(\d+)x(\d+)\s*", str(text))
    if not m:
        raise RegionmathError(f"an input shape is CxHxW (channels x height x width, e.g. 1x28x28), got {text!r}")
    return _shape3(tuple(int(g) for g in m.groups()))


def parse_conv_spec(text, in_shape) -> ConvLayer:
    """A layer from its text form :data:`CONV_SPEC_FORMAT` on an input of shape ``in_shape``.

    Raises
    ------
    RegionmathError
        For a malformed text or a layer that does not fit the input.
    """
    pair = r"(\d+)(?:x(\d+))?"
    m = re.fullmatch(rf"\s*(\d+):(\d+)x(\d+)((?::[sp]{pair})*)\s*", str(text))
    if not m:
        raise RegionmathError(f"a convolutional layer is {CONV_SPEC_FORMAT}, got {text!r}")
    options = {"s": (1, 1), "p": (0, 0)}
    seen = set()
    for key, a, b in re.findall(rf":([sp]){pair}", m.group(4)):
        if key in seen:
            raise RegionmathError(f"{'stride' if key == 's' else 'padding'} given twice in {text!r}")
        seen.add(key)
        options[key] = (int(a), int(b or a))
    return ConvLayer.on(in_shape, int(m.group(1)), (int(m.group(2)), int(m.group(3))), options["s"], options["p"])


def _taps(layer: ConvLayer):
    """Index arrays ``(rows, cols, filt, tap)``: entry ``W[rows, cols]`` of the dense matrix is
    ``filters.reshape(F, -1)[filt, tap]`` (padding taps left out). Cached per layer."""
    cached = _TAPS.get(layer)
    if cached is not None:
        return cached
    import numpy as np
    F, C, (kh, kw) = layer.filters, layer.channels, layer.kernel
    oh, ow, P = layer.out_height, layer.out_width, layer.output_positions
    i, j, c, a, b = np.meshgrid(np.arange(oh), np.arange(ow), np.arange(C), np.arange(kh), np.arange(kw), indexing="ij")
    r = i * layer.stride[0] + a - layer.padding[0]
    s = j * layer.stride[1] + b - layer.padding[1]
    inside = (r >= 0) & (r < layer.height) & (s >= 0) & (s < layer.width)
    pos = (i * ow + j)[inside]
    col = ((c * layer.height + r) * layer.width + s)[inside]
    tap = ((c * kh + a) * kw + b)[inside]
    f = np.repeat(np.arange(F), pos.size)
    rows = f * P + np.tile(pos, F)
    out = (rows, np.tile(col, F), f, np.tile(tap, F))
    if len(_TAPS) > 64:
        _TAPS.clear()
    _TAPS[layer] = out
    return out


_TAPS: dict = {}


def receptive_fields(layer: ConvLayer) -> list:
    """Per output position (row-major), the sorted flat input indices (channel, row, column
    order) of its window; zero padding contributes nothing."""
    rows, cols, filt, _ = _taps(layer)
    first = filt == 0
    fields = [[] for _ in range(layer.output_positions)]
    for p, k in zip(rows[first].tolist(), cols[first].tolist()):
        fields[p].append(k)
    return [tuple(sorted(f)) for f in fields]


def conv_matrix(layer: ConvLayer, filters, bias):
    """The layer as a dense ``(W, b)``.

    Parameters
    ----------
    layer : ConvLayer
    filters : array_like of shape ``(filters, channels, kh, kw)``
        As ``torch.nn.Conv2d.weight``.
    bias : array_like of shape ``(filters,)``

    Returns
    -------
    (W, b) : numpy arrays of shapes ``(units, inputs)`` and ``(units,)``
        Rows in ``torch.nn.Flatten`` order (filter, row, column). Entries keep their type:
        float filters give float arrays, Fractions an object array of Fractions.

    Raises
    ------
    RegionmathError
        When the shapes do not match the layer.
    """
    import numpy as np
    f = np.asarray(filters)
    if f.dtype.kind not in "fiu":
        f = np.asarray(filters, dtype=object)
    bvec = np.asarray(bias, dtype=f.dtype).reshape(-1) if np.ndim(bias) else np.asarray([bias], dtype=f.dtype)
    want = (layer.filters, layer.channels) + layer.kernel
    if f.shape != want or bvec.shape != (layer.filters,):
        raise RegionmathError(f"filters must have shape {want} and bias ({layer.filters},), "
                              f"got {f.shape} and {bvec.shape}")
    rows, cols, filt, tap = _taps(layer)
    W = np.zeros((layer.units, layer.inputs), dtype=f.dtype)
    W[rows, cols] = f.reshape(layer.filters, -1)[filt, tap]
    b = np.repeat(bvec, layer.output_positions)
    return W, b


def conv_filters(layer: ConvLayer, W, b):
    """The filters and biases of a dense ``(W, b)`` that is the matrix of ``layer``, or None
    when it is not (an entry outside the windows is non-zero, a shared weight or bias
    differs). Taps that only ever meet padding are 0. Exact: equality of the entries.

    Returns
    -------
    (filters, bias) or None
        ``filters`` of shape ``(filters, channels, kh, kw)``, ``bias`` of shape ``(filters,)``,
        with the dtype of ``W``.
    """
    import numpy as np
    W, b = np.asarray(W), np.asarray(b).reshape(-1)
    if W.shape != (layer.units, layer.inputs) or b.shape != (layer.units,):
        return None
    rows, cols, filt, tap = _taps(layer)
    f = np.zeros((layer.filters, layer.channels * layer.kernel[0] * layer.kernel[1]), dtype=W.dtype)
    f[filt, tap] = W[rows, cols]       # one of the positions' copies; the rebuild checks the others
    f = f.reshape((layer.filters, layer.channels) + layer.kernel)
    bias = b[::layer.output_positions].copy()
    W2, b2 = conv_matrix(layer, f, bias)
    if not (np.array_equal(W2, W) and np.array_equal(b2, b)):
        return None
    return f, bias
