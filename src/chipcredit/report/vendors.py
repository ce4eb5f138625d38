"""The vendors table's numbers, shared by the CLI (``chipcredit run``, ``runs show``), the
HTML report and the dashboard's Overview, so the three show the same figures under the same
headings: each vendor's revenue, the part of it paid with its own money (self-funded
revenue), the mean of the per-path self-funded shares, and its share of units at the end.

The statistics come from `Result.summary` rows (or the same rows kept in the run store);
the caption under the table (what self-funded revenue counts and does not, over which paths
the unit share is taken, and the registry's vendor funding the scenario leaves out) is
`vendors_caption`, in the catalogues' words (`chipcredit.report.i18n`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from chipcredit.registry import registry_rows
from chipcredit.registry.network import LIVE_STATUSES

__all__ = ["BASE_CASE_COLUMNS", "VENDOR_COLUMNS", "Horizon", "VendorRow", "deal_dilution",
           "deal_outlay", "horizon", "hypothetical_note", "outside_funding", "pooled_share", "stat_value",
           "unmodelled_funding", "unsold_note", "vendor_rows", "vendors_caption"]

Horizon = tuple[str, str, int]
"""A scenario's horizon as its tables name it: first quarter, last quarter, quarters
(``("2025Q4", "2035Q3", 40)``)."""

_DATE = re.compile(r"(\d{4})(?:-(\d{2})(?:-\d{2})?)?")

VENDOR_COLUMNS: tuple[tuple[str, str, str], ...] = (
    ("revenue_total", "p50", "money"),
    ("revenue_total", "mean", "money"),
    ("self_funded_revenue", "p50", "money"),
    ("self_funded_revenue", "mean", "money"),
    ("self_funded_revenue_share", "mean", "share"),
    ("self_funded_revenue", "pooled", "share"),
    ("market_share_end", "p50", "share"),
)
"""The table's columns after the vendor: (summary metric, statistic, unit). The self-funded
share is the mean over paths of each path's share (its self-funded revenue over its
revenue), not the ratio of the two means beside it; the pooled share (statistic
``pooled``) is that ratio, all paths' self-funded revenue over all their revenue, the one
the table of self-funded revenue by year adds up to (the JSON summary's
``self_funded_share_pooled``); the market share is of units (GPUs
shipped over the last four quarters), not of dollars, and its median is over the paths on
which some vendor sold units then (a share of nothing has no value: the summary's
``nan_share`` of ``market_share_end`` gives the other paths)."""

BASE_CASE_COLUMNS: tuple[tuple[str, str, str], ...] = (
    ("revenue_total", "p50", "money"),
    ("self_funded_revenue", "p50", "money"),
    ("self_funded_revenue_share", "mean", "share"),
    ("market_share_end", "p50", "share"),
)
"""The columns of a deterministic run (the base case, one path): each of `VENDOR_COLUMNS`
once, as one path has one value, not a median beside an equal mean."""


@dataclass(frozen=True)
class VendorRow:
    """One vendor's row: its id and the `VENDOR_COLUMNS` (or `BASE_CASE_COLUMNS`) values in
    order ($B over the horizon, shares as fractions of 1; None where the summary has no such
    number)."""

    party: str
    values: tuple[float | None, ...]


def stat_value(row: Mapping[str, Any] | None, stat: str) -> float | None:
    """A statistic of a summary row (or a JSON figure), as a float; None where it is
    missing, not a number, or NaN."""
    if row is None:
        return None
    value = row.get(stat)
    if value is None:
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if number == number else None  # NaN is no value


def vendor_rows(summary: Sequence[Mapping[Any, Any]],
                parties: Sequence[tuple[str, str]], *,
                deterministic: bool = False) -> list[VendorRow]:
    """The vendors table's rows, one per party of kind ``vendor`` in the order given.

    Parameters
    ----------
    summary : `Result.summary` rows as mappings (deal, party, metric, mean, p05, p50, p95,
        ...); only a party's own rows (deal not a string) are read
    parties : (party id, kind) of the scenario's parties
    deterministic : whether the rows are of the one path of a deterministic run: their
        values are then those of `BASE_CASE_COLUMNS`, else of `VENDOR_COLUMNS`

    Returns
    -------
    list of VendorRow, empty for a scenario without vendors
    """
    columns = BASE_CASE_COLUMNS if deterministic else VENDOR_COLUMNS
    index = {(str(r["party"]), str(r["metric"])): r for r in summary
             if not isinstance(r.get("deal"), str)}
    return [VendorRow(party, tuple(pooled_share(index.get((party, metric)),
                                                index.get((party, "revenue_total")))
                                   if stat == "pooled" else stat_value(index.get((party, metric)), stat)
                                   for metric, stat, _ in columns))
            for party, kind in parties if kind == "vendor"]


def pooled_share(own: Mapping[str, Any] | None, revenue: Mapping[str, Any] | None) -> float | None:
    """All paths' self-funded revenue over all their revenue: the ratio of the two means
    (each a sum over paths over the paths), as the JSON summary's ``self_funded_share_pooled``
    and the by-year table's totals have it; None where either is missing or the revenue is
    0. Not the mean of the per-path shares (``self_funded_revenue_share``), which weighs a
    path of small sales as much as one of large ones."""
    num, den = stat_value(own, "mean"), stat_value(revenue, "mean")
    return None if num is None or not den else num / den


def horizon(scenario: Any) -> Horizon:
    """The horizon of ``scenario`` (its ``start`` and ``horizon_quarters``): first and last
    quarter and the number of quarters, which every total of the vendors table is over."""
    from chipcredit.scenario.cross_problem import quarter_label

    return (scenario.start, quarter_label(scenario, scenario.horizon_quarters - 1),
            int(scenario.horizon_quarters))


def _vendor_funding(scenario: Any, *, parties: bool) -> list[dict[str, Any]]:
    """The registry's live ``funds`` rows from a vendor of ``scenario``, dated on or after
    its start, that no deal of it links to: to one of its parties (``parties``) or to a
    company that is none of them (not ``parties``). For such a company its ``buys_from``
    rows count too, whatever their date: rent or a compute contract the vendor pays it (a
    leaseback) is money that keeps flowing to it after the start."""
    ids = {p.id for p in scenario.parties}
    vendors = {p.id for p in scenario.parties if p.kind == "vendor"}
    linked = {d.registry for d in scenario.deals if getattr(d, "registry", None)}
    year, quarter = int(scenario.start[:4]), int(scenario.start[-1])
    out: list[dict[str, Any]] = []
    for row in registry_rows():
        date = _DATE.fullmatch(row["date"])
        paid = not parties and row["relation"] == "buys_from"  # the vendor pays an outsider
        if ((row["relation"] != "funds" and not paid) or row["from"] not in vendors
                or (row["to"] in ids) is not parties
                or row["id"] in linked or row["status"] not in LIVE_STATUSES or date is None):
            continue
        y, month = int(date.group(1)), date.group(2)
        # a year alone counts as after the start only when it is a later year
        if not paid and (y, int(month) if month else 0) < (year, 3 * quarter - 2):
            continue
        out.append({"id": row["id"], "from": row["from"], "to": row["to"], "kind": row["kind"],
                    "amount": float(row["amount"]) if row["amount"] else None,
                    "date": row["date"]})
    return out


def unmodelled_funding(scenario: Any) -> list[dict[str, Any]]:
    """The deal registry's rows (`chipcredit.registry`) in which a vendor of ``scenario``
    funds (relation ``funds``: equity, credit) another of its parties, dated on or after the
    scenario's start and live (not abandoned: `chipcredit.registry.network.LIVE_STATUSES`),
    that no deal of the scenario links to (``registry:``): money the vendor put in that the
    scenario, and so its self-funded revenue, leaves out (seed-2025 has no deal for Nvidia's
    $30B of equity in OpenAI's Feb-2026 round). Money put in before the start is an opening
    balance, not this.

    Parameters
    ----------
    scenario : a loaded `Scenario` (its ``start``, ``parties`` and ``deals``)

    Returns
    -------
    list of dict
        ``id``, ``from``, ``to``, ``kind``, ``amount`` ($B, None where none was reported)
        and ``date`` (as reported), in the registry's order; empty when every such row has
        its deal. `vendors_caption` writes them in a catalogue's words.
    """
    return _vendor_funding(scenario, parties=True)


def outside_funding(scenario: Any) -> list[dict[str, Any]]:
    """The deal registry's rows in which a vendor of ``scenario`` funds a company that is
    not one of its parties (seed-2025: Nvidia's stakes in Nebius and Nscale), with the same
    filters and items as `unmodelled_funding`, or pays it under a contract of any date
    (Nvidia's leaseback from Lambda): money outside the model, since the company's
    purchases from the vendor are not among the scenario's flows, so none of its revenue
    from them can count as self-funded. The registry is the list: a stake it does not hold
    is outside too, and the caption says so."""
    return _vendor_funding(scenario, parties=False)


def deal_outlay(summary: Sequence[Mapping[Any, Any]], vendor: str) -> float | None:
    """The mean of what ``vendor`` puts into the scenario's deals over the horizon ($B): the
    sum over its deals of the mean of its ``cash_out`` (undiscounted; the mean of a sum is
    the sum of the means, so it is exact), or None where it is in no deal."""
    outs = [stat_value(r, "mean") for r in summary if isinstance(r.get("deal"), str)
            and str(r["party"]) == vendor and str(r["metric"]) == "cash_out"]
    numbers = [x for x in outs if x is not None]
    return float(sum(numbers)) if numbers else None


def deal_dilution(summary: Sequence[Mapping[Any, Any]], vendor: str) -> float | None:
    """The mean value of the shares ``vendor`` gives away through its deals' warrants ($B):
    the sum over its deals of the mean of its ``dilution_cost`` (each vested share's price
    less its strike at vesting, `chipcredit.deals.deployment_warrant`), or None where it has
    none or their mean is 0. Not cash, so neither its ``cash_out`` nor any NPV counts it
    (docs/design.md, "What a deal's metrics count"): the vendors note shows it beside the
    cash put in, so a warrant does not read as free."""
    costs = [stat_value(r, "mean") for r in summary if isinstance(r.get("deal"), str)
             and str(r["party"]) == vendor and str(r["metric"]) == "dilution_cost"]
    total = float(sum(x for x in costs if x is not None))
    return total if total != 0.0 else None


def unsold_note(summary: Sequence[Mapping[Any, Any]], parties: Sequence[tuple[str, str]],
                cat: Any) -> str:
    """The sentence that says over which paths the unit share is taken, or ``""`` where a
    vendor sold units on every path: the share of paths on which no vendor sold a unit in
    the last four quarters (the ``nan_share`` of the first vendor's ``market_share_end``,
    the same paths for every vendor), in ``cat``'s words (a `chipcredit.report.i18n`
    catalogue). The CLI, the report and the dashboard put it after ``report.vendors_note``.
    """
    vendors = [party for party, kind in parties if kind == "vendor"]
    rows = [r for r in summary if not isinstance(r.get("deal"), str) and vendors
            and str(r["party"]) == vendors[0] and str(r["metric"]) == "market_share_end"]
    share = stat_value(rows[0], "nan_share") if rows else None
    return cat.t("report.vendors_unsold", share=cat.path_share(share, 3)) if share else ""


def _items(funding: Sequence[Mapping[str, Any]], cat: Any, name: Callable[[str], str], *,
           parties: bool = True) -> str:
    """The items of `unmodelled_funding` (``parties``) or `outside_funding` in ``cat``'s
    words; a company that is not a party has no name in the scenario: its registry id."""
    return cat.t("report.item_separator").join(
        cat.t("report.vendors_unmodelled_item", id=f["id"], source=name(f["from"]),
              target=name(f["to"]) if parties else f["to"],
              kind=cat.label("deal_kind", f["kind"]), date=f["date"],
              amount="" if f["amount"] is None
              else cat.t("report.vendors_unmodelled_amount", amount=cat.money(f["amount"])))
        for f in funding)


def vendors_caption(summary: Sequence[Mapping[Any, Any]], parties: Sequence[tuple[str, str]],
                    unmodelled: Sequence[Mapping[str, Any]], cat: Any,
                    name: Callable[[str], str] = str, *, outside: Sequence[Mapping[str, Any]] = (),
                    horizon: Horizon | None = None,
                    hypothetical: Sequence[str] | set[str] | frozenset[str] = ()) -> str:
    """The caption under the vendors table, the same sentences in the same order wherever
    the table is shown (the HTML report, the dashboard's Overview, the CLI): the horizon
    its totals are over (``report.vendors_horizon``), what self-funded revenue counts and
    does not (``report.vendors_note``), where a lab buys from the vendors the other ratio,
    the share of its purchases the vendor's money in covers (``report.vendors_financed_note``),
    what each vendor puts into the scenario's deals
    beside what comes back (``report.vendors_outlay``; with the value of the shares its
    warrants give away, `deal_dilution`, where it has any), over which paths the unit share is
    taken where some had no sales (`unsold_note`), the registry's vendor funding the
    scenario leaves out (``report.vendors_unmodelled``) and the vendors' money in companies
    that are not parties (``report.vendors_outside``), each sentence only where it has
    something to say but the note.

    Parameters
    ----------
    summary : `Result.summary` rows as mappings (or the same rows from the run store)
    parties : (party id, kind) of the scenario's parties
    unmodelled : the items of `unmodelled_funding` (``id``, ``from``, ``to``, ``kind``,
        ``amount`` in $B or None, ``date``)
    cat : a `chipcredit.report.i18n` catalogue: the language, its money unit and deal kinds
    name : a party's name by its id (default: the id)
    outside : the items of `outside_funding`, as ``unmodelled``
    horizon : the scenario's `horizon` (None where the scenario is not at hand: the
        sentence is left out)
    hypothetical : the ids of the scenario's hypothetical deals
        (`chipcredit.report.deal_odds.hypothetical_deals`): after the outlay, the sentence
        of `hypothetical_note` names those each vendor is in (none where empty)

    Returns
    -------
    str
        Plain text, sentences joined by a space.
    """
    parts = []
    if horizon is not None:
        first, last, quarters = horizon
        parts.append(cat.t("report.vendors_horizon", first=first, last=last, quarters=quarters,
                           years=f"{quarters / 4:g}"))
    parts.append(cat.t("report.vendors_note"))
    vendors = [party for party, kind in parties if kind == "vendor"]
    if vendors and any(kind == "lab" for _, kind in parties):  # the analysts' other ratio
        parts.append(cat.t("report.vendors_financed_note"))
    index = {str(r["party"]): r for r in summary if not isinstance(r.get("deal"), str)
             and str(r["metric"]) == "self_funded_revenue"}
    outlays = []
    for v in vendors:
        out = deal_outlay(summary, v)
        if out is None or v not in index:
            continue
        back = cat.money(stat_value(index.get(v), "mean"))
        shares = deal_dilution(summary, v)
        if shares is None:
            item = cat.t("report.vendors_outlay_item", vendor=name(v), outlay=cat.money(out),
                         back=back)
        elif out == 0:  # "$0B put in plus shares" read as a typo: no cash, only shares
            item = cat.t("report.vendors_outlay_item_shares_only", vendor=name(v),
                         shares=cat.money(shares), back=back)
        else:
            item = cat.t("report.vendors_outlay_item_shares", vendor=name(v),
                         outlay=cat.money(out), shares=cat.money(shares), back=back)
        outlays.append(item)
    if outlays:
        parts.append(cat.t("report.vendors_outlay",
                           items=cat.t("report.item_separator").join(outlays)))
    pairs = [(str(r["deal"]), str(r["party"])) for r in summary if isinstance(r.get("deal"), str)]
    if hypothetical and (made_up := hypothetical_note(pairs, parties, hypothetical, cat, name)):
        parts.append(made_up)
    if unsold := unsold_note(summary, parties, cat):
        parts.append(unsold)
    if unmodelled:
        parts.append(cat.t("report.vendors_unmodelled", deals=_items(unmodelled, cat, name)))
    if outside:
        parts.append(cat.t("report.vendors_outside",
                           deals=_items(outside, cat, name, parties=False)))
    return " ".join(parts)


def hypothetical_note(pairs: Sequence[tuple[str, str]], parties: Sequence[tuple[str, str]],
                      hypothetical: Sequence[str] | set[str] | frozenset[str], cat: Any,
                      name: Callable[[str], str] = str) -> str:
    """The sentence of the vendors caption that names the hypothetical deals
    (``status: hypothetical``: no such deal is reported, every term assumed) each vendor is a
    party to, each marked as the deals table marks it (``report.hypothetical_mark``), ``""``
    where it is in none. The run does not split self-funded revenue by deal, so the
    sentence gives no share of it: it says so, and that the line by buyer marks the buyers
    in them.

    ``pairs`` are the run's (deal, party) pairs (`Result.deal_parties`, or the summary's
    deal rows), ``parties`` the scenario's (party id, kind)."""
    vendors = [party for party, kind in parties if kind == "vendor"]
    items = []
    for vendor in vendors:
        deals = list(dict.fromkeys(d for d, p in pairs if p == vendor and d in hypothetical))
        if deals:
            items.append(cat.t("report.vendors_hypothetical_item", vendor=name(vendor),
                               deals=cat.t("report.item_separator").join(
                                   d + cat.t("report.hypothetical_mark") for d in deals)))
    if not items:
        return ""
    return cat.t("report.vendors_hypothetical", items=cat.t("report.item_separator").join(items))
