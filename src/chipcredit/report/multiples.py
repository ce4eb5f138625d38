"""When a deal table's MOIC means something, what a deal reports outside its cash metrics,
and on what share of the paths a deal closed: the display rules shared by the ``chipcredit
run`` deals table (``chipcredit.cli.deal_table``), the paired tables of ``stress`` and
``compare`` (``chipcredit.cli.paired_tables``), the HTML report's deal table and the
dashboard's overview and comparison (``chipcredit.dashboard.tabs.deal_table``,
``chipcredit.dashboard.tabs.comparison``).

Display only: the JSON summary, `Result.summary()` and the run store keep every value.

A MOIC (received over invested, per path) is shown as *n/m* (not meaningful), with the
reason in a note under the table, when the party's row meets one of these tests, in this
order (`moic_reason`):

``pays_only``
    The party pays but gets nothing back, neither money nor a stake marked at the horizon,
    on any path (its MOIC has a value somewhere and is 0 wherever it has one), and it has no
    loss (mean 0: it was owed nothing and bought no stake): a lessee's rent, a backstop's or
    guarantee's calls, a take-or-pay fee. A MOIC of 0x would read as a total loss; its NPV
    is its cost. (An investor that lost everything has a loss, and keeps its 0x.)
``financed``
    The party is the deal's financed side (`FINANCED_SIDE`: the borrower of a loan, credit
    facility, vendor credit or guaranteed loan; the lessee of an SPV lease; the investee of
    equity; the cloud of a capacity backstop). What it gets over what it pays back is the
    price of its financing, not a return (a borrower that repays in shares has a large one).
``token``
    The median MOIC is above `TOKEN_MULTIPLE` (100x): on the median path the party put in
    under 1% of what it got back (a warrant bought for a cent), so the ratio measures the
    token outlay, not the deal. The note gives the multiple.

`REASON_TEXT` words each reason for the CLI's captions. A paired comparison of two runs
(``stress``, ``compare``, the dashboard's comparison) shows no MOIC difference for a pair
that either run shows as n/m (`unmeant_moic`): it would be the difference of two
meaningless numbers (a warrant bought for a cent differs by thousands of x).

The IRR is n/m too for a party that pays and gets nothing back and for an equity investee
(`irr_not_meaningful`); otherwise an IRR percentile beyond the bracket it is searched in
reads the same in every table (`chipcredit.report.irr_percentiles`: ``>1000%``, ``-100%``,
n/a where withheld; a dash where no path has one, never n/a).

NPV, IRR and MOIC count the horizon mark: what a position still held at the horizon (a stake,
a warrant's shares, a claim) is worth there, not cash received; a stake is priced on revenue
alone (docs/model.md, "Known simplifications"). Where that mark is most of the NPV
(`mark_matters`), the tables say so beside the figures without it (``npv_realised``,
``moic_realised``).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from typing import Any

from numpy.typing import ArrayLike

from chipcredit.analytics.closing import closed_paths
from chipcredit.analytics.json_summary import DEAL_EXTRAS
from chipcredit.analytics.result import Result
from chipcredit.analytics.unit import metric_unit

__all__ = ["EXTRAS", "FINANCED_SIDE", "INVESTEE_KINDS", "MARK_MATTERS", "MARK_SHOWN", "REASONS",
           "REASON_TEXT", "TOKEN_MULTIPLE", "closed_from_outcomes", "closed_shares", "extras_shown",
           "financed_parties", "finite", "first_reason", "irr_not_meaningful", "mark_counted",
           "mark_matters", "mark_value", "moic_reason", "pair_reason", "partial_share",
           "uncertain_close", "unmeant_moic", "unmeant_pair"]

MARK_MATTERS = 0.5
"""A mark worth more than this share of the mean NPV (in size) is named beside the row."""

MARK_SHOWN = 0.001
"""$B: a mark smaller than this ($1M, the report's finest amount) is not named."""

TOKEN_MULTIPLE = 100.0
"""A median MOIC above this (an outlay under 1% of what came back) is shown as n/m."""

FINANCED_SIDE = {"loan": "borrower", "credit_facility": "borrower", "vendor_credit": "borrower",
                 "loan_guarantee": "borrower", "spv_lease": "lessee", "equity": "investee",
                 "milestone_equity": "investee", "capacity_backstop": "cloud"}
"""Deal kind to the field of its scenario model that names the financed party."""

INVESTEE_KINDS = frozenset(k for k, side in FINANCED_SIDE.items() if side == "investee")
"""Deal kinds whose financed side issued shares (an equity investee): its IRR is n/m too."""

REASONS = ("pays_only", "financed", "token")
"""Why a MOIC is shown as n/m, in the order `moic_reason` tests them."""

REASON_TEXT = {
    "pays_only": "pays, gets nothing back (its NPV is the cost; IRR n/m too, the JSON keeps -100%)",
    "financed": "financed side (its multiple is the price of its financing)",
    "token": f"put in under {100 / TOKEN_MULTIPLE:g}% of what it got back",
}
"""Each of `REASONS` in the words of the CLI's captions (``chipcredit run``'s deals table,
the paired tables of ``stress`` and ``compare``); the HTML report and the dashboard say the
same in their language (``report.moic_nm_<reason>``)."""

_FORMATS = {"$B": "money", "M shares": "shares", "share": "fraction"}
EXTRAS = {name: _FORMATS[metric_unit(name)] for name in (*DEAL_EXTRAS, "tied_gross_profit")}
"""Outcomes some deal kinds report beside a party's cash metrics (the JSON summary's
`DEAL_EXTRAS`, in its order, then a vendor's ``tied_gross_profit``: its gross profit, $B,
on the sales the deal tied, which its NPV and MOIC leave out), to how their unit
(`chipcredit.analytics.unit`) is shown: ``money`` ($B), ``shares`` (millions) or
``fraction`` (a share of 1, shown as a percentage)."""


def financed_parties(deals: Iterable[Any]) -> set[tuple[str, str]]:
    """(deal, party) of each deal's financed side (`FINANCED_SIDE`).

    ``deals`` are the scenario's deal models (``Scenario.deals``).
    """
    out: set[tuple[str, str]] = set()
    for d in deals:
        field = FINANCED_SIDE.get(d.kind)
        party = getattr(d, field, None) if field else None
        if isinstance(party, str):
            out.add((d.id, party))
    return out


def finite(value: Any) -> float | None:
    """``value`` as a float when it is a finite number (not a bool), else None: a summary
    cell read from the JSON, a DataFrame or the run store."""
    if value is None or isinstance(value, bool):
        return None
    try:
        x = float(value)
    except (TypeError, ValueError):
        return None
    return x if math.isfinite(x) else None


def moic_reason(*, financed: bool, moic_mean: Any, moic_p50: Any, loss_mean: Any) -> str | None:
    """Why the party's MOIC is not meaningful (one of `REASONS`), or None to show it.

    Parameters
    ----------
    financed : the party is the deal's financed side (`financed_parties`)
    moic_mean, moic_p50 : the party's mean and median MOIC over the paths that have one
        (None or NaN where none has)
    loss_mean : $B, the party's mean loss over all paths
    """
    # a MOIC is never negative: a mean of 0 is 0 on every path that has one
    if finite(moic_mean) == 0.0 and finite(loss_mean) == 0.0:
        return "pays_only"
    if financed:
        return "financed"
    moic = finite(moic_p50)
    if moic is not None and moic > TOKEN_MULTIPLE:
        return "token"
    return None


def irr_not_meaningful(reason: str | None, kind: str | None) -> bool:
    """Whether a party's IRR is shown as n/m beside its n/m MOIC (``reason`` from
    `moic_reason`):

    - ``"pays_only"``: it pays and gets nothing back by what the deal is (a lessee's rent,
      a take-or-pay buyer's fees, a backstop's or guarantee's calls), so its flows only go
      out and its IRR is -100% on every path by definition, which would read as a total
      loss (the JSON keeps ``below_bracket`` and -1.0). A stake or a loan wiped out has a
      loss, is not ``pays_only``, and keeps its -100%;
    - ``"financed"`` in a deal of ``kind`` in which it issued shares (`INVESTEE_KINDS`): its
      flows are the money raised and the value of the shares it gave, so their rate is the
      cost of that equity, not a return (a borrower's IRR, the rate it pays, is still
      shown)."""
    return reason == "pays_only" or (reason == "financed" and kind in INVESTEE_KINDS)


def mark_value(npv_mean: Any, npv_realised_mean: Any) -> float | None:
    """$B: the mean over paths of the horizon mark's present value in a party's NPV (the mean
    ``npv`` less the mean ``npv_realised``: means add up, medians do not); None where either
    has no value."""
    npv, realised = finite(npv_mean), finite(npv_realised_mean)
    return None if npv is None or realised is None else npv - realised


def mark_counted(npv_mean: Any, npv_realised_mean: Any) -> bool:
    """Whether a party's NPV counts a horizon mark: the mark (`mark_value`) is at least
    `MARK_SHOWN` in size. A deal table with such a row says under it that its NPV, IRR and
    MOIC count the mark (``report.mark_note``: ``chipcredit run``, the HTML report, the
    dashboard).

    >>> mark_counted(1.0, 0.5), mark_counted(-1.0, -1.0004), mark_counted(None, 0.0)
    (True, False, False)
    """
    mark = mark_value(npv_mean, npv_realised_mean)
    return mark is not None and abs(mark) >= MARK_SHOWN


def mark_matters(npv_mean: Any, npv_realised_mean: Any) -> bool:
    """Whether a party's NPV rests mostly on the horizon mark, so that a table names the
    figures without it: the mark (`mark_value`) is at least `MARK_SHOWN` and more than
    `MARK_MATTERS` of the mean NPV in size (a mark larger than the NPV, as where the cash
    alone is a loss, counts).

    >>> mark_matters(23.93, -8.19), mark_matters(-1.48, -1.76), mark_matters(0.0, 0.0)
    (True, False, False)
    """
    mark = mark_value(npv_mean, npv_realised_mean)
    if mark is None or not mark_counted(npv_mean, npv_realised_mean):
        return False
    return abs(mark) > MARK_MATTERS * abs(float(npv_mean))


def pair_reason(result: Result, deal: str, party: str,
                financed: Collection[tuple[str, str]]) -> str | None:
    """`moic_reason` of one (deal, party) of ``result``, from the statistics its summary
    shows (`Result.describe`: the exact mean over the paths, the median over those with a
    value); ``financed`` as from `financed_parties`. None where the pair has no MOIC."""
    stats = _pair_stats(result, deal, party)
    return None if stats is None else moic_reason(financed=(deal, party) in financed, **stats)


def _pair_stats(result: Result, deal: str, party: str) -> dict[str, Any] | None:
    """The keyword arguments of `moic_reason` but ``financed`` (``moic_mean``, ``moic_p50``,
    ``loss_mean``) for one (deal, party) of ``result`` (`Result.describe`), or None where
    the pair has no MOIC."""
    key = f"deal|{deal}|{party}|"
    if key + "moic" not in result.outcomes:
        return None
    moic = result.describe(key + "moic")
    loss = result.describe(key + "loss") if key + "loss" in result.outcomes else {"mean": None}
    return {"moic_mean": moic["mean"], "moic_p50": moic["p50"], "loss_mean": loss["mean"]}


def first_reason(reasons: Iterable[str | None]) -> str | None:
    """The first of `REASONS`, in their order, among ``reasons`` (None among them is no
    reason), or None: the reason a pair of runs gives for a MOIC that either shows as n/m."""
    said = set(reasons)
    return next((r for r in REASONS if r in said), None)


def _multiple(value: Any) -> str:
    x = finite(value)
    return "—" if x is None else f"{x:.2f}x"


def unmeant_moic(base: Result, other: Result, multiple: Callable[[Any], str] = _multiple,
                 ) -> dict[tuple[str, str], tuple[str, str]]:
    """The (deal, party) pairs of both runs whose MOIC a deal table shows as n/m in either
    run, each with its reason (`first_reason` of the two runs') and the text a note adds
    after the pair: a token outlay's median multiples in both runs, ``A`` the base and ``B``
    the other, as ``" (A 26047.59x, B 9251.14x)"``; else "". A paired table or chart shows
    no MOIC difference for them.

    The financed side is either scenario's (`financed_parties`); the other tests are each
    run's own statistics (`pair_reason`), so a warrant bought for a cent is n/m when its
    median multiple is above `TOKEN_MULTIPLE` in either run.

    Parameters
    ----------
    base, other : the two runs of the comparison (``A``, ``B``)
    multiple : writes a median MOIC as text (default ``1.25x``, as ``chipcredit run``;
        the dashboard passes its language's)
    """
    financed = financed_parties(base.scenario.deals) | financed_parties(other.scenario.deals)
    out: dict[tuple[str, str], tuple[str, str]] = {}
    for key in base.outcomes:
        parts = key.split("|")
        if len(parts) != 4 or parts[0] != "deal" or parts[3] != "moic" or key not in other.outcomes:
            continue
        deal, party = parts[1], parts[2]
        sides = [_pair_stats(run, deal, party) or {} for run in (base, other)]
        if (got := unmeant_pair(sides, (deal, party) in financed, multiple)) is not None:
            out[(deal, party)] = got
    return out


def unmeant_pair(sides: Sequence[Mapping[str, Any]], financed: bool,
                 multiple: Callable[[Any], str] = _multiple) -> tuple[str, str] | None:
    """Whether a paired comparison shows no MOIC difference for one (deal, party), and the
    text its note adds: the rule of `unmeant_moic`, on statistics from anywhere (two
    `Result` objects, or a run and the run store's ``metrics`` rows).

    Parameters
    ----------
    sides : the pair's statistics in run ``A`` then run ``B``, each a mapping with
        ``moic_mean``, ``moic_p50`` (the MOIC's mean and median over the paths that have
        one) and ``loss_mean`` ($B, over all paths); a missing key or None is no value (a
        run without the pair's row is judged by ``financed`` alone)
    financed : the party is the deal's financed side in either run (`financed_parties`)
    multiple : writes a median MOIC as text (default ``1.25x``)

    Returns
    -------
    (reason, detail) or None
        The first reason of the two runs' (`first_reason` of their `moic_reason`); the
        detail is a token outlay's median multiples in both runs (``" (A 26047.59x,
        B 9251.14x)"``), else "". None where the MOIC means something in both runs.
    """
    reason = first_reason(
        moic_reason(financed=financed, moic_mean=side.get("moic_mean"),
                    moic_p50=side.get("moic_p50"), loss_mean=side.get("loss_mean"))
        for side in sides)
    if reason is None:
        return None
    if reason != "token":
        return reason, ""
    a, b = (multiple(side.get("moic_p50")) for side in sides)
    return reason, f" (A {a}, B {b})"


def extras_shown(stats: Mapping[str, Mapping[str, Any]], formats: Mapping[str, Callable[[Any], str]],
                 *, over_paths: bool) -> list[tuple[str, str, str | None]]:
    """The deal extras (`EXTRAS`) a deal table shows for one party, in `EXTRAS` order,
    with their values as text: ``(name, median, mean)``.

    Parameters
    ----------
    stats : extra name to the party's statistics of it (``mean`` and ``p50``, as in
        ``Result.summary()`` and `Result.describe`; in the extra's unit), for each extra
        the party has (an extra missing here is not one of its outcomes)
    formats : unit (``money``, ``fraction``, ``shares``: `EXTRAS`'s values) to the callable
        that writes a value of that unit (None where there is none) as text
    over_paths : the statistics are over Monte Carlo paths, not one deterministic path

    Returns
    -------
    list of (name, median text, mean text or None)
        The mean is given only ``over_paths`` (it differs from the median where few paths
        vest or convert: a conversion on 40% of the paths has a median stake of 0). An
        extra whose mean is 0 is left out: nothing vested, converted or was worth anything
        on any path. One whose mean has no value (NaN or None) is kept.
    """
    out = []
    for name, unit in EXTRAS.items():
        if name not in stats:
            continue
        mean = stats[name].get("mean")
        if finite(mean) == 0.0:
            continue
        write = formats[unit]
        out.append((name, write(stats[name].get("p50")), write(mean) if over_paths else None))
    return out


def uncertain_close(deals: Iterable[Any]) -> list[str]:
    """Ids of the deals whose ``close_probability`` is not a fixed 1 (they may not close)."""
    out = []
    for d in deals:
        chance = d.close_probability
        if not (getattr(chance, "dist", None) == "fixed" and finite(getattr(chance, "value", None)) == 1.0):
            out.append(d.id)
    return out


def closed_shares(result: Result) -> dict[str, float]:
    """For each deal that may not close (`uncertain_close`), the share of all paths on which
    it closed, judged by its flows: some party paid or received money in it there (a deal
    that closed but never moved money on a path counts as not closed there).

    Returns
    -------
    dict of deal id to share in [0, 1]
    """
    return closed_from_outcomes(result.scenario.deals, result.outcomes)


def closed_from_outcomes(deals: Iterable[Any], outcomes: Mapping[str, ArrayLike]) -> dict[str, float]:
    """`closed_shares` from per-path outcomes keyed as `Result.outcomes` (the run store's
    ``RunStore.outcomes`` gives them for its stored paths): the share of the paths on which
    a party of the deal has ``cash_in`` or ``cash_out`` above 0, for each deal of ``deals``
    (the scenario's deal models) that may not close and has such outcomes."""
    out = {}
    for deal in uncertain_close(deals):  # the per-path rule of the SPVs' credit figures
        closed = closed_paths(deal, outcomes)
        if closed is not None:
            out[deal] = float(closed.mean())
    return out


def partial_share(ranked_share: Any, nan_share: Any) -> float | None:
    """The share of the paths a statistic is over, when that is only some of them (strictly
    between 0 and 1), else None: the rule of the ``*`` in ``chipcredit run``, the HTML
    report and the dashboard. For an IRR the paths it ranks (``ranked_share``, when the
    summary has one), for any other metric those with a value (1 - ``nan_share``)."""
    ranked = finite(ranked_share)
    if ranked is not None:
        return ranked if 0.0 < ranked < 1.0 else None
    missing = finite(nan_share)
    return None if missing is None or missing <= 0.0 or missing >= 1.0 else 1.0 - missing
