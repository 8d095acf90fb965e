"""Exact certificates for counted regions.

A region is counted with a witness point ``x``. :func:`certify_witness` re-evaluates the
network at ``x`` in exact rational arithmetic (gmpy2 ``mpq``) and checks that every unit is
strictly on the side the pattern says: then, by continuity, the pattern is constant on a
neighbourhood of ``x``, so its region has non-empty interior. Float weights are exact dyadic
rationals, so every network can be certified; a construction's exact weights are used when
present.

A unit whose pre-activation is exactly zero at ``x`` passes only when its affine function on
the region is identically zero (zero gradient): relu then reads it as inactive everywhere
nearby (pattern bit 0), and for maxout two tied pieces with identical affine functions stay
tied, the lowest index winning.

:func:`certify_arrays` does the same check for many witnesses at once. For ReLU networks the
sign of every pre-activation is first decided by a *filtered exact predicate* (as in exact
geometric computation): the float value ``z`` with a rigorous bound ``E`` on its distance to
the exact value (Higham 2002, Sec. 3: ``|fl(w . h + b) - (w . h + b)| <= gamma_{n+1}
(|w| . |h| + |b|)``, plus the rounding of the weights to floats and the error carried from
the layers before), so that ``z - E > 0`` proves ``z_exact > 0``. A witness whose signs are
all proved this way is certified; every other one goes to integer arithmetic (weights over a
common denominator per layer, witnesses over a common power of two), which is exact
whatever the data.
"""

from __future__ import annotations

import math

import numpy as np

from ..exact import exact_layers, fraction_layers, to_mpq


__all__ = ["exact_point", "certify_witness", "certify_regions", "certify_arrays"]


def _exact_layers(network):
    """Weights, biases (mpq, from :func:`regionmath.exact.exact_layers`) and the box."""
    layers = exact_layers(network)
    return ([W for W, _ in layers], [b for _, b in layers],
            [to_mpq(v) for v in network.box[0]], [to_mpq(v) for v in network.box[1]])


def exact_point(x) -> list:
    """The exact rational value of a point (floats are dyadic rationals)."""
    return [to_mpq(v) for v in x]


def _split(pattern, network):
    out, i = [], 0
    for w in network.widths:
        out.append(tuple(int(v) for v in pattern[i:i + w]))
        i += w
    if i != len(pattern):
        raise ValueError(f"pattern has {len(pattern)} entries, the network has {i} units")
    return out


def certify_witness(network, pattern, x, bounded=True) -> bool:
    """True iff ``x`` lies in the domain and the network's pattern at ``x`` is ``pattern``
    on a whole neighbourhood of ``x`` (checked exactly).

    ``pattern`` is the flat tuple of per-unit states (relu 0/1; maxout piece index).
    ``bounded=False`` takes the domain to be all of R^n0 (no box check).
    """
    from gmpy2 import mpq   # loaded on first use (its import costs ~50 ms; see regionmath.exact)
    Ws, bs, lo, hi = _exact_layers(network)
    xq = exact_point(x)
    if len(xq) != network.n0 or (bounded and any(v < a or v > b for v, a, b in zip(xq, lo, hi))):
        return False
    per_layer = _split(pattern, network)
    h = xq
    grad = None  # exact Jacobian of h, computed only when a tie needs it
    k = network.rank
    for l, (W, b, states) in enumerate(zip(Ws, bs, per_layer)):
        z = [sum((w * v for w, v in zip(row, h)), mpq(0)) + bb for row, bb in zip(W, b)]
        zgrad = None

        def gradient(r):
            nonlocal grad, zgrad
            if grad is None:
                grad = _jacobian(Ws, bs, per_layer, xq, l, k, network.activation)
            if zgrad is None:
                zgrad = [[sum((w * g[j] for w, g in zip(row, grad)), mpq(0)) for j in range(len(xq))] for row in W]
            return zgrad[r]

        if network.activation == "relu":
            for i, s in enumerate(states):
                if s == 1 and not z[i] > 0:
                    return False
                if s == 0 and z[i] >= 0:
                    if z[i] > 0 or any(g != 0 for g in gradient(i)):
                        return False
                if s not in (0, 1):
                    return False
            h = [zi if s == 1 else mpq(0) for zi, s in zip(z, states)]
        else:
            h = []
            for u, s in enumerate(states):
                if not 0 <= s < k:
                    return False
                rows = range(u * k, u * k + k)
                top = z[u * k + s]
                for j, r in enumerate(rows):
                    if j == s or z[r] < top:
                        continue
                    if z[r] > top:
                        return False
                    # a tie: allowed only for identical affine pieces, the lower index winning
                    if j < s or any(a != c for a, c in zip(gradient(u * k + s), gradient(r))):
                        return False
                h.append(top)
        grad = None if grad is None else _advance(grad, W, states, k, network.activation, zgrad)
    return True


def _advance(grad, W, states, k, activation, zgrad):
    from gmpy2 import mpq
    n0 = len(grad[0])
    if zgrad is None:
        zgrad = [[sum((w * g[j] for w, g in zip(row, grad)), mpq(0)) for j in range(n0)] for row in W]
    if activation == "relu":
        return [g if s == 1 else [mpq(0)] * n0 for g, s in zip(zgrad, states)]
    return [zgrad[u * k + s] for u, s in enumerate(states)]


def _jacobian(Ws, bs, per_layer, xq, upto, k, activation):
    """Exact Jacobian of the input of layer ``upto`` on the region of the pattern."""
    from gmpy2 import mpq
    n0 = len(xq)
    grad = [[mpq(1) if i == j else mpq(0) for j in range(n0)] for i in range(n0)]
    for l in range(upto):
        grad = _advance(grad, Ws[l], per_layer[l], k, activation, None)
    return grad


def certify_regions(network, regions, bounded=True) -> bool:
    """Certify every region of a :class:`~regionmath.counting.result.RegionArray` in place
    (sets its boolean array ``certified``); True iff all pass.

    Float witnesses are checked in bulk (:func:`certify_arrays`); exact (rational) witnesses
    one by one (:func:`certify_witness`).
    """
    if regions.exact_witnesses:
        ok = np.array([len(p) == network.N and certify_witness(network, tuple(int(v) for v in p), x, bounded)
                       for p, x in zip(regions.patterns, regions.witnesses)], dtype=bool)
    else:
        ok = certify_arrays(network, regions.patterns, regions.witnesses, bounded)
    regions.certified = ok
    return bool(ok.all())


def _integer_layers(network):
    """Each layer as integer arrays ``(Wn, bn, D)`` with ``W = Wn / D``, ``b = bn / D``."""
    cached = getattr(network, "_int_layers", None)
    if cached is not None:
        return cached
    layers = []
    if not network.is_exact:
        # float weights are dyadic rationals: numerators over one power of two straight from
        # their mantissas (a 784x256 layer: 0.2 s instead of 10 s through Fractions)
        for W, b in zip(network.weights, network.biases):
            n, D = _integer_points(np.concatenate([W.ravel(), b])[None, :])
            layers.append((n[0, :W.size].reshape(W.shape), n[0, W.size:], D))
        network._int_layers = layers
        return layers
    for W, b in fraction_layers(network):
        W, b = np.array(W, dtype=object).reshape(len(W), -1), np.array(b, dtype=object)
        entries = list(np.ravel(W)) + list(np.ravel(b))
        D = math.lcm(*(q.denominator for q in entries)) if entries else 1
        Wn = np.vectorize(lambda q: q.numerator * (D // q.denominator), otypes=[object])(W)
        bn = np.vectorize(lambda q: q.numerator * (D // q.denominator), otypes=[object])(b)
        layers.append((Wn, bn, D))
    network._int_layers = layers
    return layers


def _integer_points(X):
    """Rows of floats as integer numerators over one common power of two: ``X = Xn / 2^e``."""
    mant, expo = np.frexp(X)                       # X = mant * 2^expo, |mant| in [0.5, 1)
    m = (mant * 2.0 ** 53).astype(np.int64)       # exact: 53-bit mantissas
    shift = expo.astype(np.int64) - 53
    low = min(0, int(shift[m != 0].min())) if np.any(m != 0) else 0
    Xn = np.array([mi << si if mi else 0 for mi, si in zip(m.ravel().tolist(), (shift - low).ravel().tolist())],
                  dtype=object).reshape(X.shape)
    return Xn, 1 << -low


def _float_layers(network):
    """Each layer's exact weights rounded to floats (``float(Fraction)`` rounds correctly)."""
    cached = getattr(network, "_float_cert_layers", None)
    if cached is None:
        cached = [(np.array([[float(v) for v in row] for row in W], dtype=float).reshape(len(W), -1),
                   np.array([float(v) for v in b], dtype=float)) for W, b in fraction_layers(network)]
        network._float_cert_layers = cached
    return cached


def _relu_filter(network, patterns, X):
    """Witnesses (rows of ``X``) whose every unit is proved strictly on its pattern's side
    by the float filter (see the module docstring); False means *not proved here*."""
    from . import tolerances as tol
    u = tol.UNIT_ROUNDOFF
    uw = u / (1 - u)                      # a weight's relative rounding to float
    H, E = X, np.zeros_like(X)            # floats are exact dyadic rationals: no error yet
    proved = np.ones(len(X), dtype=bool)
    start = 0
    for (Wf, bf), w in zip(_float_layers(network), network.widths):
        states = patterns[:, start:start + w]
        start += w
        n = Wf.shape[1]
        aW = np.abs(Wf)
        Z = H @ Wf.T + bf
        mag = np.abs(H) @ aW.T + np.abs(bf)
        err = tol.FILTER_SAFETY * ((tol.rounding_gamma(n + 1) + uw) * mag + (1 + uw) * (E @ aW.T))
        ok = np.isfinite(Z) & np.isfinite(err) & (mag > tol.FILTER_TINY)
        on = states == 1
        proved &= (ok & np.where(on, Z - err > 0, (states == 0) & (Z + err < 0))).all(axis=1)
        H = np.where(on, Z, 0.0)
        E = np.where(on, err, 0.0)
    return proved


def certify_arrays(network, patterns, witnesses, bounded=True, chunk=4096) -> np.ndarray:
    """:func:`certify_witness` for many regions at once: a boolean array.

    The same exact check in integer arithmetic: the witnesses are scaled to integers over a
    common power of two and each layer's weights to integers over a common denominator, so
    every pre-activation is an integer numerator over a positive denominator and its sign is
    exact. Witnesses where a unit's pre-activation is exactly zero (allowed only for
    identically zero units and identical maxout pieces) go to :func:`certify_witness`.
    """
    patterns = np.asarray(patterns)
    X = np.asarray(witnesses, dtype=float).reshape(len(patterns), network.n0)   # n0: no -1 for 0 rows
    R = len(patterns)
    ok = np.zeros(R, dtype=bool)
    if R == 0:
        return ok
    if patterns.ndim != 2 or patterns.shape[1] != network.N or X.shape[1] != network.n0:
        return ok
    ok[:] = np.isfinite(X).all(axis=1)
    if bounded:
        ok &= ((X >= network.box[0]) & (X <= network.box[1])).all(axis=1)
    k = network.rank
    relu = network.activation == "relu"
    exact = ok.copy()           # the witnesses left to integer arithmetic
    if relu:
        cand = np.nonzero(ok)[0]
        if len(cand):
            with np.errstate(over="ignore", invalid="ignore"):
                exact[cand[_relu_filter(network, patterns[cand], X[cand])]] = False
        if not exact.any():
            return ok
    layers = _integer_layers(network)
    for a in range(0, R, chunk):
        rows = np.nonzero(exact[a:a + chunk])[0] + a
        if not len(rows):
            continue
        H, den = _integer_points(X[rows])
        undecided = np.zeros(len(rows), dtype=bool)
        good = np.ones(len(rows), dtype=bool)
        start = 0
        for (Wn, bn, D), w in zip(layers, network.widths):
            states = patterns[rows, start:start + w]
            start += w
            Z = H.dot(Wn.T) + bn * den           # numerators over den * D > 0
            if relu:
                pos = (Z > 0).astype(bool)
                neg = (Z < 0).astype(bool)
                good &= ((states == 1) & pos | (states == 0) & (neg | ~pos)).all(axis=1)
                good &= ((states == 0) | (states == 1)).all(axis=1)
                undecided |= ((states == 0) & ~pos & ~neg).any(axis=1)   # a zero: needs the gradient
                H = np.where(states == 1, Z, 0)
            else:
                valid = ((states >= 0) & (states < k)).all(axis=1)
                good &= valid
                sel = np.where(valid[:, None], states, 0)
                Zr = Z.reshape(len(rows), w, k)
                top = np.take_along_axis(Zr, sel[:, :, None], axis=2)
                diff = top - Zr                                      # >= 0 wanted, 0 only at the chosen piece
                below = (diff > 0).astype(bool)
                tie = ~below & ~(diff < 0).astype(bool)
                chosen = np.arange(k)[None, None, :] == sel[:, :, None]
                good &= (below | tie).all(axis=(1, 2))
                undecided |= (tie & ~chosen).any(axis=(1, 2))          # a tie: needs the gradients
                H = top[:, :, 0]
            den = den * D
        for i, r in enumerate(rows):
            if not good[i]:
                ok[r] = False
            elif undecided[i]:
                ok[r] = certify_witness(network, tuple(int(v) for v in patterns[r]), X[r], bounded)
    return ok
