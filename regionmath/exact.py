"""Exact arithmetic in one place: integer and rational conversions.

Every count and bound of the toolkit is an exact integer, and every certificate is checked in
exact rationals. The conversions between floats, decimal strings, fractions and big integers
live here, so that there is one of each.

Examples
--------
>>> decimal_string(2**100)
'1267650600228229401496703205376'
>>> decimal_string(-7)
'-7'
"""

from __future__ import annotations

__all__ = ["decimal_string", "exact_rank"]


def decimal_string(n) -> str:
    """The decimal digits of the integer ``n``, in time quasi-linear in its size.

    Python's ``str(int)`` is quadratic and refuses integers above 4,300 digits; gmpy2 converts a
    10-million-digit integer in about 2.5 s (../shared/TOOLING.md).

    Parameters
    ----------
    n : int or gmpy2.mpz

    Returns
    -------
    str
    """
    try:
        import gmpy2
    except ImportError:  # pragma: no cover - gmpy2 is a dependency
        import sys
        sys.set_int_max_str_digits(0)
        return str(int(n))
    return gmpy2.mpz(n).digits(10)


#: primes below 2^31 for modular ranks (products of two residues fit in int64)
_RANK_PRIMES = (2147483629, 2147483587)


def exact_rank(matrix) -> int:
    """The rank over the rationals of a float matrix (each float read as the exact dyadic
    rational it is) or of a matrix of Fractions / ints.

    A rank mod ``p`` never exceeds the rank over Q, so a modular rank that reaches
    ``min(rows, cols)`` proves full rank (the usual case; python-flint's ``nmod_mat``, fast
    for a 1000 x 1000 matrix); otherwise the rank is computed over Q (``fmpq_mat``).

    >>> exact_rank([[1.0, 2.0], [2.0, 4.0]]), exact_rank([[0.1, 0.2], [0.3, 0.6000000000000001]])
    (1, 2)
    >>> from fractions import Fraction as F
    >>> exact_rank([[F(1, 3), F(2, 3)], [1, 2]])
    1
    """
    import numpy as np
    import flint
    arr = np.asarray(matrix, dtype=object if _is_object(matrix) else float)
    if arr.ndim != 2:
        raise ValueError("exact_rank needs a 2-D matrix")
    rows, cols = arr.shape
    if rows == 0 or cols == 0:
        return 0
    full = min(rows, cols)
    if arr.dtype != object:
        # x = mant * 2^exp with |mant| < 1 an integer multiple of 2^-53: integers after scaling
        mant, expo = np.frexp(arr)
        ints = (mant * 2.0 ** 53).astype(np.int64)
        shift = expo.astype(np.int64) - int(expo.min())
        for p in _RANK_PRIMES:
            levels, where = np.unique(shift, return_inverse=True)
            powers = np.array([pow(2, int(s), p) for s in levels], dtype=np.int64)[where.reshape(shift.shape)]
            residues = (ints % p) * powers % p
            if flint.nmod_mat(rows, cols, [int(v) for v in residues.ravel()], p).rank() == full:
                return full
        entries = [flint.fmpz(int(i) << int(s)) for i, s in zip(ints.ravel(), shift.ravel())]
        return flint.fmpz_mat(rows, cols, entries).rank()
    from fractions import Fraction
    entries = [flint.fmpq(Fraction(v).numerator, Fraction(v).denominator) for v in arr.ravel()]
    return flint.fmpq_mat(rows, cols, entries).rank()


def _is_object(matrix) -> bool:
    import numpy as np
    from fractions import Fraction
    if isinstance(matrix, np.ndarray):
        return matrix.dtype == object
    return any(isinstance(v, Fraction) for row in matrix for v in row)
