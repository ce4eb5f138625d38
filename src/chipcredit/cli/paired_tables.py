"""The table of a paired experiment (``compare``, ``stress``): both runs' means, the mean
paired difference with its 95% interval, the median paired difference and the shares of
paths on which the other run is above and below the base.

A MOIC that `chipcredit run` shows as n/m (`chipcredit.report.multiples.moic_reason`: the
party pays and gets nothing back, is the deal's financed side, or put in a token amount) has
no row here either, in either run: its difference would be of two meaningless numbers (a
warrant bought for a cent differs by thousands of x). The caption lists those pairs with the
run table's reasons; the ``--json`` differences keep their rows. Which pairs those are is
`chipcredit.report.multiples.unmeant_moic`, the rule the dashboard's comparison shares,
which ``compare`` and ``stress`` call and pass in as ``unmeant``."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd
from rich.table import Table

from chipcredit.analytics.portfolio import MIN_TAIL_PATHS, tail_paths
from chipcredit.analytics.unit import PRICE
from chipcredit.experiments.paired import CREDIT_METRICS, GIVEN_DEFAULT
from chipcredit.report.credit import TAIL_MARK
from chipcredit.report.multiples import REASON_TEXT, REASONS

from .captions import NotedTable
from .deal_table import NOT_MEANINGFUL
from .formats import DASH, finite, number, path_share, visible_decimals

__all__ = ["HEADLINE_METRICS", "paired_table"]

HEADLINE_METRICS = (
    # the seed's two headline answers first: the vendor's own money coming back as its
    # sales (self-funded revenue) and whether the labs it finances port to another vendor
    "self_funded_revenue", "self_funded_revenue_share", "second_source_probability",
    "default_probability", "npv", "moic", "loss", "tied_gross_profit", "warrant_value",
    "dilution_cost", "revenue_total", "gross_profit_total", "operating_profit_total", "cash_end",
    "equity_value_end", "share_price_end", "stakes_value_end", "market_share_end",
    *CREDIT_METRICS)  # then each SPV's and each claim holder's credit figures
"""The metrics the tables of ``stress`` and ``compare`` show, one selection for both (the
rest are in their ``--json``): a row is shown where the frame has it, in the frame's order."""

_SPREAD = ("median_difference", "share_higher", "share_lower")
_TEXT = 3
"""The leading text columns (deal, party, metric), which fold when the terminal is narrow;
the numbers after them keep their full width (a narrow terminal used to cut them to ``0.…``)."""
_TEXT_MIN = 6


def paired_table(frame: pd.DataFrame, metrics: Sequence[str], paths: int, title: str,
                 base: str, other: str, *,
                 unmeant: Mapping[tuple[str, str], tuple[str, str]] | None = None) -> Table:
    """Rows of a paired-differences frame (``StressResult``/``CompareResult.differences``)
    whose metric is in ``metrics``, in the frame's order.

    Columns: both runs' means, the mean difference (other minus base) and its 95% interval
    (each row to four decimals, or more where its difference or the interval's half-width
    needs them to show two significant digits: `visible_decimals`) and, when the frame has
    them, the median paired difference and the shares of paths
    with other above (``P(B>A)``) and below (``P(B<A)``) base: a mean whose sign disagrees
    with them is driven by a few paths. A probability's row (a 0/1 event per path, whose
    frame has no median difference) shows n/m there, and the caption says what its shares
    are: the paths on which the event happens in one run only. A metric with no value on some paths (an IRR, a
    MOIC) is compared over the paths where both runs have one; the ``paths`` column gives
    their number whenever it is below the run's ``paths``, and is left out when no row
    needs it. A ``moic`` row of a pair in ``unmeant`` (`unmeant_moic`) is left out, and
    the caption says why, in the words of ``chipcredit run``'s deals table.

    Parameters
    ----------
    frame : DataFrame
        `chipcredit.experiments.paired.paired_differences` columns (money in $B,
        probabilities and shares as fractions).
    metrics : sequence of str
        The metrics shown.
    paths : int
        The paths of each run.
    title, base, other : str
        The table's title and the two runs' column headers.
    unmeant : mapping, optional
        (deal, party) to (reason, text after the pair), as `unmeant_moic` gives them.
    """
    unmeant = unmeant or {}
    shown = [r for r in frame[frame["metric"].isin(metrics)].to_dict("records")
             if not (r["metric"] == "moic" and (r["deal"], r["party"]) in unmeant)]
    fewer = [r for r in shown if _fewer(r.get("paths"), paths)]
    spread = all(c in frame.columns for c in _SPREAD)
    units = "unit" in frame.columns
    table = NotedTable(title=title, title_justify="left", caption_justify="left")
    columns = [("deal", "left"), ("party", "left"), ("metric", "left")]
    columns += [("unit", "left")] if units else []
    columns += [(base, "right"),
               (other, "right"), ("difference", "right"), ("95% CI", "right")]
    if spread:
        columns += [("median\ndifference", "right"), ("P(B>A)", "right"), ("P(B<A)", "right")]
    captions = []
    if spread:
        captions.append(f"A: {base}, B: {other}. difference: the mean of B - A over the "
                        "paired paths; median difference: their median; P(B>A), P(B<A): the "
                        "shares of paths on which B is above, below A (the rest are ties)")
    if units:
        price = any(r["unit"] == PRICE for r in shown)
        captions.append("unit: of both means, the difference, its interval and the median "
                        "difference ($B: US$ billions; "
                        + (f"{PRICE}: US$ a share; " if price else "")
                        + "x: a multiple of money; probability, "
                        "share: fractions of 1); P(B>A), P(B<A) are percentages of the paths")
    vendors = {str(r["party"]) for r in shown if not isinstance(r["deal"], str)
               and r["metric"] == "equity_value_end"}
    if any(not isinstance(r["deal"], str) and r["metric"] == "share_price_end"
           and r["party"] in vendors for r in shown):
        captions.append("equity_value_end is the whole company's value ($B); share_price_end "
                        "is one share's, after the shares its warrants give away (the "
                        "vendor's dilution_cost), so the two can move in opposite directions")
    events = spread and any(_event(r) for r in shown)
    if events:
        captions.append(f"{NOT_MEANINGFUL} median difference of a probability (an event on each "
                        "path: a default, a second source, an SPV's impairment or breach): "
                        "each path's difference is -1, 0 or +1, so its median says only which "
                        "way over half the paths went; P(B>A) is the share of paths on which "
                        "the event happens in B and not in A, P(B<A) the share on which it "
                        "happens in A and not in B")
    if fewer:
        columns.append(("paths", "right"))
        captions.append(f"paths: the paired paths on which both runs have a value, where "
                        f"fewer than all {paths:,}; the other rows are over all of them")
    if unmeant and "moic" in metrics:
        captions.append(f"{NOT_MEANINGFUL} MOIC not meaningful in A or B, so no row (the --json "
                        "keeps it):")
        for reason in REASONS:
            pairs = [f"{d} {p}{text}" for (d, p), (r, text) in unmeant.items() if r == reason]
            if pairs:
                captions.append(f"  {REASON_TEXT[reason]}: {'; '.join(pairs)}")
    books = {r["metric"] for r in shown if not isinstance(r["deal"], str)}
    if books & {"pd", *GIVEN_DEFAULT}:
        captions.append("pd: the share of the paths on which the book holds a claim with a "
                        "default of one of its obligors, paired over the paths held in A and "
                        "B; lgd (a share of ead_pv), ead (nominal, $B) and ead_pv (the same "
                        "discounted to the start, $B): each run's over its own paths with a "
                        "default, so no interval, median difference or shares (—), and their "
                        "paths are those with a default in A and B (a run with none: lgd —, "
                        "eads 0); in each run expected_loss = pd x lgd x ead_pv")
    thin = [r for r in shown if _thin_tail(r)]
    if thin:
        captions.append(f"{TAIL_MARK} a VaR or CVaR whose tail holds fewer than {MIN_TAIL_PATHS} "
                        "paths (the paths on which the book holds a claim in both runs times 5% "
                        "or 1%): a few paths' losses, not a tail; run more paths")
    table.caption = "\n".join(captions) or None
    rows = []
    for row in shown:
        deal = row["deal"] if isinstance(row["deal"], str) else ""
        # one precision a row, enough that its difference and interval show (a change of
        # $27 thousand was "0.0000 .. 0.0000" beside "P(B<A) 34.2%"), four decimals at least
        low, high = finite(row["ci_low"]), finite(row["ci_high"])
        digits = visible_decimals(row["difference"],
                                  None if low is None or high is None else (high - low) / 2)

        def cell(value: Any, signed: bool = False, digits: int = digits) -> str:
            return number(value, signed=signed, decimals=digits)

        cells = [deal, row["party"], row["metric"] + (TAIL_MARK if _thin_tail(row) else ""),
                 *([row["unit"] if isinstance(row["unit"], str) else ""] if units else []),
                 cell(row["base"]), cell(row["other"]), cell(row["difference"], signed=True),
                 # a VaR's difference is of two runs' statistics, with no interval
                 DASH if low is None else
                 f"{cell(low, signed=True)} .. {cell(row['ci_high'], signed=True)}"]
        if spread:
            cells += [NOT_MEANINGFUL if _event(row) else cell(row["median_difference"], signed=True),
                      path_share(row["share_higher"]), path_share(row["share_lower"])]
        if fewer:
            n = row.get("paths")
            cells.append(f"{int(n):,}" if n is not None and _fewer(n, paths) else "")
        rows.append(cells)
    text_columns = _TEXT + units
    for k, (name, justify) in enumerate(columns):
        if k < text_columns:  # deal, party, metric: folded onto a second line in a narrow terminal
            table.add_column(name, justify=justify, overflow="fold",  # type: ignore[arg-type]
                             min_width=_TEXT_MIN)
        elif name == "95% CI":  # two numbers: wraps at the space between them, never inside one
            width = max((len(part) for r in rows for part in r[k].split(" ")), default=0)
            table.add_column(name, justify=justify, min_width=width + 3)  # type: ignore[arg-type]
        else:  # a number is never cut: its column is at least as wide as its widest cell
            width = max((len(r[k]) for r in rows), default=0)
            # (the header may fold: a run's name is often longer than its numbers)
            table.add_column(name, justify=justify, overflow="fold",  # type: ignore[arg-type]
                             min_width=width)
    for cells in rows:
        table.add_row(*cells)
    return table


def _event(row: Mapping[Any, Any]) -> bool:
    """Whether a row is of a 0/1 event per path (unit ``probability``: every such row of
    `chipcredit.experiments.paired` is one), whose paired differences have no meaningful
    median (NaN in the frame; a run stored before it was has the number, not shown)."""
    return row.get("unit") == "probability"


def _thin_tail(row: Mapping[Any, Any]) -> bool:
    """Whether a ``var_95``, ``cvar_95``, ``var_99`` or ``cvar_99`` row rests on fewer than
    `MIN_TAIL_PATHS` paths: its paths (those held in both runs) times 5% or 1%
    (`chipcredit.analytics.portfolio.tail_paths`)."""
    metric = str(row.get("metric"))
    if metric not in ("var_95", "cvar_95", "var_99", "cvar_99") or row.get("paths") is None:
        return False
    return tail_paths(int(row["paths"]), int(metric[-2:]) / 100) < MIN_TAIL_PATHS


def _fewer(n: Any, paths: int) -> bool:
    """Whether a row's path count ``n`` is known and below the run's ``paths``."""
    try:
        return 0 <= int(n) < paths
    except (TypeError, ValueError):
        return False
