"""The report's headline deals table: per deal and party its NPV, IRR and MOIC percentiles,
P(loss > 0), the share of paths with no IRR and the deal's extras, then the notes that say
what its cells mean."""

from __future__ import annotations

import html
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import numpy as np

from chipcredit.analytics.deal_closed import deal_closed
from chipcredit.analytics.result import Result
from chipcredit.analytics.stats import describe

from .deal_odds import discount_rates, hypothetical_deals, path_odds
from .i18n import Catalogue
from .irr_percentiles import irr_cell
from .monte_carlo_error import money_error, share_error
from .multiples import (
    EXTRAS,
    REASONS,
    closed_shares,
    extras_shown,
    financed_parties,
    irr_not_meaningful,
    mark_counted,
    mark_matters,
    mark_value,
    moic_reason,
    partial_share,
)
from .tables import Cell, irr_notes, irr_text, table
from .theme import display_name

__all__ = ["PARTIAL_MARK", "closed_given_note", "closed_npv_note", "deals_table", "milestone_tied_note",
           "npv_rates_note", "tied_pairs", "value_lost_note", "warrant_cost_note", "warrant_costs"]

PARTIAL_MARK = "*"
"""Marks a median over only the paths where it has a value, as ``chipcredit run`` does."""


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
                 if result.deterministic  # a share with one Monte Carlo standard error after it
                 else f"{cat.path_share(float(np.mean(loss > 0)))} "
                      f"{share_error(float(np.mean(loss > 0)), result.paths)}".rstrip(), "num"),
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
    if not result.deterministic:  # what the P(loss > 0) column's and the marks' ± is
        notes.append(cat.t("report.mc_error_note"))
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
            given = closed_given_note(result, deal, cat)
            if given:
                notes.append(given)
            npv_given = closed_npv_note(result, deal, cat)
            if npv_given:
                notes.append(npv_given)
    tied = milestone_tied_note(kinds, tied_pairs(result), result.scenario.name, cat,
                               lambda party: display_name(result, party, cat))
    if tied:
        notes.append(tied)
    given = warrant_cost_note(warrant_costs(result), cat,
                              lambda party: display_name(result, party, cat))
    if given:
        notes.append(given)
    lost = value_lost_note(result, cat)
    if lost:
        notes.append(lost)
    notes.append(npv_rates_note(result, cat))
    if result.deterministic:  # one path: one NPV, not three equal percentile columns
        # and no share of paths: whether the path lost, and no column of paths with no IRR
        # (the IRR cell's dash says it has none)
        keep = [i for i in range(len(headers)) if i not in (3, 5, 9)]
        headers = [headers[i] for i in keep]
        headers[3:7] = [short["npv"], short["irr"], short["moic"], cat.t("report.col_lost_deterministic")]
        headers[-1] = cat.t("report.col_extras_deterministic")  # a value, not a median
        rows = [[row[i] for i in keep] for row in rows]
    return table(headers, rows) + "".join(f'<p class="note">{html.escape(n)}</p>' for n in notes)


def closed_given_note(result: Result, deal: str, cat: Catalogue,
                      name: Callable[[str], str] | None = None) -> str | None:
    """The note after a deal's ``report.closed_share`` note: for each of its rows with a
    entry in the JSON's ``given_closed`` (every party of the deal, as the CLI's "given it
    closed" line names them), the share of the
    paths on which the deal closed with a deal loss above 0 (`deal_odds.path_odds`'s
    ``loss_closed``), on the basis of the row's starred MOIC and IRR, where the row's
    P(deal loss > 0) is over all paths. None in the base case, for a deal that closed on
    every path or on none, and where no row has such odds. The report and the dashboard
    both show it.

    ``name`` gives a party's name from its id (default: the report's `display_name`)."""
    if result.deterministic:
        return None
    label = name if name is not None else (lambda party: display_name(result, party, cat))
    items = [cat.t("report.closed_given_item", party=label(party),
                   share=cat.path_share(figures["loss_probability"]))
             for party, figures in _given_closed(result, deal).items()]
    return (cat.t("report.closed_given", deal=deal,
                  items=cat.t("report.item_separator").join(items)) if items else None)


def closed_npv_note(result: Result, deal: str, cat: Catalogue,
                    name: Callable[[str], str] | None = None) -> str | None:
    """The note after `closed_given_note`: for the same rows, the mean NPV given the deal
    closed, with its Monte Carlo standard error after a ``±`` (none where every closed path
    has the same NPV) and its median (``report.closed_given_npv``;
    the JSON summary's ``deals.DEAL.given_closed.PARTY.npv``), where the row's NPV
    percentiles count the paths on which it did not close as 0. None where
    `closed_given_note` is None. The report and the dashboard both show it.

    ``name`` gives a party's name from its id (default: the report's `display_name`)."""
    if result.deterministic:
        return None
    label = name if name is not None else (lambda party: display_name(result, party, cat))
    items = []
    for party, figures in _given_closed(result, deal).items():
        npv = figures["npv"]
        shown = f"{cat.money(npv['mean'])} {money_error(npv['mean_se'], cat)}".rstrip()
        items.append(cat.t("report.closed_given_npv_item", party=label(party), npv=shown,
                           median=cat.money(npv["p50"])))
    return (cat.t("report.closed_given_npv", deal=deal,
                  items=cat.t("report.item_separator").join(items)) if items else None)


def _given_closed(result: Result, deal: str) -> dict[str, dict[str, Any]]:
    """The JSON summary's ``deals.DEAL.given_closed`` (`deal_closed.deal_closed`): every
    party the JSON gives (the lessee and the investee too, not only the rows with a
    meaningful MOIC), in the deal's party order; {} for a deal that closed on every path or
    on none."""
    means = {key: result.mean(key) for key in result.outcomes
             if key.startswith(f"deal|{deal}|") and key.endswith(("|npv", "|loss"))}
    entry = deal_closed(result.scenario.deals, deal, result.outcomes, means)
    if entry is None:
        return {}
    return {party: figures for party, figures in entry["given_closed"].items()
            if figures["loss_probability"] is not None}


def value_lost_note(result: Result, cat: Catalogue,
                    name: Callable[[str], str] | None = None) -> str | None:
    """The note under a deals table naming each row whose median NPV is below 0 while its
    deal loss is 0 on every path (``report.value_lost``: the party pays by what the deal is,
    a backstop's fees, a lessee's rent, or earns less than its discount rate), with its
    median NPV and the share of the paths on which the NPV is below 0; None where no row is
    so, and in the base case (one path, whose NPV the table shows). The report and the
    dashboard both show it.

    ``name`` gives a party's name from its id (default: the report's `display_name`)."""
    if result.deterministic:
        return None
    label = name if name is not None else (lambda party: display_name(result, party, cat))
    odds = path_odds(result.scenario.deals, result.outcomes)
    items = []
    for deal, party in result.deal_parties():
        npv = describe(result.outcome(deal, party, "npv"))
        if (npv["p50"] is not None and npv["p50"] < 0
                and not np.any(result.outcome(deal, party, "loss") > 0)):
            items.append(cat.t("report.value_lost_item", deal=deal, party=label(party),
                               npv=cat.money(npv["p50"]),
                               share=cat.path_share(odds[(deal, party)]["npv_negative"])))
    return cat.t("report.value_lost", items=cat.t("report.item_separator").join(items)) \
        if items else None


def tied_pairs(result: Result) -> list[tuple[str, str]]:
    """The (deal, party) rows whose ``tied_gross_profit`` a deal table shows: those that have
    one with a mean that is not 0 (`multiples.extras_shown`'s rule)."""
    out = []
    for deal, party in result.deal_parties():
        key = f"deal|{deal}|{party}|tied_gross_profit"
        if key in result.outcomes and result.mean(key) != 0.0:
            out.append((deal, party))
    return out


def milestone_tied_note(kinds: Mapping[str, str], tied: Iterable[tuple[str, str]],
                        scenario: str, cat: Catalogue,
                        name: Callable[[str], str] | None = None) -> str | None:
    """The note that says what a ``milestone_equity`` deal's ``tied_gross_profit`` is, for the
    CLI, the report and the dashboard alike (``report.tied_milestone``); None where no such
    row shows one.

    A milestone tranche arrives after the investee has deployed another unit of the vendor's
    capacity, and reimburses GPUs already bought (`chipcredit.deals.milestone_equity`): the
    tied figure is the gross profit on the sales the money was contingent on, not on sales it
    caused. So the note says so and gives the command that measures what the deal adds,
    ``chipcredit compare SCENARIO --without DEAL`` (``report.tied_milestone_command``).

    Parameters
    ----------
    kinds : deal id to its kind
    tied : the (deal, party) rows that show a ``tied_gross_profit`` (`tied_pairs`)
    scenario : the scenario's name, for the command
    cat : the language's catalogue
    name : a party's name from its id (default: the id)
    """
    rows = [(d, p) for d, p in tied if kinds.get(d) == "milestone_equity"]
    if not rows:
        return None
    label = name if name is not None else (lambda party: party)
    sep = cat.t("report.item_separator")
    command = cat.t("report.tied_milestone_command", scenario=scenario, deal=rows[0][0])
    return cat.t("report.tied_milestone", command=command,
                 items=sep.join(f"{d} · {label(p)}" for d, p in rows))


def warrant_costs(result: Result) -> list[tuple[str, str, float]]:
    """(deal, issuer, mean ``dilution_cost`` in $B) of each ``deployment_warrant`` whose
    issuer gave shares away on some path (a mean that is not 0)."""
    kinds = {d.id: d.kind for d in result.scenario.deals}
    out = []
    for deal, party in result.deal_parties():
        key = f"deal|{deal}|{party}|dilution_cost"
        if kinds.get(deal) == "deployment_warrant" and key in result.outcomes:
            mean = result.mean(key)
            if mean != 0.0:
                out.append((deal, party, float(mean)))
    return out


def warrant_cost_note(costs: Iterable[tuple[str, str, float]], cat: Catalogue,
                      name: Callable[[str], str] | None = None) -> str | None:
    """The note under a deals table that says what a warrant costs its issuer
    (``report.warrant_cost``), for the CLI, the report and the dashboard alike; None where no
    issuer gave shares away.

    A warrant's issuer pays no cash, so its NPV and MOIC, which count cash only
    (docs/design.md, "What a deal's metrics count"), read 0 and none: the row looks free.
    Its cost is the value of the shares it gives away at vesting, ``dilution_cost``.

    Parameters
    ----------
    costs : (deal, issuer, mean dilution cost in $B), as `warrant_costs` gives them
    cat : the language's catalogue
    name : a party's name from its id (default: the id)
    """
    rows = list(costs)
    if not rows:
        return None
    label = name if name is not None else (lambda party: party)
    return cat.t("report.warrant_cost", items=cat.t("report.item_separator").join(
        cat.t("report.warrant_cost_item", deal=d, party=label(p), value=cat.money(v))
        for d, p, v in rows))


def npv_rates_note(result: Result, cat: Catalogue,
                   name: Callable[[str], str] | None = None) -> str:
    """The note under a deals table that says at whose rate each NPV is (``report.npv_rates``):
    every party of some deal, once and in scenario order, with its discount rate (effective
    annual, an uncertain one at its median, `deal_odds.discount_rates`). The report and the
    dashboard both show it, so they name the same rates.

    ``name`` gives a party's name from its id (default: the report's `display_name`)."""
    label = name if name is not None else (lambda party: display_name(result, party, cat))
    dealt = {party for _, party in result.deal_parties()}
    return cat.t("report.npv_rates", rates=cat.t("report.item_separator").join(
        f"{label(p)} {cat.percent(r)}" for p, (r, _) in discount_rates(result.scenario.parties).items()
        if p in dealt))


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
    for it: the mean NPV (over paths with its Monte Carlo standard error and median,
    ``report.mark_error``) split into mark and cash, and the median MOIC with and without the
    mark (``moic``: the row's median MOIC, None where the row shows none)."""
    key = f"deal|{deal}|{party}|"
    if key + "npv_realised" not in result.outcomes:
        return False, ""
    npv, realised = result.mean(key + "npv"), result.mean(key + "npv_realised")
    mark = mark_value(npv, realised)
    counted = mark_counted(npv, realised)
    if not mark_matters(npv, realised):
        return counted, ""
    shown = cat.money(npv)
    if not result.deterministic:  # a mean over paths is a draw: its s.e., and the median
        stats = result.describe(key + "npv")
        shown = cat.t("report.mark_error", npv=shown, se=money_error(stats["mean_se"], cat),
                      median=cat.money(stats["p50"]))
    values = {"deal": deal, "party": name, "npv": shown, "mark": cat.money(mark),
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
    milestone = any(d.id == deal and d.kind == "milestone_equity" for d in result.scenario.deals)
    for name, p50, mean in extras_shown(stats, formats, over_paths=not result.deterministic):
        # a milestone tranche reimburses GPUs already bought (`milestone_tied_note`)
        label = cat.t(f"report.extra_{name}_milestone" if milestone and name == "tied_gross_profit"
                      else f"report.extra_{name}")
        out.append(cat.t("report.extra_item", name=label, value=p50) if mean is None
                   else cat.t("report.extra_item_mean", name=label, value=p50, mean=mean))
    return cat.t("report.item_separator").join(out)
