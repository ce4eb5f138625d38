"""Units and conventions: quarters, rate conversions and money formatting.

This is the only module that converts rates (docs/design.md section 2a):

- interest on loans, leases and credit is nominal annual, compounded quarterly: ``r / 4``;
- growth, discount and price-change rates are effective annual: ``(1 + r) ** (1/4) - 1``;
- annual probabilities become quarterly as ``1 - (1 - p) ** (1/4)``;
- annual volatility scales by ``sqrt(1/4)``;
- IRRs are solved per quarter and reported effective annual, ``(1 + q) ** 4 - 1``.

Money is in US$ billions ($B) everywhere.
"""

from __future__ import annotations

import re
from typing import TypeVar

import numpy as np
from numpy.typing import NDArray

__all__ = [
    "QUARTERS_PER_YEAR",
    "annual_probability_to_quarterly",
    "annual_volatility_to_quarterly",
    "effective_to_quarterly",
    "format_money",
    "format_quarter",
    "nominal_to_quarterly",
    "parse_quarter",
    "quarterly_to_effective_annual",
    "suggest_quarter",
]

QUARTERS_PER_YEAR = 4
_QUARTER_RE = re.compile(r"^(\d{4})Q([1-4])$")
_LOOSE_QUARTER_RE = re.compile(r"^\s*(\d{4})\s*[-_ /.]?\s*[Qq]\s*([1-4])\s*$")

Rate = TypeVar("Rate", float, NDArray[np.float64])


def parse_quarter(text: str) -> int:
    """Quarter label ``"2025Q4"`` to an absolute quarter index (``year * 4 + q - 1``).

    Raises
    ------
    ValueError
        With a suggestion when the label is close to the format (``2025-Q4``, ``2025q4``).
    """
    match = _QUARTER_RE.match(text)
    if match is None:
        near = suggest_quarter(text)
        hint = f" (did you mean {near}?)" if near else ""
        raise ValueError(f"must be a quarter written like 2025Q4; got {text!r}{hint}")
    return int(match.group(1)) * QUARTERS_PER_YEAR + int(match.group(2)) - 1


def suggest_quarter(text: str) -> str | None:
    """The label a loosely written quarter means, for a did-you-mean; None if it is not one.

    Spaces around it, a separator (``-``, ``_``, space, ``/``, ``.``) before the ``Q`` and a
    lower-case ``q`` are forgiven: ``"2025-Q4"``, ``" 2025 q4 "`` and ``"2025Q4"`` all give
    ``"2025Q4"``; ``"25Q4"``, ``"2025Q5"`` and ``"2025-10"`` give None.
    """
    loose = _LOOSE_QUARTER_RE.match(text)
    return f"{loose.group(1)}Q{loose.group(2)}" if loose else None


def format_quarter(index: int) -> str:
    """Absolute quarter index to its label: ``format_quarter(parse_quarter(s)) == s``."""
    year, q = divmod(int(index), QUARTERS_PER_YEAR)
    return f"{year}Q{q + 1}"


def nominal_to_quarterly(rate: Rate) -> Rate:
    """Nominal annual interest rate, compounded quarterly, to the quarterly rate ``r / 4``."""
    return rate / QUARTERS_PER_YEAR


def effective_to_quarterly(rate: Rate) -> Rate:
    """Effective annual rate (growth, discount, price change) to quarterly ``(1+r)^(1/4)-1``."""
    return (1.0 + rate) ** (1.0 / QUARTERS_PER_YEAR) - 1.0


def quarterly_to_effective_annual(rate: Rate) -> Rate:
    """Quarterly rate to effective annual ``(1+q)^4 - 1``."""
    return (1.0 + rate) ** QUARTERS_PER_YEAR - 1.0


def annual_probability_to_quarterly(p: Rate) -> Rate:
    """Probability per year to probability per quarter ``1 - (1-p)^(1/4)``."""
    return 1.0 - (1.0 - p) ** (1.0 / QUARTERS_PER_YEAR)


def annual_volatility_to_quarterly(sigma: Rate) -> Rate:
    """Annual volatility to quarterly ``sigma * sqrt(1/4)``."""
    return sigma * (1.0 / QUARTERS_PER_YEAR) ** 0.5


def format_money(amount: float, unit: str = "$B") -> str:
    """Format an amount in $B for tables: ``12.35 $B``, ``-0.042 $B``, ``n/a`` for NaN."""
    if amount != amount:  # NaN
        return "n/a"
    size = abs(amount)
    digits = 2 if size >= 1 else 3
    return f"{amount:,.{digits}f} {unit}"
