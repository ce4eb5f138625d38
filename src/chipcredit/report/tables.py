"""HTML tables of the report: headline deals and parties, sensitivity, run metadata."""

from __future__ import annotations

import html
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from chipcredit._version import __version__
from chipcredit.analytics.irr_stats import BELOW_RANK, IRR_UPPER
from chipcredit.analytics.result import Result
from chipcredit.analytics.stats import describe

from .deal_odds import discount_rates, hypothetical_deals, path_odds
from .i18n import Catalogue
from .multiples import (
    EXTRAS,
    REASONS,
    closed_shares,
    extras_shown,
    financed_parties,
    irr_cell,
    irr_not_meaningful,
    mark_counted,
    mark_matters,
    mark_value,
    moic_reason,
    partial_share,
)
from .solvency import kind_label
from .theme import display_name
from .vendors import (
    BASE_CASE_COLUMNS,
    VENDOR_COLUMNS,
    horizon,
    outside_funding,
    unmodelled_funding,
    vendor_rows,
    vendors_caption,
)

__all__ = ["PARTIAL_MARK", "Cell", "deals_table", "irr_notes", "irr_text", "metadata_table", "net_position",
           "parties_table", "sensitivity_table", "table", "vendors_table"]

PARTIAL_MARK = "*"
"""Marks a median over only the paths where it has a value, as ``chipcredit run`` does."""

_VENDOR_HEADERS = ("report.col_revenue_p50", "report.col_revenue_mean", "report.col_self_funded_p50",
                   "report.col_self_funded_mean", "report.col_self_funded_share",
                   "report.col_unit_share_end")
"""Headers of the `VENDOR_COLUMNS`, in their order."""
_BASE_CASE_VENDOR_HEADERS = ("report.col_revenue_base", "report.col_self_funded_base",
                             "report.col_self_funded_share_base", "report.col_unit_share_end_base")
"""Headers of the `BASE_CASE_COLUMNS` (a deterministic run's one path), in their order."""


@dataclass(frozen=True)
class Cell:
    """One table cell: ``kind`` is ``num`` (right-aligned), ``data`` (text from the scenario,
    left as written: ids, sources) or ``""``."""

    text: str
    kind: str = ""


def table(headers: Sequence[str], rows: Sequence[Sequence[Cell]]) -> str:
    head = "".join(f"<th>{html.escape(h)}</th>" for h in headers)
    body = []
    for row in rows:
        cells = []
        for cell in row:
            attrs = {"num": ' class="num"', "data": ' class="data" translate="no"'}.get(cell.kind, "")
            cells.append(f"<td{attrs}>{html.escape(cell.text)}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def irr_text(cat: Catalogue, shown: tuple[str, float | None]) -> str:
    """An IRR percentile as `multiples.irr_shown` sees it, in the language of ``cat``: above
    the bracket ``>1000%`` (its bound), among the paths below it ``-100%``, withheld n/a,
    else the annual rate to three figures (as ``chipcredit run``'s ``irr_text``). The kind
    ``none`` (a table's own, for a row where no path has an IRR: `irr_shown` gives
    ``("value", None)``, n/a) reads ``report.no_value``, a dash, as in ``chipcredit run``."""
    kind, value = shown
    if kind == "none":
        return cat.t("report.no_value")
    if kind == "above" and value is not None:
        return cat.t("number.over", value=cat.t("number.percent", value=f"{value * 100:.0f}"))
    if kind == "below":
        return cat.percent(value, 3)
    if kind == "withheld":
        return cat.na()
    return cat.metric_value("irr", value)


def irr_notes(cat: Catalogue, kinds: set[str]) -> list[str]:
    """The notes under a table whose IRR cells (`irr_text`) show the ``kinds`` of
    `multiples.irr_shown` beyond a number (``above``, ``below``, ``withheld``), or ``none``
    (no path has an IRR): what each means, in that order."""
    bound = cat.t("number.percent", value=f"{IRR_UPPER * 100:.0f}")
    return [cat.t(f"report.irr_{kind}_note", value=irr_text(cat, (kind, value)), bound=bound)
            for kind, value in (("above", IRR_UPPER), ("below", BELOW_RANK), ("withheld", None),
                                ("none", None))
            if kind in kinds]


def deals_table(result: Result, cat: Catalogue) -> str:
    """Per deal and party: NPV 5th/50th/95th percentile, median IRR and MOIC, P(loss > 0),
    the share of paths with no IRR, and the deal's outcomes outside its cash metrics
    (`multiples.extras_shown`: a warrant's dilution cost and value, a conversion's shares;
    medians, and over paths the mean in brackets; those whose mean is not 0); then notes.

    A MOIC that means nothing for the party (`multiples.moic_reason`: it pays and gets
    nothing back, it is the financed side, or it put in a token amount) reads
    ``report.moic_nm``, and a note under the table names the parties of each reason; so does
    the IRR of a party that pays and gets nothing back or of an equity investee
    (`multiples.irr_not_meaningful`). The median IRR is the JSON summary's
    (`Result.describe`, which ranks the paths beyond the bracket), shown by `irr_text`:
    ``>1000%`` above the bracket, ``-100%`` among the paths whose flows only go out, n/a
    where withheld, a dash where no path has one, each with a note (`irr_notes`); a MOIC
    that no path has (nothing put in) is a dash too, with a note. P(loss > 0) and the share of paths with
    no IRR never read 0% or 100% unless none or all (`Catalogue.path_share`). The
    deterministic base case has one column per statistic (NPV, IRR, MOIC, no percentile),
    says whether its one path has a loss (yes or no, ``report.col_lost_deterministic``) and
    has no column of paths with no IRR. A deal
    that may not close and did not on every path (`multiples.closed_shares`) gets a note
    saying on what share of the paths it closed (in the base case: that it did not).

    NPV, IRR and MOIC count the horizon mark: where some row's NPV has one, a note says
    so, and another names each row whose mark is most of its mean NPV
    (`multiples.mark_matters`) with that NPV split into mark and cash and its median MOIC
    without the mark (``npv_realised``, ``moic_realised``).
    """
    kinds = {d.id: d.kind for d in result.scenario.deals}
    financed = financed_parties(result.scenario.deals)
    hypothetical = hypothetical_deals(result.scenario.deals)
    odds = path_odds(result.scenario.deals, result.outcomes)
    lost_value: list[str] = []  # NPV p50 below 0 with no deal loss on any path
    short = {m: cat.label("metric_short", m) for m in ("npv", "irr", "moic")}
    headers = [cat.t("report.col_deal"), cat.t("report.col_kind"), cat.t("report.col_party"),
               f"{short['npv']} {cat.t('report.col_p05')}", f"{short['npv']} {cat.t('report.col_p50')}",
               f"{short['npv']} {cat.t('report.col_p95')}", f"{short['irr']} {cat.t('report.col_p50')}",
               f"{short['moic']} {cat.t('report.col_p50')}", cat.t("report.col_p_loss"),
               cat.t("report.col_nan"), cat.t("report.col_extras")]
    rows = []
    unmeant: dict[str, list[str]] = {}
    beyond: set[str] = set()
    marks: list[str] = []
    marked = False  # some row's NPV counts a mark
    no_moic = False  # some row shows a MOIC that no path has
    partial: list[str] = []  # this row's statistics over only some paths
    partial_items: list[str] = []
    for deal, party in result.deal_parties():
        npv = describe(result.outcome(deal, party, "npv"))
        irr = result.outcome(deal, party, "irr")
        moic = describe(result.outcome(deal, party, "moic"))
        loss = result.outcome(deal, party, "loss")
        name = display_name(result, party, cat)
        reason = moic_reason(financed=(deal, party) in financed, moic_mean=moic["mean"],
                             moic_p50=moic["p50"], loss_mean=float(np.mean(loss)))
        irr_nm = irr_not_meaningful(reason, kinds.get(deal))
        if reason is not None:
            who = f"{deal} · {name}"
            unmeant.setdefault(reason, []).append(
                who + (f" ({cat.multiple(moic['p50'])})" if reason == "token" else ""))
            if irr_nm and reason == "financed":  # pays_only's note names the IRR too
                unmeant.setdefault("investee", []).append(who)
        # the statistics of the JSON summary and the CLI, which rank the paths beyond the
        # bracket (a median among paths above +1000% is not the median of the others)
        irr_stats = result.describe(f"deal|{deal}|{party}|irr")
        shown = irr_cell(irr_stats)  # none: a dash, not n/a
        # no IRR at all: neither solved nor known to lie beyond the bracket (a total loss,
        # -100%, is ranked: the histogram and the notes count it as an IRR)
        ranked = irr_stats.get("ranked_share")
        no_irr = (1.0 - float(ranked) if ranked is not None
                  else float(np.mean(~np.isfinite(irr))))
        moic_values = result.outcome(deal, party, "moic")
        # the `*` of chipcredit run: a median over only the paths with a value
        irr_part = partial_share(ranked, float(np.mean(~np.isfinite(irr))))
        moic_part = partial_share(None, float(np.mean(~np.isfinite(moic_values))))
        if not irr_nm and shown[0] != "value":
            beyond.add(shown[0])
        if reason is None and moic["p50"] is None:  # nothing put in on any path
            no_moic = True
        mark, mark_text = _mark(result, deal, party, name, moic["p50"] if reason is None else None, cat)
        marked = marked or mark
        if mark_text:
            marks.append(mark_text)
        if (npv["p50"] is not None and npv["p50"] < 0 and not np.any(loss > 0)
                and not result.deterministic):
            lost_value.append(cat.t("report.value_lost_item", deal=deal, party=name,
                                    npv=cat.money(npv["p50"]),
                                    share=cat.path_share(odds[(deal, party)]["npv_negative"])))
        rows.append([
            Cell(deal + (cat.t("report.hypothetical_mark") if deal in hypothetical else ""), "data"),
            Cell(cat.label("deal_kind", kinds.get(deal, ""))),
            Cell(name, "data"),
            Cell(cat.money(npv["p05"]), "num"), Cell(cat.money(npv["p50"]), "num"),
            Cell(cat.money(npv["p95"]), "num"),
            Cell(cat.t("report.moic_nm") if irr_nm
                 else irr_text(cat, shown) + _star(irr_part, shown[0] not in ("none", "withheld"),
                                                   "irr", cat, partial), "num"),
            Cell(cat.t("report.moic_nm") if reason is not None
                 else cat.t("report.no_value") if moic["p50"] is None
                 else cat.multiple(moic["p50"]) + _star(moic_part, True, "moic", cat, partial),
                 "num"),
            # residue is 0 already; one path has no share of paths: whether it lost
            Cell((cat.t("report.answer_yes") if bool(np.any(loss > 0)) else cat.t("report.answer_no"))
                 if result.deterministic else cat.path_share(float(np.mean(loss > 0))), "num"),
            Cell(cat.path_share(no_irr), "num"),
            Cell(_extras(result, deal, party, cat)),
        ])
        if partial:
            partial_items.append(cat.t("report.partial_item", deal=deal, party=name,
                                       shares=cat.t("number.list_separator").join(partial)))
            partial.clear()
    sep = cat.t("report.item_separator")
    notes = ([cat.t("report.hypothetical_note", deals=sep.join(hypothetical))]
             if hypothetical else [])
    notes += [cat.t(f"report.moic_nm_{r}", parties=sep.join(unmeant[r]))
              for r in REASONS if r in unmeant]
    if "investee" in unmeant:
        notes.append(cat.t("report.irr_nm_investee", parties=sep.join(unmeant["investee"])))
    notes += irr_notes(cat, beyond)
    if no_moic:
        notes.append(cat.t("report.moic_none_note", value=cat.t("report.no_value")))
    if partial_items:
        notes.append(cat.t("report.partial", mark=PARTIAL_MARK, items=sep.join(partial_items)))
    if marked:
        notes.append(cat.t("report.mark_note"))
    if marks:
        notes.append(cat.t("report.mark_matters", items=sep.join(marks)))
    for deal, share in closed_shares(result).items():
        if share < 1.0:
            notes.append(cat.t("report.not_closed_base", deal=deal) if result.deterministic
                         else cat.t("report.closed_share", deal=deal, share=cat.path_share(share, 3)))
    if lost_value:
        notes.append(cat.t("report.value_lost", items=sep.join(lost_value)))
    rates = discount_rates(result.scenario.parties)
    notes.append(cat.t("report.npv_rates", rates=sep.join(
        f"{display_name(result, p, cat)} {cat.percent(r)}" for p, (r, _) in rates.items()
        if any(p == q for _, q in result.deal_parties()))))
    if result.deterministic:  # one path: one NPV, not three equal percentile columns
        # and no share of paths: whether the path lost, and no column of paths with no IRR
        # (the IRR cell's dash says it has none)
        keep = [i for i in range(len(headers)) if i not in (3, 5, 9)]
        headers = [headers[i] for i in keep]
        headers[3:7] = [short["npv"], short["irr"], short["moic"], cat.t("report.col_lost_deterministic")]
        headers[-1] = cat.t("report.col_extras_deterministic")  # a value, not a median
        rows = [[row[i] for i in keep] for row in rows]
    return table(headers, rows) + "".join(f'<p class="note">{html.escape(n)}</p>' for n in notes)


def _star(share: float | None, has_value: bool, metric: str, cat: Catalogue,
          partial: list[str]) -> str:
    """`PARTIAL_MARK` for a median over only some of the paths (``share`` of them, from
    `multiples.partial_share`; None: all), with the note's item added to ``partial``; ""
    where it is over all paths or the cell shows no value."""
    if share is None or not has_value:
        return ""
    partial.append(f"{cat.label('metric_short', metric)} {cat.path_share(share)}")
    return PARTIAL_MARK


def _mark(result: Result, deal: str, party: str, name: str, moic: float | None,
          cat: Catalogue) -> tuple[bool, str]:
    """Whether the party's NPV in the deal counts a horizon mark (`multiples.mark_counted`),
    and, where that mark is most of its mean NPV (`multiples.mark_matters`), the note's item
    for it: the mean NPV split into mark and cash, and the median MOIC with and without the
    mark (``moic``: the row's median MOIC, None where the row shows none)."""
    key = f"deal|{deal}|{party}|"
    if key + "npv_realised" not in result.outcomes:
        return False, ""
    npv, realised = result.mean(key + "npv"), result.mean(key + "npv_realised")
    mark = mark_value(npv, realised)
    counted = mark_counted(npv, realised)
    if not mark_matters(npv, realised):
        return counted, ""
    values = {"deal": deal, "party": name, "npv": cat.money(npv), "mark": cat.money(mark),
              "cash": cat.money(realised)}
    if moic is None or key + "moic_realised" not in result.outcomes:
        return counted, cat.t("report.mark_item", **values)
    realised_moic = describe(result.outcome(deal, party, "moic_realised"))["p50"]
    return counted, cat.t("report.mark_item_moic", **values, moic=cat.multiple(moic),
                          realised=cat.multiple(realised_moic))


def _extras(result: Result, deal: str, party: str, cat: Catalogue) -> str:
    """The party's deal extras that a deal table shows (`multiples.extras_shown`: those whose
    mean is not 0): their median, and over paths their mean in brackets (a stake from a
    conversion on under half the paths has a median of 0); money in the language's unit,
    shares in millions, a stake as a percentage."""
    key = f"deal|{deal}|{party}|"
    # Result.describe: the statistics of the JSON summary and the CLI table
    stats = {name: result.describe(key + name) for name in EXTRAS if key + name in result.outcomes}
    formats: dict[str, Callable[[Any], str]] = {
        "money": cat.money, "fraction": cat.percent,
        "shares": lambda v: cat.t("report.shares_millions", value=cat.number(v))}
    out = []
    for name, p50, mean in extras_shown(stats, formats, over_paths=not result.deterministic):
        label = cat.t(f"report.extra_{name}")
        out.append(cat.t("report.extra_item", name=label, value=p50) if mean is None
                   else cat.t("report.extra_item_mean", name=label, value=p50, mean=mean))
    return cat.t("report.item_separator").join(out)


def _median(result: Result, party: str, metric: str, cat: Catalogue) -> str:
    key = f"party|{party}|{metric}"
    if key not in result.outcomes:
        return ""
    return cat.money(describe(result.outcomes[key])["p50"])


def parties_table(result: Result, cat: Catalogue) -> str:
    """Per party: its kind, its default probability (every party that can default: labs and
    clouds on their own balance sheet; blank for the others, which never default), median
    total revenue and median cash at the horizon. Each cell carries its unit. Where a party's
    cash is a net position (`net_position`: a cloud funded by its parent, a lender), a note
    under the table says so: it runs negative by what was put in or lent. A deterministic
    run's one path has no probability or median: whether the party defaults (yes or no),
    its revenue and its cash, under headers that name no statistic."""
    base = "_base" if result.deterministic else ""
    headers = [cat.t("report.col_party"), cat.t("report.col_kind"),
               cat.t(f"report.col_default{base}"), cat.t(f"report.col_revenue{base}"),
               cat.t(f"report.col_cash_end{base}")]
    rows = []
    for p in result.scenario.parties:
        share = result.default_probability(p.id) if p.can_default else None
        default = ("" if share is None
                   else cat.t("report.answer_yes" if share > 0 else "report.answer_no")
                   if result.deterministic else cat.path_share(share))
        rows.append([Cell(display_name(result, p.id, cat), "data"),
                     Cell(kind_label(p, cat)), Cell(default, "num"),
                     Cell(_median(result, p.id, "revenue_total", cat), "num"),
                     Cell(_median(result, p.id, "cash_end", cat), "num")])
    # a party's note is the scenario's own words, in English like its other free text, which
    # the Chinese page leaves out (it shows the scenario's names only)
    notes = [cat.t("report.party_note", party=display_name(result, p.id, cat), note=p.note)
             for p in result.scenario.parties if p.note and cat.lang == "en"]
    if any(net_position(p) for p in result.scenario.parties):
        notes.append(cat.t("report.funded_cash_note"))
    if any(p.kind == "vendor" for p in result.scenario.parties):
        notes.append(cat.t("report.vendor_cash_note"))
    return table(headers, rows) + "".join(f'<p class="note">{html.escape(n)}</p>' for n in notes)


def net_position(party: Any) -> bool:
    """Whether a party's cash at the horizon is a net position, not a balance: a cloud with
    ``balance_sheet: funded`` (its parent pays its bills, so its cash runs negative by what it
    was funded with) or a lender (it starts with no cash, so it runs negative by what it has
    lent and not yet got back)."""
    return party.kind == "lender" or (party.kind == "cloud"
                                      and getattr(party, "balance_sheet", "") == "funded")


def vendors_table(result: Result, cat: Catalogue) -> str:
    """Per vendor: total revenue, self-funded revenue (median and mean), the self-funded
    share (mean of the per-path shares) and the share of units at the horizon (median): the
    rows of `vendors.vendor_rows`, as the CLI's vendors table has them, then the note of what
    self-funded revenue counts. Empty for a scenario without vendors. A deterministic run's
    one path has each figure once (`BASE_CASE_COLUMNS`), under headers that name no
    statistic."""
    parties = [(p.id, p.kind) for p in result.scenario.parties]
    rows = vendor_rows(result.summary().to_dict("records"), parties,
                       deterministic=result.deterministic)
    if not rows:
        return ""
    columns, names = ((BASE_CASE_COLUMNS, _BASE_CASE_VENDOR_HEADERS) if result.deterministic
                      else (VENDOR_COLUMNS, _VENDOR_HEADERS))
    headers = [cat.t("report.col_party"), *(cat.t(h) for h in names)]
    body = []
    for row in rows:
        cells = [Cell(display_name(result, row.party, cat), "data")]
        for (metric, _, unit), value in zip(columns, row.values, strict=True):
            text = cat.na() if value is None else (
                cat.money(value) if unit == "money"
                # two decimals, as in the CLI: self-funded shares are fractions of 1%
                else cat.t("number.percent", value=f"{value * 100:.2f}") if metric.startswith("self")
                else cat.percent(value))
            cells.append(Cell(text, "num"))
        body.append(cells)
    note = vendors_caption(result.summary().to_dict("records"), parties,
                           unmodelled_funding(result.scenario), cat,
                           lambda party: display_name(result, party, cat),
                           outside=outside_funding(result.scenario), horizon=horizon(result.scenario))
    return table(headers, body) + f'<p class="note">{html.escape(note)}</p>'



_METRIC_COLUMNS = ("metric_low", "metric_high", "swing")
"""Columns of a tornado's table in the unit of its metric."""


def sensitivity_table(sensitivity: Any, cat: Catalogue) -> str:
    """The ranked parameters of a sensitivity run with their ranges and effects."""
    frame = sensitivity.table
    named = {"parameter": cat.t("report.col_parameter"), "low": cat.t("report.col_low"),
             "high": cat.t("report.col_high"), "metric_low": cat.t("report.col_metric_low"),
             "metric_high": cat.t("report.col_metric_high"), "swing": cat.t("report.col_swing")}
    columns = [c for c in frame.columns if c not in ("basis",)]
    rows = []
    for rec in frame.to_dict("records"):
        # the metric's values in its unit (a share price in $, P(default) in %); a parameter's
        # ends and an importance index as plain numbers
        rows.append([Cell(str(rec[c]), "data") if c == "parameter"
                     else Cell(cat.na() if rec[c] is None
                               else cat.path_value(sensitivity.metric, float(rec[c]))
                               if c in _METRIC_COLUMNS else cat.number(float(rec[c])), "num")
                     for c in columns])
    return table([named.get(c, c) for c in columns], rows)


def metadata_table(result: Result, cat: Catalogue) -> str:
    sc = result.scenario
    labels = result.quarter_labels()
    answer = cat.t("report.answer_yes") if result.deterministic else cat.t("report.answer_no")
    rows = [
        # the code that simulated the run (stamped on the Result), not the one writing the page
        ("report.meta_version", Cell(result.version or __version__, "num")),
        ("report.meta_code", Cell(result.code_sha256 or cat.na(), "data")),
        ("report.meta_scenario", Cell(sc.name, "data")),
        ("report.meta_description", Cell(sc.description, "data")),
        ("report.meta_sha", Cell(result.scenario_sha256, "data")),
        ("report.meta_paths", Cell(f"{result.paths:,}", "num")),
        ("report.meta_seed", Cell(str(result.seed), "num")),
        ("report.meta_deterministic", Cell(answer)),
        ("report.meta_start", Cell(labels[0], "num")),
        ("report.meta_quarters", Cell(str(sc.horizon_quarters), "num")),
        # in the catalogue's money unit ($B; 亿美元 is $0.1B), as its label says
        ("report.meta_imbalance",
         Cell(f"{result.max_abs_imbalance * cat.money_scale:.1e}", "num")),
    ]
    return table([cat.t("report.col_field"), cat.t("report.col_value")],
                 [[Cell(cat.t(key)), cell] for key, cell in rows])
