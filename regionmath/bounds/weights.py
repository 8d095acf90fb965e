r"""Upper bounds for a given network: its weights and its domain, not just its shape.

An architecture bound must allow for every choice of weights. A trained network on a bounded
domain uses far less: some units are *stably active* (positive on the whole domain: they never
cut a region) and some *stably inactive* (never positive: they never cut and add nothing to the
image), and the weight matrices can be rank deficient. Serra and Ramalingam (2020) turn these
features into an upper bound on the number of activation regions of the network. The
toolkit's version, :func:`serra2020_weights`, feeds them into the histogram recursion of
Serra et al.'s Theorem 1 (:func:`regionmath.bounds.hinz.serra_step`):

* layer ``l`` splits its units into ``A_l`` (stably active), ``I_l`` (stably inactive) and
  ``U_l`` (the rest; ``u_l = |U_l|``), found by bound propagation over the domain;
* a region whose image has dimension ``d`` is cut by the ``u_l`` hyperplanes of ``U_l`` only,
  whose normals span at most ``min(d, rank W_l[U_l])`` dimensions;
* a cell with ``k`` units of ``U_l`` active has an image of dimension at most
  ``min(d, rank W_l[A_l] + k, rank W_l[A_l \cup U_l])``.

With no stable unit and full-rank weights this is Theorem 1 exactly; every stable unit and
every rank deficiency can only lower it (proofs/proof_serra2020_weights.py proves the bound
and that it never exceeds Theorem 1). It bounds the activation regions with non-empty
interior in the domain (the toolkit's ``interior`` definition), hence also the pieces.

Stability must be proved, not guessed: :func:`certified_interval_bounds` runs interval
arithmetic in floating point and widens every interval by a bound on its rounding error (and
on the rounding of exact rational weights to floats), so a unit called stable is stable.
Tighter pre-activation ranges found elsewhere (LPs over the triangle relaxation,
:func:`regionmath.counting.propagation.lp_bounds`, in the applications that can call the
counters) can be passed as ``ranges``; the bound is then as sound as they are. On the digits
nets of the Serra 2018 experiment LP ranges find no stable unit that intervals miss. Ranks
are exact (:func:`regionmath.exact.exact_rank`).

Examples
--------
>>> from regionmath.network import Network
>>> net = Network.from_exact([[[1, 0], [0, 1], [1, 1], [-1, -1]]], [[0, 0, 3, -3]],
...                          box=([-1, -1], [1, 1]))
>>> [(p.active, p.inactive, p.unstable) for p in layer_profiles(net)]
[((2,), (3,), (0, 1))]
>>> serra2020_weights(net)          # two lines cut the square: 4 regions (Theorem 1 says 11)
4
>>> from regionmath import bounds
>>> bounds.get("serra2020-weights").value(net)
4

References
----------
.. [1] T. Serra, S. Ramalingam, "Empirical bounds on linear regions of deep rectifier
   networks", AAAI 2020 (arXiv 1810.03370).
.. [2] T. Serra, C. Tjandraatmadja, S. Ramalingam, "Bounding and counting linear regions of
   deep neural networks", ICML 2018, Theorem 1.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import sympy as sp

from ..errors import RegionmathError
from ..network import Network
from .base import Bound, Source, n0, register
from .hinz import serra_step

#: unit roundoff of IEEE doubles
_UNIT_ROUNDOFF = 2.0 ** -53
_SERRA2020 = "Serra, Ramalingam 2020"
_SERRA2020_REF = "Empirical bounds on linear regions of deep rectifier networks, AAAI 2020 (arXiv 1810.03370)"

__all__ = ["LayerProfile", "layer_profiles", "certified_interval_bounds", "serra2020_weights",
           "weights_substitution"]


@dataclass(frozen=True)
class LayerProfile:
    """What one layer can do on the domain.

    ``active``, ``inactive``, ``unstable``: unit indices (stably active, stably inactive, the
    rest); ``rank_cut = rank W[unstable]``, ``rank_active = rank W[active]``,
    ``rank_out = rank W[active + unstable]`` (exact ranks over Q).
    """

    active: tuple
    inactive: tuple
    unstable: tuple
    rank_cut: int
    rank_active: int
    rank_out: int


def certified_interval_bounds(network, domain=None) -> list:
    """Per layer ``(lo, hi)`` with ``lo <= z(x) <= hi`` for every pre-activation on the box,
    proved despite floating point.

    Interval arithmetic layer by layer; each interval is widened by
    ``2 (n + 3) u (|W| max(|lo|, |hi|) + |b|)`` (``u = 2^-53``, ``n`` the fan-in), which
    exceeds the rounding error of the float dot products and, for a network with exact
    rational weights, the error of their float images.
    """
    lo, hi = _domain(network, domain)
    out = []
    for W, b in zip(network.weights, network.biases):
        Wp, Wn = np.maximum(W, 0.0), np.minimum(W, 0.0)
        zlo, zhi = Wp @ lo + Wn @ hi + b, Wp @ hi + Wn @ lo + b
        scale = np.abs(W) @ np.maximum(np.abs(lo), np.abs(hi)) + np.abs(b)
        margin = 2 * (W.shape[1] + 3) * _UNIT_ROUNDOFF * scale + 2.0 ** -1000
        zlo, zhi = zlo - margin, zhi + margin
        out.append((zlo, zhi))
        lo, hi = np.maximum(zlo, 0.0), np.maximum(zhi, 0.0)
    return out


def _domain(network, domain):
    if domain is None:
        return network.box
    try:
        lo = np.broadcast_to(np.asarray(domain[0], dtype=float), (network.n0,)).copy()
        hi = np.broadcast_to(np.asarray(domain[1], dtype=float), (network.n0,)).copy()
    except (TypeError, ValueError, IndexError):
        raise RegionmathError(f"domain must be a box (lo, hi) of {network.n0} numbers each") from None
    if not (np.all(np.isfinite(lo)) and np.all(np.isfinite(hi))) or np.any(lo >= hi):
        raise RegionmathError("domain must be a non-empty box with finite bounds, lo < hi in every coordinate")
    return lo, hi


def _rows(network, l, idx):
    """Rows ``idx`` of ``W_l`` (0-based layer), exact when the network is."""
    W = network.exact_weights[l] if network.is_exact else network.weights[l]
    return W[list(idx)]


def layer_profiles(network, domain=None, ranges=None) -> list:
    """The :class:`LayerProfile` of every hidden layer of a ReLU network on the domain.

    Parameters
    ----------
    network : Network
        A ReLU network.
    domain : (lo, hi) or None
        A box; default ``network.box``.
    ranges : list of (lo, hi) arrays, optional
        Per layer, bounds on every pre-activation over the domain (for instance LP bounds);
        default :func:`certified_interval_bounds`. They must be valid: a unit is called stable
        from them.

    Returns
    -------
    list of LayerProfile

    Raises
    ------
    RegionmathError
        For a maxout network, ranges of the wrong shape or a bad domain.
    """
    from ..exact import exact_rank
    if not isinstance(network, Network):
        raise RegionmathError(f"need a Network, got {type(network).__name__}")
    if network.activation != "relu":
        raise RegionmathError("the weight-aware bound is for ReLU networks; this network is maxout")
    box = _domain(network, domain)
    if ranges is None:
        ranges = certified_interval_bounds(network, box)
    elif len(ranges) != network.L or any(np.shape(lo) != (W.shape[0],) or np.shape(hi) != (W.shape[0],)
                                         for (lo, hi), W in zip(ranges, network.weights)):
        raise RegionmathError("ranges must give (lo, hi) arrays with one entry per unit for every hidden layer")
    out = []
    for l, (zlo, zhi) in enumerate(ranges):
        zlo, zhi = np.asarray(zlo, dtype=float), np.asarray(zhi, dtype=float)
        active = tuple(int(i) for i in np.flatnonzero(zlo > 0))
        inactive = tuple(int(i) for i in np.flatnonzero((zhi <= 0) & ~(zlo > 0)))
        unstable = tuple(int(i) for i in np.flatnonzero(~(zlo > 0) & ~(zhi <= 0)))

        def rank(idx):
            return exact_rank(_rows(network, l, idx)) if idx else 0
        out.append(LayerProfile(active, inactive, unstable, rank(unstable), rank(active),
                                rank(tuple(sorted(active + unstable)))))
    return out


def serra2020_weights(network, domain=None, ranges=None, profiles=None) -> int:
    """Upper bound on the activation regions of ``network`` in ``domain`` from its stable units
    and the ranks of its weights (Serra and Ramalingam 2020, as derived by the toolkit).

    Runs :func:`regionmath.bounds.hinz.serra_step` per layer with ``units = u_l``,
    ``rank_cut = rank W_l[U_l]``, ``rank_active = rank W_l[A_l]`` and
    ``rank_out = rank W_l[A_l + U_l]``: ``O(L (n0 + n))`` big-integer operations once the
    profiles are known.

    Parameters
    ----------
    network, domain, ranges
        As for :func:`layer_profiles`: the ReLU network, the box (default ``network.box``) and
        valid pre-activation bounds on it (default certified interval arithmetic).
    profiles : list of LayerProfile, optional
        Precomputed :func:`layer_profiles` (then ``domain`` and ``ranges`` are unused).

    Returns
    -------
    int
        An upper bound on the number of activation regions (with non-empty interior) of the
        network in the domain; never larger than ``serra2018-thm1`` of its architecture.

    Raises
    ------
    RegionmathError
        For a maxout network, bad ranges or a bad domain.

    See Also
    --------
    layer_profiles, regionmath.bounds.relu.serra2018_thm1_dp

    References
    ----------
    T. Serra, S. Ramalingam, "Empirical bounds on linear regions of deep rectifier networks",
    AAAI 2020 (arXiv 1810.03370).
    """
    if profiles is None:
        profiles = layer_profiles(network, domain, ranges)
    v = [0] * network.n0 + [1]
    for p in profiles:
        v = serra_step(v, len(p.unstable), p.rank_cut, p.rank_active, p.rank_out)
    return int(sum(v))


def _symbols(count):
    make = lambda name: tuple(sp.Symbol(f"{name}_{i}", integer=True, nonnegative=True) for i in range(1, count + 1))
    return make("u"), make("c"), make("a"), make("r"), make("k")


def weights_substitution(network, domain=None, ranges=None, profiles=None) -> dict:
    """Values of the symbols of ``serra2020-weights``'s expression for ``network``: ``n0``,
    ``u_l`` (units that can cut), ``c_l = rank W_l[U_l]``, ``a_l = rank W_l[A_l]`` and
    ``r_l = rank W_l[A_l + U_l]``."""
    if profiles is None:
        profiles = layer_profiles(network, domain, ranges)
    us, cs, as_, rs, _ = _symbols(len(profiles))
    subs = {n0: network.n0}
    for i, p in enumerate(profiles):
        subs.update({us[i]: len(p.unstable), cs[i]: p.rank_cut, as_[i]: p.rank_active, rs[i]: p.rank_out})
    return subs


@register
class Serra2020Weights(Bound):
    id = "serra2020-weights"
    kind = "upper"
    activation = "relu"
    needs_weights = True
    about = "activation regions"
    source = Source(_SERRA2020, "activation-based upper bound for a given network", _SERRA2020_REF,
                    unsure="the paper's statement could not be read (abstract only); the toolkit derives the "
                           "bound from Theorem 1's proof with stable units and exact ranks, and proves it "
                           "(proofs/proof_serra2020_weights.py)",
                    note="stable units from certified interval arithmetic (or caller-supplied valid ranges); "
                         "a bound for a given network on a box, not for an architecture")
    statement = ("A ReLU network on a box has at most sum_{k_1..k_L} prod_l C(u_l, k_l) activation regions, "
                 "over k_l >= u_l - min(d_{l-1}, c_l), d_0 = n0, d_l = min(d_{l-1}, a_l + k_l, r_l): u_l units "
                 "of layer l are not stable on the box, c_l, a_l, r_l the ranks of the rows of the unstable, "
                 "stably active, and not stably inactive units.")

    def value(self, arch=None, network=None, domain=None, ranges=None, profiles=None) -> int:
        """The bound for ``network`` (also accepted as the first argument) on ``domain``."""
        if isinstance(arch, Network):
            arch, network = None, arch
        if network is None:
            raise RegionmathError("serra2020-weights is a bound for a given network: pass network=Network(...)")
        if not isinstance(network, Network):
            raise RegionmathError(f"network must be a Network, got {type(network).__name__}")
        if arch is not None and arch != network.architecture:
            raise RegionmathError(f"the architecture {arch} is not the network's ({network.architecture})")
        return super().value(network.architecture, network=network, domain=domain, ranges=ranges,
                             profiles=profiles)

    def _value(self, arch, network=None, domain=None, ranges=None, profiles=None):
        return serra2020_weights(network, domain, ranges, profiles)

    def _expr(self, arch):
        """Nested sum in ``n0`` and the per-layer ``u_l, c_l, a_l, r_l``
        (:func:`weights_substitution`); ``k_l`` counts the active units of ``U_l``."""
        us, cs, as_, rs, ks = _symbols(arch.L)
        dims = [n0]
        for l in range(arch.L):
            dims.append(sp.Min(dims[-1], as_[l] + ks[l], rs[l]))
        inner = sp.Integer(1)
        for l in reversed(range(arch.L)):
            term = sp.binomial(us[l], ks[l]) * sp.Heaviside(ks[l] - us[l] + sp.Min(dims[l], cs[l]), 1) * inner
            inner = sp.Sum(term, (ks[l], 0, us[l]))
        return inner
