"""Concrete piecewise-linear networks: weights, forward pass, activation patterns, files.

A :class:`Network` holds the hidden layers ``W1, b1, ..., WL, bL`` (floats, and optionally the
same weights as exact :class:`fractions.Fraction` arrays), the activation, the maxout rank, an
optional linear output layer ``Wout, bout`` and its input domain, a box ``[lo, hi]``.

A maxout layer of ``n`` units of rank ``k`` has ``W`` of shape ``(n*k, n_prev)``: unit ``j``
owns rows ``j*k .. j*k+k-1`` and outputs the maximum of those ``k`` pre-activations.

A convolutional layer is held as its dense structured matrix (so every counter works
unchanged); ``conv`` remembers, per hidden layer, its
:class:`~regionmath.convolution.ConvLayer` (or None), and the matrix is checked to be that
convolution's (shared filters, zeros outside the windows, one bias per filter).

The activation pattern of an input (what regions are counted by) is, per layer, for relu the
0/1 vector ``[z_i > 0]`` and for maxout the index of the maximal piece of each unit (the lowest
index among ties). The region of a pattern is the set of inputs of the domain with that
pattern; it is counted when it has non-empty interior.

Examples
--------
>>> from fractions import Fraction as F
>>> net = Network.from_exact([[[1], [-1]]], [[0, 0]], box=([-1], [1]))    # |x| = relu(x) + relu(-x)
>>> net.widths, net.is_exact
((2,), True)
>>> [p.tolist() for p in net.pattern([0.5])]
[[1, 0]]
>>> A, c = net.region_affine([0.5]); A.tolist(), c.tolist()      # the last hidden layer near 0.5
([[1.0], [0.0]], [0.0, 0.0])

Trained models come in through the classmethods :meth:`Network.from_torch` (``Linear``,
``Conv2d``, ``Flatten``, ``ReLU``) and :meth:`Network.from_sklearn` (ReLU MLPs); the
conversion lives in :mod:`regionmath.converters`, which does not import this module (so no
import cycle), and :mod:`regionmath.importers` offers the same as functions.
"""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import numpy as np

from .architecture import Architecture
from .converters import DOMAIN_DOC, sklearn_layers, torch_layers
from .convolution import ConvLayer, conv_filters
from .errors import RegionmathError
from .exact import fraction_array, to_fraction  # noqa: F401  (to_fraction: re-exported)

_INT64 = 2 ** 62


__all__ = ["Network", "MAX_SCALE"]

#: the largest pre-activation bound on the box a network may have (see Network._check_scale):
#: squares of such values (row norms) stay finite in double precision
MAX_SCALE = 1e150


def _box_side(v, d, name) -> np.ndarray:
    """One side of the domain box: a number (every coordinate) or ``d`` numbers."""
    try:
        a = np.asarray(v, dtype=float)
    except (TypeError, ValueError):
        raise RegionmathError(f"the {name} side of the domain box must be numbers, got {v!r}") from None
    if a.ndim == 0:
        return np.full(d, float(a))
    if a.shape != (d,):
        raise RegionmathError(f"the {name} side of the domain box has {a.size} entries in shape {a.shape}; "
                              f"the network has {d} inputs: give one number or {d}")
    return a.copy()


def _check_float_image(name, exact, floats):
    """The float weights must be the float images of the exact ones (to rounding)."""
    image = np.array([float(q) for q in exact.ravel()], dtype=float).reshape(exact.shape)
    tol = 4 * np.spacing(np.abs(image))
    bad = np.abs(image - floats) > tol
    if bad.any():
        idx = tuple(int(i) for i in np.argwhere(bad)[0])
        raise RegionmathError(f"the exact and float weights disagree: {name}{list(idx)} is {exact[idx]} exactly "
                              f"but {float(floats[idx])!r} as a float; a network file's two copies must match")


def _float_array(a) -> np.ndarray:
    return np.array([[float(v) for v in row] for row in a], dtype=float) if np.ndim(a) == 2 else np.array([float(v) for v in a], dtype=float)


class Network:
    """A fully connected ReLU or maxout network with a box input domain.

    Parameters
    ----------
    weights, biases : lists of arrays
        Hidden layers ``W_l`` of shape ``(rows_l, n_{l-1})`` and ``b_l`` of shape ``(rows_l,)``,
        ``rows_l = n_l * rank``.
    activation : {"relu", "maxout"}
    rank : int
    output : (Wout, bout) or None
        A linear output layer (it does not split regions).
    box : (lo, hi) or None
        The input domain; default ``[-1, 1]^n0``.
    exact : (weights_q, biases_q) or None
        The same weights as Fraction object arrays (whose float images are ``weights``).
    conv : sequence of ConvLayer or None, optional
        Per hidden layer, the convolution whose dense matrix ``W_l`` is (None: a dense layer).
    """

    def __init__(self, weights, biases, activation="relu", rank=1, output=None, box=None, exact=None, conv=None):
        if activation not in ("relu", "maxout"):
            raise RegionmathError(f"activation must be relu or maxout, got {activation!r}")
        rank = int(rank)
        if activation == "relu" and rank != 1:
            raise RegionmathError(f"a relu network has rank 1, got {rank}")
        if activation == "maxout" and rank < 2:
            raise RegionmathError(f"a maxout network needs rank >= 2, got {rank}")
        if len(weights) == 0 or len(weights) != len(biases):
            raise RegionmathError(f"a network needs as many bias vectors as weight matrices and at least one layer "
                                  f"(got {len(weights)} and {len(biases)})")
        self.activation, self.rank = activation, rank
        self.weights, self.biases = [], []
        prev = None
        for l, (W, b) in enumerate(zip(weights, biases), 1):
            W = np.asarray(W, dtype=float)
            b = np.asarray(b, dtype=float).reshape(-1)
            if W.ndim != 2:
                raise RegionmathError(f"W{l} must be a 2-D array, got shape {W.shape}")
            if W.shape[0] == 0 or W.shape[1] == 0:
                raise RegionmathError(f"W{l} has shape {W.shape}; every layer needs at least one unit and one input")
            if prev is not None and W.shape[1] != prev:
                raise RegionmathError(f"W{l} has {W.shape[1]} columns but layer {l - 1} has {prev} units")
            if b.shape[0] != W.shape[0]:
                raise RegionmathError(f"b{l} has {b.shape[0]} entries but W{l} has {W.shape[0]} rows")
            if W.shape[0] % rank:
                raise RegionmathError(f"W{l} has {W.shape[0]} rows, not a multiple of the rank {rank}")
            if not (np.all(np.isfinite(W)) and np.all(np.isfinite(b))):
                raise RegionmathError(f"W{l} or b{l} holds NaN or infinite entries; weights must be finite")
            self.weights.append(W)
            self.biases.append(b)
            prev = W.shape[0] // rank
        self.output = None
        if output is not None:
            Wo, bo = np.asarray(output[0], dtype=float), np.asarray(output[1], dtype=float).reshape(-1)
            if Wo.ndim != 2 or Wo.shape[1] != prev or bo.shape[0] != Wo.shape[0]:
                raise RegionmathError(f"Wout must have shape (outputs, {prev}) and bout (outputs,), "
                                      f"got {Wo.shape} and {bo.shape}")
            if not (np.all(np.isfinite(Wo)) and np.all(np.isfinite(bo))):
                raise RegionmathError("Wout or bout holds NaN or infinite entries; weights must be finite")
            self.output = (Wo, bo)
        d = self.n0
        if box is None:
            box = (-np.ones(d), np.ones(d))
        lo, hi = (_box_side(v, d, name) for v, name in zip(box, ("lower", "upper")))
        if not (np.all(np.isfinite(lo)) and np.all(np.isfinite(hi))):
            raise RegionmathError("the domain box must have finite bounds")
        if np.any(lo >= hi):
            raise RegionmathError("the domain box is empty or flat: every box_lo must be below box_hi")
        self.box = (lo, hi)
        self.exact_weights = self.exact_biases = None
        if exact is not None:
            Wq, bq = exact
            if len(Wq) != len(self.weights) or len(bq) != len(self.biases):
                raise RegionmathError("exact weights must have one matrix and one bias vector per layer")
            self.exact_weights = [fraction_array(W) for W in Wq]
            self.exact_biases = [fraction_array(b).reshape(-1) for b in bq]
            for l, (W, Wf, b, bf) in enumerate(zip(self.exact_weights, self.weights, self.exact_biases, self.biases), 1):
                if W.shape != Wf.shape or b.shape != bf.shape:
                    raise RegionmathError(f"exact W{l}/b{l} shapes differ from the float weights")
                for name, q, f in ((f"W{l}", W, Wf), (f"b{l}", b, bf)):
                    _check_float_image(name, q, f)
        self.conv = self._checked_conv(conv)
        self._check_scale()

    def _checked_conv(self, conv) -> tuple:
        """``conv`` validated against the weights (via :class:`Architecture`): each declared
        convolution's dense matrix must be ``W_l`` exactly (and the exact weights too)."""
        if conv is None or not any(c is not None for c in conv):
            return ()
        Architecture(self.n0, self.widths, self.activation, self.rank, conv=tuple(conv))   # sizes and shapes
        conv = tuple(conv)
        for l, layer in enumerate(conv, 1):
            if layer is None:
                continue
            pairs = [(self.weights[l - 1], self.biases[l - 1])]
            if self.is_exact:
                pairs.append((self.exact_weights[l - 1], self.exact_biases[l - 1]))
            for W, b in pairs:
                if conv_filters(layer, W, b) is None:
                    raise RegionmathError(f"W{l}, b{l} are not the matrix of the convolution declared for layer {l} "
                                          f"({layer.spec()} on {'x'.join(map(str, layer.in_shape))}): a convolution "
                                          "shares one filter and one bias across positions and is zero outside "
                                          "its windows")
        return conv

    def _check_scale(self):
        """Refuse weights whose pre-activations on the box could leave the range in which the
        float counters work: a bound ``s_l`` on ``|z_l|`` (``s_0 = max(1, |box|)``,
        ``s_l = |W_l|_inf s_{l-1} + |b_l|_inf``) must stay below :data:`MAX_SCALE`."""
        s = max(1.0, float(np.abs(self.box[0]).max()), float(np.abs(self.box[1]).max()))
        with np.errstate(over="ignore"):
            for l, (W, b) in enumerate(zip(self.weights, self.biases), 1):
                s = float(np.abs(W).sum(axis=1).max()) * s + float(np.abs(b).max())
                if not s <= MAX_SCALE:
                    raise RegionmathError(
                        f"the weights are too large: the pre-activations of layer {l} can reach {s:.3g} on the box, "
                        f"beyond {MAX_SCALE:.0e} (double-precision counting and certification need less); "
                        "rescale the weights or the box (relu and maxout commute with positive scaling)")

    # -- construction --------------------------------------------------------------------
    @classmethod
    def from_exact(cls, weights, biases, activation="relu", rank=1, output=None, box=None, conv=None):
        """A network from exact rational weights (ints, Fractions, 'p/q' strings, sympy Rationals)."""
        Wq = [fraction_array(W) for W in weights]
        bq = [fraction_array(b).reshape(-1) for b in biases]
        Wf = [_float_array(W) for W in Wq]
        bf = [_float_array(b) for b in bq]
        if output is not None:
            output = (_float_array(fraction_array(output[0])), _float_array(fraction_array(output[1]).reshape(-1)))
        return cls(Wf, bf, activation, rank, output=output, box=box, exact=(Wq, bq), conv=conv)

    @classmethod
    def from_sklearn(cls, model, domain=None, X=None, box=None) -> "Network":
        """Import a fitted scikit-learn ``MLPClassifier`` or ``MLPRegressor`` with ReLU units.

        scikit-learn stores ``coefs_[i]`` with shape ``(fan_in, fan_out)`` and computes
        ``relu(h @ coefs_[i] + intercepts_[i])``, so ``W_i`` is the transpose. The last layer
        (before ``out_activation_``: identity, logistic or softmax) becomes ``(Wout, bout)``.

        Parameters
        ----------
        model : sklearn.neural_network.MLPClassifier or MLPRegressor
            Fitted, with ``activation="relu"`` and at least one hidden layer.
        {domain_doc}

        Returns
        -------
        Network

        Raises
        ------
        RegionmathError
            For another model class, another activation, an unfitted model or no hidden layer.

        See Also
        --------
        regionmath.importers.from_sklearn : the same as a function.
        """
        return cls(**sklearn_layers(model, domain, X, box, stacklevel=4))

    @classmethod
    def from_torch(cls, module, domain=None, X=None, box=None, input_shape=None) -> "Network":
        """Import a PyTorch ``nn.Sequential`` of ``Conv2d``, ``Flatten``, ``Linear`` and ``ReLU`` layers.

        The accepted shape is ``A, ReLU, A, ReLU, ..., [A]`` with each ``A`` a ``Linear`` or a
        ``Conv2d``: every affine layer but a final one is followed by a ``ReLU``; a final one is
        the output layer. Convolutions come first and read images; a ``Flatten`` (its defaults,
        ``start_dim=1, end_dim=-1``) turns the image into a vector before the first ``Linear``.
        ``Identity`` and ``Dropout`` (the identity at evaluation) may appear anywhere. A layer
        without bias gets a zero bias.

        A ``Conv2d`` becomes its dense structured matrix
        (:func:`regionmath.convolution.conv_matrix`) and the network remembers the layer
        (``network.conv``). The network's input is the image flattened as ``torch.nn.Flatten``
        does (channel, row, column): ``net.forward(x.reshape(len(x), -1))`` is
        ``module(x).reshape(len(x), -1)``.

        The weights are copied as float64: every float32 weight is exactly a float64, so the
        network is the module read in exact arithmetic.

        Parameters
        ----------
        module : torch.nn.Sequential
        {domain_doc}
        input_shape : (channels, height, width) or None
            The image shape; needed when the first layer is a ``Conv2d``. ``X`` may then also be a
            batch of images ``(m, channels, height, width)``.

        Returns
        -------
        Network

        Raises
        ------
        RegionmathError
            For any other module (pooling, batch normalisation, other activations, ``Conv1d``), a
            ``Conv2d`` with dilation, groups or a padding mode other than zeros, a ``Linear``
            reading an image (no ``Flatten`` before it), two affine layers in a row, a ``ReLU``
            without an affine layer before it, or a missing ``input_shape``.

        See Also
        --------
        regionmath.importers.from_torch : the same as a function.
        """
        return cls(**torch_layers(module, domain, X, box, input_shape, stacklevel=4))

    # -- shape ---------------------------------------------------------------------------
    @property
    def n0(self) -> int:
        return self.weights[0].shape[1]

    @property
    def widths(self) -> tuple:
        return tuple(W.shape[0] // self.rank for W in self.weights)

    @property
    def L(self) -> int:
        return len(self.weights)

    @property
    def N(self) -> int:
        return sum(self.widths)

    @property
    def architecture(self) -> Architecture:
        return Architecture(self.n0, self.widths, self.activation, self.rank, conv=self.conv)

    @property
    def is_exact(self) -> bool:
        return self.exact_weights is not None

    def with_box(self, lo, hi) -> "Network":
        """The same network on another box domain."""
        exact = (self.exact_weights, self.exact_biases) if self.is_exact else None
        return Network(self.weights, self.biases, self.activation, self.rank, self.output, (lo, hi), exact, self.conv)

    # -- evaluation ----------------------------------------------------------------------
    def _act(self, z):
        if self.activation == "relu":
            return np.maximum(z, 0.0)
        return z.reshape(z.shape[:-1] + (-1, self.rank)).max(axis=-1)

    def preactivations(self, x) -> list:
        """Pre-activations ``z_l = W_l h_{l-1} + b_l`` of every hidden layer at ``x`` (or a batch)."""
        h = np.asarray(x, dtype=float)
        out = []
        for W, b in zip(self.weights, self.biases):
            z = h @ W.T + b
            out.append(z)
            h = self._act(z)
        return out

    def hidden(self, x) -> np.ndarray:
        """The last hidden layer's activations at ``x`` (or a batch)."""
        return self._act(self.preactivations(x)[-1])

    def forward(self, x) -> np.ndarray:
        """The network's output (the last hidden layer if there is no output layer)."""
        h = self.hidden(x)
        if self.output is not None:
            h = h @ self.output[0].T + self.output[1]
        return h

    __call__ = forward

    def pattern(self, x) -> list:
        """Activation pattern at ``x``: per layer, relu 0/1 (``z > 0``), maxout argmax (lowest index)."""
        zs = self.preactivations(x)
        if self.activation == "relu":
            return [(z > 0).astype(np.int8) for z in zs]
        return [z.reshape(z.shape[:-1] + (-1, self.rank)).argmax(axis=-1).astype(np.int16) for z in zs]

    def pattern_key(self, x) -> tuple:
        """The pattern of a single input as one hashable tuple."""
        return tuple(int(v) for p in self.pattern(x) for v in np.ravel(p))

    def _selection(self, l, z):
        """(rows, 0/1 mask or None) describing how layer l's outputs depend on its pre-activations."""
        if self.activation == "relu":
            return None, (z > 0).astype(float)
        arg = z.reshape(-1, self.rank).argmax(axis=1)
        return np.arange(arg.size) * self.rank + arg, None

    def region_affine(self, x, layer=None):
        """``(A, c)`` with ``h_layer(y) = A y + c`` on the region of ``x`` (default: last hidden layer).

        The map of the network's output is ``Wout A, Wout c + bout``.
        """
        layer = self.L if layer is None else layer
        A, c = np.eye(self.n0), np.zeros(self.n0)
        x = np.asarray(x, dtype=float)
        h = x
        for l in range(layer):
            W, b = self.weights[l], self.biases[l]
            z = W @ h + b
            Az, cz = W @ A, W @ c + b
            rows, mask = self._selection(l, z)
            if rows is None:
                A, c = np.where(mask[:, None] > 0, Az, 0.0), np.where(mask > 0, cz, 0.0)
            else:
                A, c = Az[rows], cz[rows]
            h = self._act(z)
        return A, c

    def unit_linear_map(self, x, layer, unit):
        """Montúfar 2014 eq. (8): ``(w, b)`` with ``z(y) = w . y + b`` for the pre-activation of
        ``unit`` (row, for maxout: the unit's maximal piece) of hidden ``layer`` (1-based) on
        the region of ``x``."""
        if not 1 <= layer <= self.L:
            raise RegionmathError(f"layer must be between 1 and {self.L}, got {layer}")
        A, c = self.region_affine(x, layer - 1)
        W, b = self.weights[layer - 1], self.biases[layer - 1]
        if self.activation == "maxout":
            z = W @ (A @ np.asarray(x, float) + c) + b
            unit = unit * self.rank + int(z[unit * self.rank:(unit + 1) * self.rank].argmax())
        return W[unit] @ A, float(W[unit] @ c + b[unit])

    # -- files ---------------------------------------------------------------------------
    def save(self, path) -> None:
        """Write the .npz format of DESIGN.md (exact weights as numerator/denominator arrays,
        or as 'p/q' strings where an entry exceeds 64 bits).

        Raises
        ------
        RegionmathError
            When ``path`` cannot be written (missing directory, a directory, read-only);
            nothing is left behind.
        """
        arrays = {"activation": np.array(self.activation), "rank": np.array(self.rank),
                  "box_lo": self.box[0], "box_hi": self.box[1]}
        for l, (W, b) in enumerate(zip(self.weights, self.biases), 1):
            arrays[f"W{l}"], arrays[f"b{l}"] = W, b
        if self.output is not None:
            arrays["Wout"], arrays["bout"] = self.output
        for l, layer in enumerate(self.conv, 1):
            if layer is not None:
                arrays[f"conv{l}"] = np.array(layer.as_array(), dtype=np.int64)
        if self.is_exact:
            for l, (W, b) in enumerate(zip(self.exact_weights, self.exact_biases), 1):
                for name, arr in ((f"W{l}", W), (f"b{l}", b)):
                    flat = list(arr.ravel())
                    if all(abs(q.numerator) < _INT64 and q.denominator < _INT64 for q in flat):
                        arrays[name + "_num"] = np.array([q.numerator for q in flat], dtype=np.int64).reshape(arr.shape)
                        arrays[name + "_den"] = np.array([q.denominator for q in flat], dtype=np.int64).reshape(arr.shape)
                    else:
                        arrays[name + "_q"] = np.array([str(q) for q in flat]).reshape(arr.shape)
        from .outputs import atomic_output
        with atomic_output(path) as f:   # checked first; no partial file on failure
            np.savez(f, **arrays)

    @classmethod
    def load(cls, path) -> "Network":
        """Read a network file; a bad file raises RegionmathError with one line."""
        path = Path(path)
        if not path.is_file():
            raise RegionmathError(f"no network file at {path}")
        try:
            data = np.load(path, allow_pickle=False)
            files = set(data.files)
        except Exception as e:  # noqa: BLE001 - any unreadable file is bad input
            raise RegionmathError(f"{path} is not a readable .npz network file ({type(e).__name__})") from None
        try:
            layers = 0
            while f"W{layers + 1}" in files:
                layers += 1
            if layers == 0:
                raise RegionmathError(f"{path} has no W1 array; a network file holds W1, b1, ..., WL, bL")
            for l in range(1, layers + 1):
                if f"b{l}" not in files:
                    raise RegionmathError(f"{path} has W{l} but no b{l}")
            activation = str(data["activation"]) if "activation" in files else "relu"
            rank = data["rank"] if "rank" in files else 1
            if "rank" in files and not (np.ndim(rank) == 0 and np.issubdtype(rank.dtype, np.integer)):
                raise RegionmathError(f"rank in {path} must be one integer, got {rank!r}")
            rank = int(rank)
            weights = [data[f"W{l}"] for l in range(1, layers + 1)]
            biases = [data[f"b{l}"] for l in range(1, layers + 1)]
            for name, arr in [(f"W{l}", a) for l, a in enumerate(weights, 1)] + [(f"b{l}", a) for l, a in enumerate(biases, 1)]:
                if not np.issubdtype(arr.dtype, np.number):
                    raise RegionmathError(f"{name} in {path} is not numeric (dtype {arr.dtype})")
            output = None
            if "Wout" in files or "bout" in files:
                if not ("Wout" in files and "bout" in files):
                    raise RegionmathError(f"{path} has only one of Wout, bout; give both or neither")
                output = (data["Wout"], data["bout"])
            box = None
            if "box_lo" in files or "box_hi" in files:
                if not ("box_lo" in files and "box_hi" in files):
                    raise RegionmathError(f"{path} has only one of box_lo, box_hi; give both or neither")
                box = (data["box_lo"], data["box_hi"])
                if not all(np.issubdtype(a.dtype, np.number) for a in box):
                    raise RegionmathError(f"box_lo and box_hi in {path} must be numeric")
                n0 = np.asarray(weights[0]).shape[-1] if np.ndim(weights[0]) == 2 else None
                for name in ("box_lo", "box_hi"):
                    if n0 is not None and np.size(data[name]) not in (1, n0):
                        raise RegionmathError(f"{name} in {path} has {np.size(data[name])} entries, the input has {n0}")
            exact = None
            if any(f.endswith(("_num", "_q")) for f in files):
                Wq, bq = [], []
                for l in range(1, layers + 1):
                    for name, dest in ((f"W{l}", Wq), (f"b{l}", bq)):
                        if name + "_num" in files and name + "_den" in files:
                            num, den = data[name + "_num"], data[name + "_den"]
                            if not (np.issubdtype(num.dtype, np.integer) and np.issubdtype(den.dtype, np.integer)):
                                raise RegionmathError(f"{name}_num/{name}_den in {path} must be integer arrays")
                            if num.shape != den.shape or np.any(den == 0):
                                raise RegionmathError(f"{name}_num/{name}_den in {path} differ in shape or hold a zero denominator")
                            q = np.empty(num.shape, dtype=object)
                            for idx in np.ndindex(num.shape):
                                q[idx] = Fraction(int(num[idx]), int(den[idx]))
                        elif name + "_q" in files:
                            q = fraction_array(data[name + "_q"])
                        else:
                            raise RegionmathError(f"{path} has exact weights for some layers but not for {name}")
                        dest.append(q)
                exact = (Wq, bq)
            conv = None
            if any(f"conv{l}" in files for l in range(1, layers + 1)):
                conv = []
                for l in range(1, layers + 1):
                    if f"conv{l}" not in files:
                        conv.append(None)
                        continue
                    arr = data[f"conv{l}"]
                    if not np.issubdtype(arr.dtype, np.integer) or arr.shape != (10,):
                        raise RegionmathError(f"conv{l} in {path} must be 10 integers (channels, height, width, filters, "
                                              f"kh, kw, sh, sw, ph, pw), got dtype {arr.dtype} and shape {arr.shape}")
                    conv.append(ConvLayer.from_array(arr))
        finally:
            data.close()
        try:
            return cls(weights, biases, activation, rank, output=output, box=box, exact=exact, conv=conv)
        except RegionmathError as e:
            raise RegionmathError(f"{path}: {e}") from None

    def __repr__(self):
        return f"<Network {self.architecture}{' exact' if self.is_exact else ''} on box [{self.box[0].min()}, {self.box[1].max()}]>"


for _m in (Network.from_sklearn, Network.from_torch):
    _m.__func__.__doc__ = _m.__func__.__doc__.replace("{domain_doc}", DOMAIN_DOC.replace("\n", "\n    "))
del _m
