"""The overview's deal table: the key metrics of every deal and party, and the notes under it.

A MOIC that means nothing for a party (it pays and gets nothing back, it is the deal's
financed side, or it put in a token amount: the rule of `chipcredit.report.multiples`, which
the ``chipcredit run`` table and the HTML report share) reads n/m, with the reason in a note
under the table; so does the IRR of a party that pays and gets nothing back or of an equity
investee. An IRR that no path has reads a dash, with the report's note, as in ``chipcredit
run`` and the HTML report (`chipcredit.report.irr_percentiles.irr_cell`); n/a is kept for a median
withheld. A statistic over only some of the paths carries `PARTIAL_MARK`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

import chipcredit as cc
from chipcredit.dashboard.names import party_name
from chipcredit.report.deal_odds import hypothetical_deals
from chipcredit.report.deal_table import (
    closed_given_note,
    closed_npv_note,
    milestone_tied_note,
    npv_rates_note,
    tied_pairs,
    value_lost_note,
    warrant_cost_note,
    warrant_costs,
)
from chipcredit.report.i18n import Catalogue
from chipcredit.report.irr_percentiles import irr_cell
from chipcredit.report.monte_carlo_error import share_error
from chipcredit.report.multiples import (
    REASONS,
    closed_shares,
    financed_parties,
    irr_not_meaningful,
    mark_counted,
    pair_reason,
)
from chipcredit.report.tables import irr_notes, irr_text

from .shares import PARTIAL_MARK, partial_shares, path_share_text

__all__ = ["KEY_METRICS", "closed_notes", "deal_notes", "deal_table", "loss_share_text", "marked",
           "moic_reasons", "party_names"]

KEY_METRICS = ("npv", "irr", "moic", "loss")
"""Deal metrics in the overview table."""
def moic_reasons(result: cc.Result) -> dict[tuple[str, str], str]:
    """(deal, party) to why its MOIC means nothing (one of `multiples.REASONS`, by
    `multiples.moic_reason`, as the CLI table and the HTML report decide), for the pairs
    whose MOIC means nothing."""
    financed = financed_parties(result.scenario.deals)
    out = {}
    for deal, party in result.deal_parties():
        reason = pair_reason(result, deal, party, financed)
        if reason is not None:
            out[(deal, party)] = reason
    return out


def party_names(result: cc.Result, T: Catalogue, *, short: bool = False) -> dict[str, str]:
    """Each party's name (its short name with ``short``) by its id, in ``T``'s language
    (`chipcredit.dashboard.names.party_name`)."""
    parties = result.scenario.parties
    return {p.id: party_name(p.id, parties, T, short=short) for p in parties}


def _irr_unmeant(result: cc.Result, reasons: dict[tuple[str, str], str]) -> set[tuple[str, str]]:
    """(deal, party) whose IRR reads n/m (`multiples.irr_not_meaningful`: it pays and gets
    nothing back, or it is an equity investee), as in the CLI table and the HTML report."""
    kinds = {d.id: d.kind for d in result.scenario.deals}
    return {pair for pair, reason in reasons.items() if irr_not_meaningful(reason, kinds.get(pair[0]))}


def _irr_cell(T: Catalogue, rec: Mapping[Any, Any], stat: str) -> tuple[str, str]:
    """An IRR statistic of a `Result.summary` row as the deal table shows it, and the kind of
    `irr_percentiles.irr_cell` (``value`` for the mean, which has no side): where no path has an
    IRR (kind ``none``) every statistic, the mean too, reads a dash (``report.no_value``),
    not n/a, which stands for a median withheld."""
    if stat == "mean":
        if pd.isna(rec["mean"]) and irr_cell(rec)[0] == "none":
            return irr_text(T, ("none", None)), "none"
        return T.metric_value("irr", rec["mean"]), "value"
    shown = irr_cell(rec, stat)
    return irr_text(T, shown), shown[0]


def _no_moic(rec: Mapping[Any, Any]) -> bool:
    """Whether no path has a MOIC in a `Result.summary` row (the party put nothing in): its
    mean, over the paths that have one, has no value."""
    return bool(pd.isna(rec["mean"]))


def deal_table(result: cc.Result, T: Catalogue) -> pd.DataFrame:
    """The key metrics of every deal and party (by its name), formatted for the language.
    A MOIC that means nothing for the party (`moic_reasons`) reads ``report.moic_nm`` (n/m)
    in every column, as in the CLI table and the HTML report, and so does the IRR of a party
    that pays and gets nothing back or of an equity investee
    (`multiples.irr_not_meaningful`); `deal_notes` says why. An IRR percentile beyond the
    bracket reads as the report has it (`chipcredit.report.tables.irr_text`: ``>1000%``,
    ``-100%``, n/a where withheld), and one that no path has a dash, as is a MOIC that no
    path has (the party put nothing in), as in the report. The last column is the CLI's
    and the report's P(loss > 0) (`loss_share_text`), on each pair's loss row."""
    names = party_names(result, T)
    hypothetical = hypothetical_deals(result.scenario.deals)  # marked, as in the report
    unmeant = moic_reasons(result)
    irr_nm = _irr_unmeant(result, unmeant)
    partial = partial_shares(result)
    table = result.summary()
    table = table[table["deal"].notna() & table["metric"].isin(KEY_METRICS)]
    lost = _loss_column(result, T)
    rows = []
    for rec in table.to_dict("records"):
        metric = str(rec["metric"])
        pair = (rec["deal"], rec["party"])
        nm = (metric == "moic" and pair in unmeant) or (metric == "irr" and pair in irr_nm)
        # over only some paths: marked, as the CLI marks it; `deal_notes` gives the share
        mark = PARTIAL_MARK if (rec["deal"], rec["party"], metric) in partial else ""
        stats = {}
        for stat in ("mean", "p05", "p50", "p95"):
            text, kind = (_irr_cell(T, rec, stat) if metric == "irr"
                          # a MOIC no path has (nothing put in): a dash, as in the report
                          else (T.t("report.no_value"), "none") if metric == "moic" and _no_moic(rec)
                          else (T.metric_value(metric, rec[stat]), "value"))
            known = pd.notna(rec[stat]) and kind != "withheld"
            stats[stat] = T.t("report.moic_nm") if nm else text + (mark if known else "")
        rows.append({
            T.t("report.col_deal"): str(rec["deal"]) + (T.t("report.hypothetical_mark")
                                                        if rec["deal"] in hypothetical else ""),
            T.t("report.col_party"): names.get(str(rec["party"]), str(rec["party"])),
            T.t("report.col_metric"): T.label("metric", metric),
            **{T.t(f"report.col_{stat}"): text for stat, text in stats.items()},
            lost: loss_share_text(result, T, str(rec["deal"]), str(rec["party"]))
            if metric == "loss" else "",
        })
    return pd.DataFrame(rows)


def _loss_column(result: cc.Result, T: Catalogue) -> str:
    """The header of the P(loss > 0) column, as the report's deals table has it: whether the
    one path lost (``report.col_lost_deterministic``) in the deterministic base case."""
    return T.t("report.col_lost_deterministic" if result.deterministic else "report.col_p_loss")


def loss_share_text(result: cc.Result, T: Catalogue, deal: str, party: str) -> str:
    """P(loss > 0) of ``party`` in ``deal``: the share of the paths on which its deal loss is
    above 0, as ``chipcredit run``'s deals table and the report's have it (losses below a
    dollar are 0 already), written as a share of paths (`path_share_text`) with its Monte
    Carlo standard error (`chipcredit.report.monte_carlo_error.share_error`); in the
    deterministic base case whether its one path lost (yes or no), as the report says."""
    try:
        loss = np.asarray(result.outcome(deal, party, "loss"))
    except cc.UsageError:  # as the CLI: a pair without a loss outcome has no share
        return T.na()
    if result.deterministic:
        return T.t("report.answer_yes" if bool(np.any(loss > 0)) else "report.answer_no")
    share = float(np.mean(loss > 0))  # with one Monte Carlo standard error after it
    return f"{path_share_text(T, share)} {share_error(share, result.paths)}".rstrip()


def deal_notes(result: cc.Result, T: Catalogue) -> list[str]:
    """The notes under the deal table: for each reason of `multiples.REASONS` some MOIC
    shows n/m for, the report's note (``report.moic_nm_<reason>``) naming its deals and
    parties (``deal · name``; a token outlay with its median multiple); what an IRR cell
    beyond a number means (`chipcredit.report.tables.irr_notes`: ``>1000%``, ``-100%``, n/a,
    a dash); that NPV, IRR and MOIC count the horizon mark where some row's NPV has one
    (`marked`, the report's ``report.mark_note``); the share of the paths behind each
    statistic marked `PARTIAL_MARK`; and `closed_notes`."""
    names = party_names(result, T)
    unmeant: dict[str, list[str]] = {}
    nm = moic_reasons(result)
    irr_nm = _irr_unmeant(result, nm)
    for (deal, party), reason in nm.items():
        who = f"{deal} · {names.get(party, party)}"
        if reason == "token":
            who += f" ({T.multiple(result.describe(f'deal|{deal}|{party}|moic')['p50'])})"
        unmeant.setdefault(reason, []).append(who)
        if reason == "financed" and (deal, party) in irr_nm:  # pays_only's note names the IRR
            unmeant.setdefault("investee", []).append(who)
    sep = T.t("report.item_separator")
    notes = [T.t(f"report.moic_nm_{r}", parties=sep.join(unmeant[r])) for r in REASONS if r in unmeant]
    if "investee" in unmeant:
        notes.append(T.t("report.irr_nm_investee", parties=sep.join(unmeant["investee"])))
    table = result.summary()
    beyond = {irr_cell(rec, stat)[0]
              for rec in table[(table["metric"] == "irr") & table["deal"].notna()].to_dict("records")
              if (rec["deal"], rec["party"]) not in irr_nm for stat in ("p05", "p50", "p95")}
    notes += irr_notes(T, beyond)
    if not result.deterministic:  # what the P(loss > 0) column's ± is
        notes.append(T.t("report.mc_error_note"))
    if any(_no_moic(rec) and (rec["deal"], rec["party"]) not in nm
           for rec in table[(table["metric"] == "moic") & table["deal"].notna()].to_dict("records")):
        notes.append(T.t("report.moic_none_note", value=T.t("report.no_value")))
    if marked(result):
        notes.append(T.t("report.mark_note"))
    shown = [(deal, party, metric, share)
             for (deal, party, metric), share in partial_shares(result).items()
             if metric in KEY_METRICS and not (metric == "moic" and (deal, party) in nm)
             and not (metric == "irr" and (deal, party) in irr_nm)]
    if shown:  # one item per deal and party, as the CLI groups them
        grouped: dict[tuple[str, str], list[str]] = {}
        for deal, party, metric, share in shown:
            grouped.setdefault((deal, party), []).append(
                f"{T.label('metric_short', metric)} {path_share_text(T, share)}")
        items = [T.t("dashboard.overview.partial_item", deal=deal, party=names.get(party, party),
                     shares=T.t("number.list_separator").join(shares))
                 for (deal, party), shares in grouped.items()]
        notes.append(T.t("dashboard.overview.partial", mark=PARTIAL_MARK, items=sep.join(items)))
    # at whose rate each NPV is, the report's note (one deal's flows read differently to two
    # parties), with the parties named as the table names them
    lost = value_lost_note(result, T, lambda party: names.get(party, party))
    tied = milestone_tied_note({d.id: d.kind for d in result.scenario.deals}, tied_pairs(result),
                               result.scenario.name, T, lambda party: names.get(party, party))
    given = warrant_cost_note(warrant_costs(result), T, lambda party: names.get(party, party))
    return [*notes, *closed_notes(result, T), *([tied] if tied else []),
            *([given] if given else []), *([lost] if lost else []),
            npv_rates_note(result, T, lambda party: names.get(party, party))]


def marked(result: cc.Result) -> bool:
    """Whether some row of the deal table has an NPV that counts a horizon mark
    (`multiples.mark_counted` on its mean ``npv`` and ``npv_realised``), so that the table
    says, as the report's and ``chipcredit run``'s do, that its NPV, IRR and MOIC count it
    (``report.mark_note``: claims alive at the horizon are marked to model)."""
    for deal, party in result.deal_parties():
        key = f"deal|{deal}|{party}|"
        if key + "npv_realised" in result.outcomes and \
                mark_counted(result.mean(key + "npv"), result.mean(key + "npv_realised")):
            return True
    return False


def closed_notes(result: cc.Result, T: Catalogue) -> list[str]:
    """The report's note for each deal that may not close and did not on every path
    (`chipcredit.report.multiples.closed_shares`): on what share of the paths it closed (in
    the base case, that it did not). Its figures count as 0 on the others, and it has no
    IRR or MOIC there, which is why they carry the `PARTIAL_MARK`; after it, the share of
    the paths on which it closed with a deal loss (`chipcredit.report.deal_table.closed_given_note`)
    and the mean NPV given it closed (`chipcredit.report.deal_table.closed_npv_note`)."""
    notes = []
    names = party_names(result, T)
    for deal, share in closed_shares(result).items():
        if share < 1.0:
            notes.append(T.t("report.not_closed_base", deal=deal) if result.deterministic
                         else T.t("report.closed_share", deal=deal, share=path_share_text(T, share)))
            given = closed_given_note(result, deal, T, lambda party: names.get(party, party))
            if given:
                notes.append(given)
            npv_given = closed_npv_note(result, deal, T, lambda party: names.get(party, party))
            if npv_given:
                notes.append(npv_given)
    return notes
