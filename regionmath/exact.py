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

__all__ = ["decimal_string"]


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
