"""Histogram bounds: Hinz and van de Geer's framework (region counts per image dimension).

Every region of the first ``l`` layers of a ReLU network maps, under the affine map of the
network on it, onto a set of some dimension ``d <= n0``. A layer of ``m`` units cuts such a
region by at most ``m`` hyperplanes living in ``d`` dimensions; the cells it creates have
``k`` active units and images of dimension ``<= min(d, k)``. Hinz and van de Geer track the
histogram ``v`` (``v[d]`` = number of regions whose image has dimension ``d``) from
``v = e_{n0}`` through the layers; the bound is ``sum(v)`` after the last layer.

A per-layer *bound* ``gamma`` on the activation histogram of the cells need not be the true
histogram: it suffices that it dominates it in the upper-tail order (for every ``t``, at
least as many cells with ``>= t`` active units), because the number of regions a cell can go
on to create never decreases with its image dimension.

This module holds the step shared by Serra et al.'s Theorem 1 and the weight-aware bound
(:func:`serra_step`); the general framework with its bound matrices follows it.

Examples
--------
Theorem 1 is the histogram recursion with ``gamma_{d,m}[k] = C(m, k)`` for ``k >= m - d``:

>>> v = [0, 0, 1]                       # n0 = 2: one region of dimension 2
>>> v = serra_step(v, 3); [int(x) for x in v]   # a layer of 3 units: 1 + 3 + 3 cells by image dimension
[0, 3, 4]
>>> int(sum(serra_step(v, 3)))                 # serra2018-thm1 for (2; 3, 3)
40

References
----------
.. [1] P. Hinz, S. van de Geer, "A framework for the construction of upper bounds on the
   number of affine linear regions of ReLU feed-forward neural networks", IEEE Trans. Inf.
   Theory 65(11), 2019 (arXiv 1806.01918).
.. [2] T. Serra, C. Tjandraatmadja, S. Ramalingam, "Bounding and counting linear regions of
   deep neural networks", ICML 2018, Theorem 1.
"""

from __future__ import annotations

from functools import lru_cache

try:  # exact either way; gmpy2 is the fast path
    from gmpy2 import mpz as _mpz
except ImportError:  # pragma: no cover
    _mpz = int


@lru_cache(maxsize=256)
def _binomial_suffix(u: int) -> tuple:
    """``(C(u, 0..u), S)`` with ``S[t] = sum_{k >= t} C(u, k)`` (``S[u + 1] = 0``)."""
    row = [_mpz(1)]
    for k in range(1, u + 1):
        row.append(row[-1] * (u - k + 1) // k)
    suffix = [_mpz(0)] * (u + 2)
    for k in range(u, -1, -1):
        suffix[k] = suffix[k + 1] + row[k]
    return tuple(row), tuple(suffix)


def serra_step(v, units: int, rank_cut=None, rank_active: int = 0, rank_out=None) -> list:
    """One layer of the histogram recursion with Serra-type bounds, in ``O(n0 + units)`` operations.

    A region of image dimension ``d`` meets ``units`` hyperplanes (the units that can change
    state) whose normals span at most ``r = min(d, rank_cut)`` dimensions; its cells with ``k``
    of those units active are counted as at most ``C(units, k)`` for ``k >= units - r`` and 0
    below (an upper-tail bound: there are at most ``Phi(units, r)`` cells in all), and their
    images have dimension at most ``min(d, rank_active + k, rank_out)``.

    Parameters
    ----------
    v : sequence of int
        ``v[d]``: regions (or their upper-tail bound) with image dimension ``d``, ``d = 0..n0``.
    units : int
        Units whose hyperplane can cut (all of the layer for an architecture bound).
    rank_cut : int, optional
        Rank of those units' weight rows (default ``units``).
    rank_active : int
        Rank of the rows of the units active everywhere (0 for an architecture bound).
    rank_out : int, optional
        Rank of the rows of every unit that is not inactive everywhere (default: no cap).

    Returns
    -------
    list of int
        The histogram after the layer (gmpy2 integers when gmpy2 is present), same length as ``v``.
    """
    top_level = len(v) - 1
    rank_cut = units if rank_cut is None else rank_cut
    rank_out = top_level if rank_out is None else rank_out
    row, suffix = _binomial_suffix(units)
    zero = _mpz(0)
    out = [zero] * (top_level + 1)
    # tail[d] = sum_{d' >= d} v[d']
    tail = [zero] * (top_level + 2)
    for d in range(top_level, -1, -1):
        tail[d] = tail[d + 1] + v[d]
    for d in range(top_level + 1):
        if not v[d]:
            continue
        kmin = units - min(d, rank_cut)
        top = min(d, rank_out)
        # cells whose image reaches the cap min(d, rank_out): k >= top - rank_active
        t = max(kmin, top - rank_active, 0)
        if t <= units:
            out[top] += v[d] * suffix[t]
    # cells below the cap: level e = rank_active + k < min(d, rank_out), k >= units - min(d, rank_cut)
    for e in range(rank_active, min(top_level, rank_out)):
        k = e - rank_active
        if k > units or rank_cut < units - k:
            continue
        first = max(e + 1, units - k)          # d > e and min(d, rank_cut) >= units - k
        if first <= top_level and tail[first]:
            out[e] += row[k] * tail[first]
    return out
