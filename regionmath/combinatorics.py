"""Exact combinatorial quantities shared by the bounds and the arrangements.

``phi(m, d) = sum_{j=0}^{d} C(m, j)`` is Zaslavsky's number of regions of ``m`` hyperplanes
in general position in ``R^d`` (Zaslavsky 1975). Every count is an exact Python int.

>>> phi(3, 2), phi(40, 4), phi(2, 5)
(7, 102091, 4)
>>> binomial_prefix_sums(5, 2)
[1, 6, 16]
"""

from __future__ import annotations

from functools import lru_cache

try:  # gmpy2 is 2-3x faster on huge integers; the fallback is exact too
    from gmpy2 import mpz as _mpz
except ImportError:  # pragma: no cover
    _mpz = int


__all__ = ["binomial_row", "binomial_prefix_sums", "phi"]


def binomial_row(m: int, d: int) -> list:
    """``[C(m, 0), ..., C(m, d)]`` by the incremental recurrence (exact, C(m, j) = 0 for j > m)."""
    if m < 0 or d < 0:
        raise ValueError("binomial_row needs m >= 0 and d >= 0")
    row = [1]
    c = _mpz(1)
    for j in range(1, d + 1):
        if j > m:
            c = _mpz(0)
        else:
            c = c * (m - j + 1) // j
        row.append(int(c))
    return row


def binomial_prefix_sums(m: int, d: int) -> list:
    """``[Phi(m, 0), ..., Phi(m, d)]`` with ``Phi(m, j) = sum_{i<=j} C(m, i)``."""
    out, acc = [], 0
    for c in binomial_row(m, d):
        acc += c
        out.append(acc)
    return out


@lru_cache(maxsize=4096)
def phi(m: int, d: int) -> int:
    """Zaslavsky's ``Phi(m, d) = sum_{j=0}^{d} C(m, j)`` (exact)."""
    if d >= m:
        return 1 << m
    return binomial_prefix_sums(m, d)[-1]
