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
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np

try:
    from gmpy2 import mpq
except ImportError:  # pragma: no cover
    mpq = Fraction


def _exact_layers(network):
    cached = getattr(network, "_mpq_layers", None)
    if cached is not None:
        return cached
    if network.is_exact:
        Ws = [[[mpq(q.numerator, q.denominator) for q in row] for row in W] for W in network.exact_weights]
        bs = [[mpq(q.numerator, q.denominator) for q in b] for b in network.exact_biases]
    else:
        Ws = [[[mpq(float(v)) for v in row] for row in W] for W in network.weights]
        bs = [[mpq(float(v)) for v in b] for b in network.biases]
    lo = [mpq(float(v)) for v in network.box[0]]
    hi = [mpq(float(v)) for v in network.box[1]]
    network._mpq_layers = (Ws, bs, lo, hi)
    return network._mpq_layers


def exact_point(x) -> list:
    """The exact rational value of a float point (floats are dyadic rationals)."""
    return [mpq(v) if isinstance(v, (int, Fraction)) else mpq(float(v)) for v in x]


def _split(pattern, network):
    out, i = [], 0
    for w in network.widths:
        out.append(tuple(int(v) for v in pattern[i:i + w]))
        i += w
    if i != len(pattern):
        raise ValueError(f"pattern has {len(pattern)} entries, the network has {i} units")
    return out


def certify_witness(network, pattern, x) -> bool:
    """True iff ``x`` lies in the domain and the network's pattern at ``x`` is ``pattern``
    on a whole neighbourhood of ``x`` (checked exactly).

    ``pattern`` is the flat tuple of per-unit states (relu 0/1; maxout piece index).
    """
    Ws, bs, lo, hi = _exact_layers(network)
    xq = exact_point(x)
    if len(xq) != network.n0 or any(v < a or v > b for v, a, b in zip(xq, lo, hi)):
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
    n0 = len(grad[0])
    if zgrad is None:
        zgrad = [[sum((w * g[j] for w, g in zip(row, grad)), mpq(0)) for j in range(n0)] for row in W]
    if activation == "relu":
        return [g if s == 1 else [mpq(0)] * n0 for g, s in zip(zgrad, states)]
    return [zgrad[u * k + s] for u, s in enumerate(states)]


def _jacobian(Ws, bs, per_layer, xq, upto, k, activation):
    """Exact Jacobian of the input of layer ``upto`` on the region of the pattern."""
    n0 = len(xq)
    grad = [[mpq(1) if i == j else mpq(0) for j in range(n0)] for i in range(n0)]
    for l in range(upto):
        grad = _advance(grad, Ws[l], per_layer[l], k, activation, None)
    return grad


def certify_regions(network, regions) -> bool:
    """Certify every region of a list in place (sets ``region.certified``); True iff all pass."""
    ok = True
    for r in regions:
        r.certified = certify_witness(network, r.pattern, r.witness)
        ok &= r.certified
    return ok


def pattern_at(network, x) -> tuple:
    """The flat pattern of ``x`` (float evaluation; for choosing what to certify)."""
    return network.pattern_key(np.asarray(x, dtype=float))
