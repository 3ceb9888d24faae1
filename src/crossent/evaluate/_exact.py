"""Exact sums of float64 values, so a total does not depend on chunking or order.

Every finite float64 is an integer multiple of :math:`2^{-1126}` (53-bit
mantissas, exponents down to the subnormal :math:`2^{-1074}`). :class:`ExactSum`
keeps the sum as that integer, a Python ``int``, so adding chunks in any order,
on any worker, gives the same integer, and the float64 read from it is the
correctly rounded value of the true sum.

Adding a chunk is vectorised: ``frexp`` splits each value into a 53-bit integer
mantissa and an exponent; the mantissa is cut into a high and a low half of at
most 27 bits, and ``bincount`` adds the halves per exponent in float64, which
is exact while a bucket stays below :math:`2^{53}` (at most :math:`2^{26}`
values per call). The buckets (about 2100) are then folded into the integer.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

__all__ = ["ExactSum"]

_SCALE_EXP = 1126  # 2**-1126 is the ulp of the smallest subnormal's mantissa
_BUCKETS = 1073 + 1024 + 1  # frexp exponents of finite float64: [-1073, 1024]
_HALF = 26  # low half of the mantissa, in bits
_MAX_PER_CALL = 1 << 26  # values per bincount, so bucket sums stay exact


@dataclass(frozen=True)
class ExactSum:
    """The exact sum of float64 values, as ``scaled / 2**1126`` plus non-finite flags.

    Instances add with ``+`` (exactly, in any order) and pickle small, which is
    what a distributed reduction needs.

    Examples
    --------
    >>> import numpy as np
    >>> from crossent.evaluate._exact import ExactSum
    >>> x = np.array([1e16, 1.0, -1e16] * 1000)
    >>> bool(np.sum(x) == 1000.0)  # a float sum loses most of the ones
    False
    >>> print(ExactSum.of(x).value())
    1000.0
    >>> parts = ExactSum.of(x[:1234]) + ExactSum.of(x[1234:])
    >>> parts == ExactSum.of(x)
    True
    """

    scaled: int = 0
    nan: bool = False
    pos_inf: bool = False
    neg_inf: bool = False

    @classmethod
    def of(cls, values: Any) -> ExactSum:
        """The exact sum of ``values`` (any shape, converted to float64)."""
        x = np.asarray(values, dtype=np.float64).reshape(-1)
        finite = np.isfinite(x)
        nonfinite = x[~finite]
        scaled = 0
        if nonfinite.size:
            x = x[finite]
        for start in range(0, x.size, _MAX_PER_CALL):
            scaled += _scaled_sum(x[start : start + _MAX_PER_CALL])
        return cls(
            scaled=scaled,
            nan=bool(np.isnan(nonfinite).any()),
            pos_inf=bool((nonfinite == np.inf).any()),
            neg_inf=bool((nonfinite == -np.inf).any()),
        )

    def __add__(self, other: ExactSum) -> ExactSum:
        return ExactSum(
            self.scaled + other.scaled,
            self.nan or other.nan,
            self.pos_inf or other.pos_inf,
            self.neg_inf or other.neg_inf,
        )

    def _nonfinite(self) -> float | None:
        if self.nan or (self.pos_inf and self.neg_inf):
            return float("nan")
        if self.pos_inf:
            return float("inf")
        if self.neg_inf:
            return float("-inf")
        return None

    def value(self) -> float:
        """The sum, correctly rounded to float64 (±inf past the float64 range)."""
        special = self._nonfinite()
        if special is not None:
            return special
        return _divide(self.scaled, 1 << _SCALE_EXP)

    def ratio(self, denominator: ExactSum | int) -> float:
        """``self / denominator``, correctly rounded from the exact values.

        An int denominator is a count. Non-finite values and a zero denominator
        follow IEEE division (``x/0 = ±inf``, ``0/0 = NaN``) without a warning.
        """
        den = (
            ExactSum(denominator << _SCALE_EXP)
            if isinstance(denominator, int)
            else denominator
        )
        if self._nonfinite() is None and den._nonfinite() is None and den.scaled:
            return _divide(self.scaled, den.scaled)
        with np.errstate(invalid="ignore", divide="ignore"):
            return float(np.float64(self.value()) / np.float64(den.value()))


def _divide(num: int, den: int) -> float:
    """``num / den`` for Python ints: CPython rounds it correctly; ±inf on overflow."""
    try:
        return num / den
    except OverflowError:
        return float("inf") if (num > 0) == (den > 0) else float("-inf")


def _scaled_sum(x: np.ndarray) -> int:
    """The exact sum of finite float64 ``x`` (at most 2**26 values) times 2**1126."""
    if x.size == 0:
        return 0
    f, e = np.frexp(x)  # x = f * 2**e, 0.5 <= |f| < 1
    # Scaling by powers of two is exact (and faster than ldexp).
    m = f * 2.0**53  # the 53-bit integer mantissa: x = m * 2**(e - 53)
    hi = np.floor(m * 2.0**-_HALF)  # |hi| <= 2**27
    lo = m - hi * 2.0**_HALF  # 0 <= lo < 2**26
    bucket = e + 1073  # x * 2**1126 = m * 2**bucket
    sum_hi = np.bincount(bucket, weights=hi, minlength=_BUCKETS)
    sum_lo = np.bincount(bucket, weights=lo, minlength=_BUCKETS)
    total = 0
    for b in np.flatnonzero((sum_hi != 0) | (sum_lo != 0)).tolist():
        total += ((int(sum_hi[b]) << _HALF) + int(sum_lo[b])) << b
    return total
