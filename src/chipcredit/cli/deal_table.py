"""The deals table of ``chipcredit run`` and ``runs show``: what each party gets from each deal.

One row per (deal, party): median NPV, IRR and MOIC, mean loss and the share of paths with a
loss, with a caption that says which statistics are over only some of the paths, which MOIC
(or IRR) means nothing and why, what an IRR beyond the bracket reads as, that NPV, IRR and
MOIC count the horizon mark (with the figures without it where the mark is most of the NPV),
the deal extras outside the cash metrics, and the deals that did not close on every path.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping

from rich.table import Table
from rich.text import Text

import chipcredit as cc
from chipcredit.report.deal_odds import PathOdds
from chipcredit.report.deal_table import milestone_tied_note, warrant_cost_note
from chipcredit.report.i18n import catalogue
from chipcredit.report.monte_carlo_error import money_error, share_error
from chipcredit.report.multiples import (
    REASON_TEXT,
    REASONS,
    extras_shown,
    irr_not_meaningful,
    mark_counted,
    mark_matters,
    mark_value,
    moic_reason,
    partial_share,
)

from .captions import NotedTable
from .formats import (
    ABOVE_BRACKET,
    DASH,
    TOTAL_LOSS,
    WITHHELD,
    finite,
    irr_text,
    money,
    multiple,
    path_share,
    percent,
    shares,
    yes_no,
)
from .summary_index import Index, Summary, summary_index, summary_stat

__all__ = ["BEYOND_TEXT", "INVESTEE_TEXT", "NOT_MEANINGFUL", "PARTIAL", "deals_table"]

PARTIAL = "*"
"""Marks a statistic of the deals table taken over only the paths where it has a value."""
NOT_MEANINGFUL = "n/m"
"""Stands for a MOIC that means nothing for the party (`chipcredit.report.multiples`)."""
_DEAL_COLUMNS = (("npv", "p50", money, "NPV"), ("irr", "p50", percent, "IRR"),
                 ("moic", "p50", multiple, "MOIC"), ("loss", "mean", money, "loss"))


def _partial(index: Index, deal: str, party: str, metric: str) -> float | None:
    """The share of paths behind a statistic when it is over part of them (else None): for
    an IRR the paths it ranks (`irr_text`), for any other metric those with a value."""
    return partial_share(summary_stat(index, deal, party, metric, "ranked_share"),
                         summary_stat(index, deal, party, metric, "nan_share"))


def _moic_reason(index: Index, deal: str, party: str,
                 financed: Collection[tuple[str, str]]) -> str | None:
    return moic_reason(financed=(deal, party) in financed,
                       moic_mean=summary_stat(index, deal, party, "moic", "mean"),
                       moic_p50=summary_stat(index, deal, party, "moic", "p50"),
                       loss_mean=summary_stat(index, deal, party, "loss", "mean"))


def _extras(index: Index, deal: str, party: str, over_paths: bool) -> list[str]:
    """The deal extras the party shows (`chipcredit.report.multiples.extras_shown`: those
    whose mean is not 0): ``name p50`` ($B, millions of shares with ``m``, or a percentage),
    with the mean in brackets over paths (it differs where few paths convert)."""
    stats = {name: row for (d, p, name), row in index.items() if d == deal and p == party}
    shown = extras_shown(stats, {"money": money, "fraction": percent, "shares": shares},
                         over_paths=over_paths)
    return [f"{name} {p50}" + (f" (mean {mean})" if mean is not None else "")
            for name, p50, mean in shown]


def _mark_line(index: Index, deal: str, party: str, moic_shown: bool,
               deterministic: bool) -> str | None:
    """The caption's line for a row whose NPV rests mostly on the horizon mark
    (`chipcredit.report.multiples.mark_matters`): its mean NPV (over paths with its Monte
    Carlo standard error and the median: a few paths can carry most of a mean) split into
    the mark and the cash, and its median MOIC with and without the mark (``moic_shown``: the row shows one);
    None for any other row."""
    npv = summary_stat(index, deal, party, "npv", "mean")
    realised = summary_stat(index, deal, party, "npv_realised", "mean")
    if not mark_matters(npv, realised):
        return None
    shown = money(npv)
    if not deterministic:  # a mean over paths is itself a draw: its s.e., and the median
        se = money_error(finite(summary_stat(index, deal, party, "npv", "se")))
        shown = (f"{shown} {se} (one s.e.; " if se else f"{shown} (") + \
            f"median {money(summary_stat(index, deal, party, 'npv', 'p50'))})"
    line = (f"  {deal} {party}: {'NPV' if deterministic else 'mean NPV'} {shown}, of which "
            f"mark {money(mark_value(npv, realised))} and cash {money(realised)}")
    moic = summary_stat(index, deal, party, "moic", "p50")
    if moic_shown and finite(moic) is not None:
        line += (f"; MOIC{'' if deterministic else ' p50'} {multiple(moic)}, without the mark "
                 f"{multiple(summary_stat(index, deal, party, 'moic_realised', 'p50'))}")
    return line


MONTE_CARLO_HEADERS = ("NPV\np50", "IRR\np50", "MOIC\np50", "deal loss\nmean", "P(deal\nloss>0)")
"""The deals table's value columns over many paths: medians, the mean loss, the share of
paths with a loss."""
DETERMINISTIC_HEADERS = ("NPV", "IRR", "MOIC", "deal\nloss", "deal\nloss > 0")
"""The same columns over the one path of the deterministic base case: its values, and
``yes`` or ``no`` for whether it has a loss."""


def deals_table(summary: Summary, kinds: Mapping[str, str],
                p_loss: Mapping[tuple[str, str], float | None], over: str, *,
                financed: Collection[tuple[str, str]] = (),
                closed: Mapping[str, float] | None = None, deterministic: bool = False,
                hypothetical: Collection[str] = (),
                rates: Mapping[str, tuple[float, bool]] | None = None,
                odds: Mapping[tuple[str, str], PathOdds] | None = None,
                scenario: str = "SCENARIO", paths: int | None = None) -> Table:
    """Rows (deal, party); the deal's kind under its name. Fits 80 columns for short ids.

    ``p_loss`` is the share of paths with a loss, per (deal, party); ``over`` says what the
    medians are over ("medians over 2,000 paths"). A ``deterministic`` run's one path has
    no medians, means or shares: its columns are headed `DETERMINISTIC_HEADERS` (``NPV``,
    ``loss``, ...), and the last says ``yes`` or ``no``. A statistic over only the paths where
    the metric has a value (rows with ``nan_share`` above 0) is marked with `PARTIAL`, and
    the caption says over what share of the paths it is. The mean loss carries its Monte
    Carlo standard error (the summary rows' ``se``), and P(deal loss>0) its own over
    ``paths`` (the run's paths; none without them), after a ``±``
    (`chipcredit.report.monte_carlo_error`), with a caption line that says what ± is.

    A MOIC that means nothing for the party is shown as `NOT_MEANINGFUL`, and the caption
    says why (the rules of `chipcredit.report.multiples.moic_reason`; ``financed`` holds the
    (deal, party) of each deal's financed side, `financed_parties`); the IRR too where
    `chipcredit.report.multiples.irr_not_meaningful` says so (a party that pays and gets
    nothing back by what the deal is, an equity investee). An IRR median beyond the bracket
    reads as `irr_text` has it, with a line of the caption; so does an IRR or MOIC that no
    path has (a dash), in the words of the HTML report's notes. The caption also lists
    the deal extras of the summary (a warrant's ``dilution_cost`` and ``warrant_value``, a
    conversion's ``conversion_stake``, ...: outside the cash metrics) and, for each deal in
    ``closed`` (deal to the share of paths on which it closed, `closed_shares`) that did
    not close on every path, on what share it did (``deterministic``: the base case).

    A deal in ``hypothetical`` (`chipcredit.report.deal_odds.hypothetical_deals`) is marked
    under its name and named in the caption. ``rates`` (party to its discount rate and
    whether it is uncertain, `chipcredit.report.deal_odds.discount_rates`) gives the line
    that says at whose rate each NPV is. ``odds`` (`chipcredit.report.deal_odds.path_odds`)
    gives the rows that lose value with no deal loss their share of paths with NPV < 0, and
    a deal that closed on only some paths its odds given it closed. ``scenario`` (its name)
    goes into the command that the note on a ``milestone_equity`` deal's
    ``tied_gross_profit`` gives (`chipcredit.report.deal_table.milestone_tied_note`).
    """
    index = summary_index(summary)
    pairs: list[tuple[str, str]] = []
    for row in summary:
        if isinstance(row["deal"], str) and (row["deal"], row["party"]) not in pairs:
            pairs.append((row["deal"], str(row["party"])))
    table = NotedTable(title=f"What each party gets from each deal ($B; {over})",
                  title_justify="left", caption_justify="left")
    table.add_column("deal", overflow="fold")
    table.add_column("party", no_wrap=True)
    # one path has no median, no mean and no share of paths: its value, and whether it lost
    for header in (DETERMINISTIC_HEADERS if deterministic else MONTE_CARLO_HEADERS):
        table.add_column(header, justify="right", no_wrap=True)
    rows: list[tuple[Text, str, list[str], str, bool]] = []
    notes: dict[str, list[str]] = {}
    unmeant: dict[str, list[str]] = {}
    extras: dict[str, list[str]] = {}
    tied: list[tuple[str, str]] = []  # rows that show a tied_gross_profit
    beyond: set[str] = set()
    empty: set[str] = set()  # "irr", "moic": some row shows a dash, no path having one
    marks: list[str] = []
    shown_error = False  # some cell carries a Monte Carlo standard error (±)
    marked = False  # some row's NPV counts a mark
    for i, (deal, party) in enumerate(pairs):
        group = [j for j, (d, _) in enumerate(pairs) if d == deal]
        position = group.index(i)
        kind = kinds.get(deal) or "?"
        if position == 0:
            label = Text(deal if len(group) > 1 else f"{deal} ({kind})")
        elif position == 1:
            label = Text(f"({kind})", style="dim")
        else:
            label = Text("")
        if deal in hypothetical and position == min(1, len(group) - 1):
            # under its kind: a deal no report describes must not read as a real one
            label.append(f"\n{HYPOTHETICAL_MARK}", style="bold")
        reason = _moic_reason(index, deal, party, financed)
        if reason is not None:
            moic = multiple(summary_stat(index, deal, party, "moic", "p50"))
            unmeant.setdefault(reason, []).append(
                f"{deal} {party}" + (f" ({moic})" if reason == "token" else ""))
        irr_nm = irr_not_meaningful(reason, kinds.get(deal))
        if irr_nm and reason == "financed":  # pays_only's own line names the IRR too
            unmeant.setdefault("investee", []).append(f"{deal} {party}")
        cells: list[str] = []
        partial: list[str] = []
        for metric, stat, fmt, name in _DEAL_COLUMNS:
            if (metric == "moic" and reason is not None) or (metric == "irr" and irr_nm):
                cells.append(NOT_MEANINGFUL)
                continue
            text = (irr_text(summary_stat(index, deal, party, metric, stat),
                             summary_stat(index, deal, party, metric, "ranked_share"))
                    if metric == "irr" else fmt(summary_stat(index, deal, party, metric, stat)))
            if text in (ABOVE_BRACKET, TOTAL_LOSS, WITHHELD) and metric == "irr":
                beyond.add(text)
            if text == DASH and metric in ("irr", "moic") and (deal, party, metric) in index:
                empty.add(metric)  # the summary has the metric and no path has a value
            if metric == "loss" and not deterministic:  # a mean: its Monte Carlo s.e. after it
                error = money_error(finite(summary_stat(index, deal, party, "loss", "se")))
                text = f"{text} {error}".rstrip()
                shown_error = shown_error or bool(error)
            share = _partial(index, deal, party, metric)
            if share is not None and text not in (DASH, WITHHELD):
                text += PARTIAL
                partial.append(f"{name} {path_share(share)}")
            cells.append(text)
        if partial:
            notes.setdefault(deal, []).append(f"{party} {', '.join(partial)}")
        # the report's and the dashboard's rule for the note that a table counts a mark
        marked = marked or mark_counted(summary_stat(index, deal, party, "npv", "mean"),
                                        summary_stat(index, deal, party, "npv_realised", "mean"))
        if (line := _mark_line(index, deal, party, reason is None, deterministic)) is not None:
            marks.append(line)
        extra = _extras(index, deal, party, over_paths=not deterministic)
        if kind == "milestone_equity":  # the tranches follow sales; they do not cause them
            extra = [item + " on sales made before the money came (see below)"
                     if item.startswith("tied_gross_profit ") else item for item in extra]
        if extra:
            extras.setdefault(deal, []).append(f"{party} {', '.join(extra)}")
            if any(item.startswith("tied_gross_profit ") for item in extra):
                tied.append((deal, party))
        lost = p_loss.get((deal, party))
        error = "" if deterministic else share_error(finite(lost), paths)
        shown_error = shown_error or bool(error)
        rows.append((label, party, cells, (yes_no(lost) if deterministic
                                           else f"{path_share(lost)} {error}".rstrip()),
                     position == len(group) - 1))
    for label, party, cells, p_pos, last in rows:
        if notes:  # a blank where others have the marker keeps the digits in line
            cells = [c if c.endswith(PARTIAL) else c + " " for c in cells]
        table.add_row(label, Text(party), *cells, p_pos, end_section=last)
    caption: list[str] = []
    if shown := [d for d in dict.fromkeys(d for d, _ in pairs) if d in hypothetical]:
        caption.append(f"{HYPOTHETICAL_MARK}: {HYPOTHETICAL_TEXT}: {', '.join(shown)}")
    if unmeant:
        caption.append(f"{NOT_MEANINGFUL} MOIC not meaningful (the JSON summary keeps it):")
        caption += [f"  {REASON_TEXT[r]}: {'; '.join(unmeant[r])}" for r in REASONS if r in unmeant]
        if "investee" in unmeant:
            caption.append(f"{NOT_MEANINGFUL} IRR as well for {INVESTEE_TEXT}: "
                           f"{'; '.join(unmeant['investee'])}")
    if notes:
        table.title = f"What each party gets from each deal ($B; {over}, {PARTIAL} over fewer)"
        caption += ([f"{PARTIAL} over only the paths where the metric has a value (its nan_share in "
                     "the JSON summary and the run store is the rest; an IRR also ranks the paths "
                     "whose IRR lies beyond the bracket); the share of paths with one:"]
                    + [f"  {deal}: {'; '.join(items)}" for deal, items in notes.items()])
    caption += [BEYOND_TEXT[t] for t in (ABOVE_BRACKET, TOTAL_LOSS, WITHHELD) if t in beyond]
    # the HTML report's notes for the same dashes, in its words
    caption += [catalogue("en").t(f"report.{m}_none_note", value=DASH)
                for m in ("irr", "moic") if m in empty]
    if marked:
        caption.append(_MARK_TEXT + (" Where the mark is over half the " + ("NPV" if deterministic
                                     else "mean NPV") + ", without it (npv_realised and "
                                     "moic_realised in the JSON):" if marks else ""))
        caption += marks
    if extras:
        caption.append("Outside the cash metrics above (" + ("base case" if deterministic else "p50")
                       + "; $B, shares in millions, stakes in %):")
        caption += [f"  {deal}: {'; '.join(items)}" for deal, items in extras.items()]
        if any("tied_gross_profit" in item for items in extras.values() for item in items):
            caption.append("  tied_gross_profit: the vendor's gross profit on the sales the deal "
                           "tied (its NPV and MOIC count only the deal's own cash)")
            # the report's and the dashboard's note, in the same words
            milestone = milestone_tied_note(kinds, tied, scenario, catalogue("en"))
            if milestone:
                caption.append(f"  {milestone}")
    # a warrant's issuer pays no cash: its row reads 0, so the note says what it gave away
    warrants = warrant_cost_note(
        [(d, p, cost) for d, p in pairs if kinds.get(d) == "deployment_warrant"
         and (cost := summary_stat(index, d, p, "dilution_cost", "mean"))], catalogue("en"))
    if warrants:
        caption.append(warrants)
    unclosed = {d: s for d, s in (closed or {}).items() if s < 1.0 and d in kinds}
    if unclosed and deterministic:
        caption.append("Did not close in the base case (no party pays or receives in it, so "
                       f"its figures are 0, or {DASH}): {', '.join(unclosed)}")
    elif unclosed:
        caption.append("Closed on only some paths (where a party pays or receives in it; on "
                       "the others its figures count as 0, and IRR and MOIC have none: so the "
                       "row's NPV and deal loss are over all paths, its starred IRR and MOIC "
                       "over those where it closed, and the odds given it closed are these):")
        for deal, share in unclosed.items():
            given = [f"{p} P(deal loss>0) {path_share(o['loss_closed'])}, P(NPV<0) "
                     f"{path_share(o['npv_negative_closed'])}" + _npv_given(o)
                     for (d, p), o in (odds or {}).items()
                     if d == deal and "loss_closed" in o]  # every party, as the JSON's
            caption.append(f"  {deal}: closed on {path_share(share)} of the paths"
                           + (f"; given it closed, {'; '.join(given)}" if given else ""))
    if any((summary_stat(index, d, p, "loss", "mean") or 0.0) > 0.0 for d, p in pairs):
        caption.append(LOSS_TEXT.replace("deal loss mean:", "deal loss:", 1) if deterministic
                       else LOSS_TEXT)
    caption += _value_lost(index, pairs, odds, deterministic)
    if shown_error or (marks and not deterministic):  # what ± is, in the HTML report's words
        caption.append(catalogue("en").t("report.mc_error_note"))
    if rates:
        caption.append(_rates_line([p for _, p in pairs], rates))
    if caption:
        table.caption = "\n".join(caption)
    return table


def _npv_given(odds: Mapping[str, float]) -> str:
    """``, NPV mean M (p50 P)`` ($B) over the paths on which the deal closed, from the
    `PathOdds`' ``given`` (the JSON summary's ``deals.DEAL.given_closed.PARTY.npv``); ""
    where the odds carry none."""
    given = getattr(odds, "given", None)
    npv = None if given is None else given.get("npv")
    if not npv or npv.get("mean") is None:
        return ""
    return f", NPV mean {money(npv['mean'])} (p50 {money(npv['p50'])})"


LOSS_TEXT = ("deal loss mean: money owed to the party and not paid (a claim's credit loss, a PV "
             "at its contract rate) plus, for equity and a vendor credit's converted shares, cost "
             "less realised and marked, undiscounted; not the credit books' expected_loss (JSON "
             "portfolios, the report's credit section), which counts claims only, discounted")
"""The caption's line that says what the deals table's loss is, where some row has one."""

HYPOTHETICAL_MARK = "hypothetical"
"""Under a hypothetical deal's name (``status: hypothetical``), and its caption line's lead."""
HYPOTHETICAL_TEXT = ("no such deal is reported and every term is assumed (status: hypothetical); "
                     "its figures say what it would do, not what a real deal did")
"""Why a deal is marked `HYPOTHETICAL_MARK`: the caption's line names the deals."""
VALUE_LOST_TEXT = ("A deal can lose value with no deal loss: NPV below 0 where nothing owed "
                   "went unpaid (fees, rent or a backstop the party pays by what the deal is, a "
                   "return below its discount rate)")
"""The lead of the caption's line that names the rows whose NPV is below 0 with no loss."""


def _value_lost(index: Index, pairs: list[tuple[str, str]],
                odds: Mapping[tuple[str, str], PathOdds] | None, deterministic: bool) -> list[str]:
    """The caption's line for the rows whose median NPV is below 0 while their deal loss is
    0 on every path (the column reads 0 where the deal costs the party), with the share of
    paths with NPV < 0 where ``odds`` has it; none if no row is so."""
    items = []
    for deal, party in pairs:
        npv = finite(summary_stat(index, deal, party, "npv", "p50"))
        loss = summary_stat(index, deal, party, "loss", "mean")
        if npv is None or npv >= 0 or (finite(loss) or 0.0) > 0.0:
            continue
        pair = None if odds is None else odds.get((deal, party))
        share = None if pair is None else pair.get("npv_negative")
        items.append(f"{deal} {party} (NPV {money(npv)}"
                     + ("" if deterministic or share is None
                        else f", below 0 on {path_share(share)} of the paths") + ")")
    if not items:
        return []
    return [f"{VALUE_LOST_TEXT}: {'; '.join(items)}"]


def _rate_text(rate: float, uncertain: bool) -> str:
    return f"{rate * 100:.4g}%" + (" (median, drawn per path)" if uncertain else "")


def _rates_line(parties: list[str], rates: Mapping[str, tuple[float, bool]]) -> str:
    """The caption's line that says at whose rate each NPV is: the table's parties, each
    once, with its discount rate (effective annual)."""
    shown = [f"{p} {_rate_text(*rates[p])}" for p in dict.fromkeys(parties) if p in rates]
    return ("NPV is each party's own: its flows discounted to the start at its discount rate "
            "(effective annual), so one deal's flows can read differently to two parties: "
            + ", ".join(shown))


_MARK_TEXT = ("NPV, IRR and MOIC count the horizon mark: what a position still held at the "
              "horizon is worth there, not cash received (a stake or a warrant's shares at a price "
              "from revenue alone, docs/model.md; a claim at its balance times its one-year "
              "survival).")
"""The caption's line on the horizon mark, shown where some row's NPV counts one."""

INVESTEE_TEXT = ("an equity investee (it issued the shares: the rate of its flows is the cost "
                 "of that equity, not a return)")
"""Why an equity investee's IRR is n/m (`chipcredit.report.multiples.irr_not_meaningful`)."""

BEYOND_TEXT = {
    ABOVE_BRACKET: f"IRR {ABOVE_BRACKET}: the median lies among paths whose IRR is above the "
                   f"+{cc.IRR_BRACKET[1]:.0%} a year the IRR is searched up to",
    TOTAL_LOSS: f"IRR {TOTAL_LOSS}: the median lies among paths whose flows only go out (a "
                "total loss, -100% by definition) or whose IRR is below -99% a year",
    WITHHELD: f"IRR {WITHHELD}: under 1% of the paths with a position have an IRR or a known "
              "side of the bracket, too few for a median",
}
