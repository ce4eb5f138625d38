"""Strategy comparison: two scenarios run with common random numbers, and the paired
differences of every party's and deal's metrics.

Both runs use the same seed. Every random draw comes from a substream keyed by what it
drives (the demand factor, a lab's shocks and funding draws, a number's path in the
scenario, a deal's closing), so wherever the two scenarios share structure they see the
same draws: xAI's revenue shock in quarter 7 of path 123 is the same number in both, and
the difference on that path is the effect of what differs, not noise. A deal, party or
number present in only one scenario draws from its own stream and shifts nothing else.

The answer to the seed's question (does "invest and bind" beat "just sell chips" for the
vendor, and at what risk?) is in the vendor's rows: ``revenue_total``,
``gross_profit_total``, ``operating_profit_total``, ``cash_end`` (sales less what it put
into deals, plus what came back), ``equity_value_end`` and ``stakes_value_end`` (its stakes
and loans marked at the horizon), ``market_share_end``, and the labs' default probability.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

import pandas as pd

from chipcredit.analytics.result import Result
from chipcredit.scenario.loader import load_scenario
from chipcredit.scenario.model import Scenario

from .paired import paired_differences, paired_runs

__all__ = ["CompareResult", "compare"]


@dataclass(frozen=True)
class CompareResult:
    """Two runs with the same seed and paths, and their paired differences.

    Attributes
    ----------
    base, other : Result
        The runs of the first (A) and the second (B) scenario.
    differences : DataFrame
        One row per outcome both runs have: deal (None for party outcomes), party, metric,
        base, other, difference (other minus base, mean over the paired paths), ci_low,
        ci_high (its 95% confidence interval), paths. The same shape as
        `StressResult.differences`.
    """

    base: Result
    other: Result
    differences: pd.DataFrame

    def party(self, party: str) -> pd.DataFrame:
        """The rows of one party's own outcomes (deal None)."""
        table = self.differences
        return table[table["deal"].isna() & (table["party"] == party)].reset_index(drop=True)


def compare(
    a: Scenario | str | os.PathLike[str],
    b: Scenario | str | os.PathLike[str],
    paths: int = 10_000,
    seed: int = 0,
    **options: Any,
) -> CompareResult:
    """Run scenarios ``a`` and ``b`` (bundled names, files or `Scenario` objects) with the
    same seed and paths, and pair their outcomes path by path (``b`` minus ``a``).

    ``options`` go to `chipcredit.simulate` for both runs (``chunk_blocks``, ``progress``,
    ``force``; ``deterministic`` compares the two base cases, one path each, with no
    confidence interval). Each distinct summary warning of either run is issued once.
    """
    first, second = load_scenario(a), load_scenario(b)
    base, other = paired_runs(first, second, paths, seed, **options)
    return CompareResult(base, other, paired_differences(base, other))
