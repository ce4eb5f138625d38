"""Strategy comparison: two scenarios run with common random numbers, and the paired
differences of every party's and deal's metrics.

Both runs use the same seed. Every random draw comes from a substream keyed by what it
drives (the demand factor, a lab's shocks and funding draws, a number's path in the
scenario, a deal's closing), so wherever the two scenarios share structure they see the
same draws: xAI's revenue shock in quarter 7 of path 123 is the same number in both, and
the difference on that path is the effect of what differs, not noise. A deal, party or
number present in only one scenario draws from its own stream and shifts nothing else.

The answer to the seed's question (does "invest and bind" beat "just sell chips" for the
vendor, and at what risk?) is in the vendor's rows: ``self_funded_revenue`` (its own money
coming back as its sales) and ``self_funded_revenue_share``, ``revenue_total``,
``gross_profit_total``, ``operating_profit_total``, ``cash_end`` (sales less what it put
into deals, plus what came back), ``equity_value_end`` and ``stakes_value_end`` (its stakes
and loans marked at the horizon), ``market_share_end``, and the labs'
``second_source_probability`` and default probability. Read a mean difference with the
median difference and the shares of paths either way: a few extreme paths can set its sign.
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from chipcredit.analytics.card import Card, CardShown, horizon_text
from chipcredit.analytics.result import Result
from chipcredit.errors import ChipcreditWarning, UsageError, did_you_mean
from chipcredit.scenario.deal_removal import without_deals
from chipcredit.scenario.loader import load_scenario
from chipcredit.scenario.model import Scenario

from .arguments import check_options, seed_number, whole_number
from .paired import paired_differences, paired_runs

__all__ = ["CompareResult", "compare", "span_note"]


@dataclass(frozen=True, repr=False)
class CompareResult(CardShown):
    """Two runs with the same seed and paths, and their paired differences.

    Attributes
    ----------
    base, other : Result
        The runs of the first (A) and the second (B) scenario.
    differences : DataFrame
        One row per outcome both runs have, columns ``deal`` (None for a party's own
        outcomes), ``party``, ``metric``, ``base``, ``other`` (each run's mean over the
        paired paths), ``difference`` (other minus base, mean over the paired paths),
        ``ci_low``, ``ci_high`` (its 95% confidence interval), ``median_difference`` (the
        median over the paired paths of other minus base), ``share_higher`` and
        ``share_lower`` (the shares of those paths with other above and below base),
        ``paths`` (the paired paths on which both runs have a value) and ``unit`` (of base
        to median_difference: ``$B``, ``annual rate``, ``probability``, ...;
        docs/output.md, "Units"). The same shape as `StressResult.differences`. Last, the
        credit rows of each SPV and claim holder both have
        (`chipcredit.experiments.paired.CREDIT_METRICS`).
    without : tuple of str
        The deals left out of A to make B (``compare(a, without=...)``), in the order given;
        empty when B was given.
    notes : tuple of str
        What the differences cannot be read as: one line when A and B start in different
        quarters or run for different horizons (`span_note`), also issued as a
        `ChipcreditWarning`. Empty when both cover the same quarters.
    """

    base: Result
    other: Result
    differences: pd.DataFrame
    without: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()

    @property
    def labels(self) -> tuple[str, str]:
        """What to call A and B (in charts, the run store's ``extra`` and the card): their
        scenario ``name``s; ``NAME without DEAL, ...`` for B made with ``without``; where the
        names are the same but the scenarios differ (an edited copy keeps its original's
        name), each name with its first 8 hex digits of ``scenario_sha256`` (``seed-2025
        [5eb4a0ae]``); ``NAME (A)`` and ``NAME (B)`` for one scenario twice."""
        a, b = self.base.scenario.name, self.other.scenario.name
        if self.without:
            return a, f"{a} without {', '.join(self.without)}"
        if a != b:
            return a, b
        sha_a, sha_b = self.base.scenario_sha256[:8], self.other.scenario_sha256[:8]
        if sha_a != sha_b:
            return f"{a} [{sha_a}]", f"{b} [{sha_b}]"
        return f"{a} (A)", f"{b} (B)"

    def _card(self) -> Card:
        # a card, not the dataclass repr of both runs' arrays (megabytes at 1,000 paths)
        a, b = self.base.scenario, self.other.scenario
        horizons = (horizon_text(a) if not self.notes
                    else f"A {horizon_text(a)}, B {horizon_text(b)}")
        label_a, label_b = self.labels
        return Card.of(f"CompareResult, {label_b} minus {label_a}", [
            ("paths", f"{self.base.paths:,}"), ("seed", self.base.seed), ("horizon", horizons),
            ("differences", f"{len(self.differences):,} rows"), ("notes", len(self.notes))],
            ".differences, .party(party), .notes, .base.summary(), .other.summary()")

    def party(self, party: str) -> pd.DataFrame:
        """The rows of one party's own outcomes (``deal`` None), as in `differences`.

        Parameters
        ----------
        party : str
            A party id of either scenario, e.g. ``"nvidia"``.

        Returns
        -------
        DataFrame
            The rows of `differences` whose ``deal`` is None and ``party`` is ``party``,
            re-indexed from 0, with the same columns (``revenue_total``, ``cash_end``,
            ``default_probability`` and, for a vendor, its ``vendors`` outcomes). Empty for a
            party with no outcomes of its own in both runs.

        Raises
        ------
        UsageError
            ``party`` is not a party of either scenario (with a did-you-mean).
        """
        known = sorted({p.id for p in self.base.scenario.parties}
                       | {p.id for p in self.other.scenario.parties})
        if not isinstance(party, str) or party not in known:
            hint = did_you_mean(party, known)
            raise UsageError(f"CompareResult.party: no party {party!r} in either scenario; the "
                             f"parties are {', '.join(known)}"
                             + (f" (did you mean {hint}?)" if hint else ""))
        table = self.differences
        return table[table["deal"].isna() & (table["party"] == party)].reset_index(drop=True)


def span_note(a: Scenario, b: Scenario) -> str | None:
    """Why paired differences of two scenarios over different quarters are not comparable,
    or None when both have the same start and horizon.

    Returns
    -------
    str or None
        One line naming both spans, e.g. ``A (seed-2025) runs 2025Q4–2035Q3 (40 quarters)
        and B (seed-2025) runs 2025Q4–2030Q3 (20 quarters): ...``.
    """
    if (a.start, a.horizon_quarters) == (b.start, b.horizon_quarters):
        return None
    return (f"A ({a.name}) runs {horizon_text(a)} and B ({b.name}) runs {horizon_text(b)}: "
            "totals (revenue_total, gross_profit_total, ...), values at the horizon (cash_end, "
            "equity_value_end, ...), NPVs, MOICs and IRRs (discounted to, and marked at, "
            "each one's own start and horizon) and probabilities by the horizon cover "
            "different quarters, so their differences measure the spans, not the scenarios; "
            "give both the same start and horizon_quarters")


def compare(
    a: Scenario | str | os.PathLike[str],
    b: Scenario | str | os.PathLike[str] | None = None,
    paths: int = 10_000,
    seed: int = 0,
    *,
    without: str | Sequence[str] | None = None,
    **options: Any,
) -> CompareResult:
    """Run two scenarios with the same seed and paths, and pair their outcomes path by path
    (``b`` minus ``a``).

    Parameters
    ----------
    a, b : Scenario, str or os.PathLike
        A `Scenario`, a bundled scenario name (``"seed-2025-sell-only"``) or a YAML file;
        ``a`` is the base (A), ``b`` the other (B). Leave ``b`` out when giving ``without``.
    without : str or sequence of str, optional
        Deal ids of ``a``: B is then ``a`` with those deals left out, nothing else changed,
        so each difference is what the deals add to A, negated (B minus A). For a
        ``milestone_equity`` deal this is the measure of what the deal causes, which its
        ``tied_gross_profit`` (profit on sales made before the money came) is not.
    paths : int
        Monte Carlo paths of each run (at least 1; a NumPy integer is accepted).
    seed : int
        Seed of both runs (common random numbers); from 0 to 2**63 - 1.
    **options
        Passed to `chipcredit.simulate` for both runs: ``chunk_blocks`` (int), ``workers``
        (int), ``scheduler``, ``progress`` (called per run), ``force`` (bool) and
        ``deterministic`` (bool: compares the two base cases, one path each, with no
        confidence interval). Any other name is refused with a did-you-mean.

    Returns
    -------
    CompareResult
        The two runs and ``differences`` (one row per outcome both have; see
        `CompareResult`). Each distinct summary warning of either run is issued once.

    Warns
    -----
    ChipcreditWarning
        When A and B start in different quarters or have different horizons: one line
        naming both spans and the metrics that makes incomparable (`span_note`; also in
        ``CompareResult.notes``).

    Raises
    ------
    UsageError
        A bad argument or option (one line naming it); ``b`` and ``without`` both given or
        both missing; a ``without`` id that is no deal of ``a`` (with a did-you-mean).
    ScenarioError
        A scenario breaks a rule; with ``without``, a deal or number left in B refers to a
        removed deal (one line each, at its line in A's file).
    """
    if (b is None) == (without is None):
        raise UsageError("compare: give either b (the scenario compared with a) or without "
                         "(deal ids of a, for a copy of a without them), not "
                         + ("both" if b is not None else "neither"))
    checked = check_options("compare", options)
    if not checked.get("deterministic"):
        paths = whole_number("compare", "paths", paths, 1)
    elif isinstance(paths, np.integer):
        paths = int(paths)
    seed = seed_number("compare", seed)
    first = load_scenario(a)
    if without is not None:
        second = without_deals(first, without, function="compare: without")
        left_out = tuple(dict.fromkeys([without] if isinstance(without, str) else without))
    else:
        assert b is not None
        second, left_out = load_scenario(b), ()
    base, other = paired_runs(first, second, paths, seed, **checked)
    note = span_note(first, second)
    if note is not None:  # after the runs' own warnings, so it is the last word
        warnings.warn(note, ChipcreditWarning, stacklevel=2)
    return CompareResult(base, other, paired_differences(base, other), left_out,
                         () if note is None else (note,))
