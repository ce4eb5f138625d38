"""What the commands print and write: progress bars, tables, number formats, atomic files."""

from __future__ import annotations

import contextlib
import math
import os
import warnings
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.table import Table
from rich.text import Text

import chipcredit as cc
from chipcredit.files import file_mode
from chipcredit.report.i18n import catalogue
from chipcredit.report.multiples import (
    REASONS,
    TOKEN_MULTIPLE,
    extras_shown,
    irr_not_meaningful,
    irr_shown,
    moic_reason,
    partial_share,
)

from .staging import Staging, check_file_target, write_output

__all__ = [
    "DASH",
    "NOT_MEANINGFUL",
    "PARTIAL",
    "Bar",
    "Staging",
    "bar",
    "can_default",
    "check_file_target",
    "compact",
    "deals_table",
    "finite",
    "irr_text",
    "money",
    "multiple",
    "number",
    "parties_table",
    "path_share",
    "paths_count",
    "percent",
    "run_footer",
    "show_warnings",
    "warnings_shown",
    "write_cashflows",
    "write_output",
]

DASH = "—"
Summary = Sequence[Mapping[str, Any]]
"""Rows of ``Result.summary()`` (or of the store's metrics): deal, party, metric, mean, ..."""


# --- progress --------------------------------------------------------------------------


class Bar:
    """A transient Rich progress bar driven by `simulate`'s progress callback, or nothing."""

    def __init__(self, progress: Progress | None) -> None:
        self._progress = progress

    def callback(self, total: int, label: str) -> Callable[[int], None] | None:
        progress = self._progress
        if progress is None:
            return None
        task = progress.add_task(label, total=total)

        def update(done: int) -> None:
            progress.update(task, completed=min(done, total))

        return update


@contextlib.contextmanager
def bar(out: Console, enabled: bool) -> Iterator[Bar]:
    if not enabled:
        yield Bar(None)
        return
    progress = Progress(
        TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
        TimeElapsedColumn(), TimeRemainingColumn(), console=out, transient=True,
    )
    with progress:
        yield Bar(progress)


# --- output files ----------------------------------------------------------------------


def write_cashflows(result: cc.Result, folder: Path, deals: list[str], path_k: int,
                    step: Callable[[int], None] | None) -> None:
    """Write path ``path_k``'s cash-flow schedule of every deal as ``folder/DEAL.csv``.

    ``folder`` is a staged folder (see `Staging.folder`): the files move into the folder
    of ``--cashflows`` only when every output of the run is written.
    """
    mode = file_mode()
    schedules = result.schedules(path=path_k)
    for i, deal in enumerate(deals, start=1):
        target = folder / f"{deal}.csv"
        schedules[deal].to_csv(target, index=False, lineterminator="\n")
        os.chmod(target, mode)
        if step is not None:
            step(i)


# --- numbers ---------------------------------------------------------------------------


@contextlib.contextmanager
def warnings_shown(err: Console) -> Iterator[None]:
    """Record the warnings the block raises (chipcredit's every time, not once per place)
    and print each distinct one to ``err`` when the block ends without an error."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", cc.ChipcreditWarning)
        yield
    show_warnings(err, list(caught))


def show_warnings(err: Console, caught: list[warnings.WarningMessage]) -> None:
    shown: set[str] = set()
    for w in caught:
        text = str(w.message).replace("\n", " ")
        if not issubclass(w.category, cc.ChipcreditWarning):
            text = f"{w.category.__name__}: {text}"
        if text in shown:
            continue
        shown.add(text)
        if issubclass(w.category, cc.ChipcreditNote):  # how the run was set up: said plainly
            err.print(Text(f"note: {text}"), soft_wrap=True)
        else:
            err.print(Text(f"warning: {text}", style="yellow"), soft_wrap=True)


def finite(value: Any) -> float | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        x = float(value)
    except (TypeError, ValueError):
        return None
    return x if math.isfinite(x) else None


def money(value: Any) -> str:
    x = finite(value)
    if x is None:
        return DASH
    text = f"{x:,.2f}"
    return "0.00" if text == "-0.00" else text


def percent(value: Any, decimals: int = 1) -> str:
    """A share as a percent (``0.123`` is ``12.3%``), never ``-0.0%``."""
    x = finite(value)
    if x is None:
        return DASH
    text = f"{x * 100:.{decimals}f}%"
    return text[1:] if text.startswith("-") and float(text[1:-1]) == 0 else text


def path_share(value: Any) -> str:
    """A share of paths as a percent to one decimal; one that is neither none nor all of
    them never rounds to 0.0% or 100.0% (4 paths of 10,000 are ``<0.1%``)."""
    x = finite(value)
    if x is None:
        return DASH
    text = f"{x * 100:.1f}%"
    if 0.0 < x < 1.0:
        return {"0.0%": "<0.1%", "100.0%": ">99.9%"}.get(text, text)
    return text


def multiple(value: Any) -> str:
    x = finite(value)
    return DASH if x is None else f"{x:.2f}x"


def _fixed(x: float, digits: int, signed: bool) -> str:
    """``x`` to ``digits`` decimals with thousands separators; a rounded zero has no sign."""
    text = f"{x:+,.{digits}f}" if signed else f"{x:,.{digits}f}"
    zero = f"{0:.{digits}f}"
    return zero if text in (f"-{zero}", f"+{zero}") else text


def number(value: Any, signed: bool = False) -> str:
    """A statistic of any unit, to four decimals (``+`` on differences)."""
    x = finite(value)
    return DASH if x is None else _fixed(x, 4, signed)


def compact(value: Any, signed: bool = False) -> str:
    """Like `number`, narrower: four decimals below 1, three below 1,000, one above."""
    x = finite(value)
    if x is None:
        return DASH
    return _fixed(x, 4 if abs(x) < 1 else 3 if abs(x) < 1000 else 1, signed)


# --- the run tables --------------------------------------------------------------------

Index = dict[tuple[str | None, str, str], Mapping[str, Any]]


def _index(summary: Summary) -> Index:
    out: Index = {}
    for row in summary:
        deal = row["deal"] if isinstance(row["deal"], str) else None
        out[(deal, str(row["party"]), str(row["metric"]))] = row
    return out


def _stat(index: Index, deal: str | None, party: str, metric: str, stat: str) -> Any:
    row = index.get((deal, party, metric))
    return None if row is None else row.get(stat)


PARTIAL = "*"
"""Marks a statistic of the deals table taken over only the paths where it has a value."""
NOT_MEANINGFUL = "n/m"
"""Stands for a MOIC that means nothing for the party (`chipcredit.report.multiples`)."""
_DEAL_COLUMNS = (("npv", "p50", money, "NPV"), ("irr", "p50", percent, "IRR"),
                 ("moic", "p50", multiple, "MOIC"), ("loss", "mean", money, "loss"))
_REASON_TEXT = {
    "pays_only": "pays, gets nothing back (its NPV is the cost; IRR n/m too, the JSON keeps -100%)",
    "financed": "financed side (its multiple is the price of its financing)",
    "token": f"put in under {100 / TOKEN_MULTIPLE:g}% of what it got back",
}


def _partial(index: Index, deal: str, party: str, metric: str) -> float | None:
    """The share of paths behind a statistic when it is over part of them (else None): for
    an IRR the paths it ranks (`irr_text`), for any other metric those with a value."""
    return partial_share(_stat(index, deal, party, metric, "ranked_share"),
                         _stat(index, deal, party, metric, "nan_share"))


ABOVE_BRACKET = f">{cc.IRR_BRACKET[1]:.0%}"
"""An IRR percentile above the bracket the IRR is searched in (``>1000%``)."""
TOTAL_LOSS = "-100%"
"""An IRR percentile among the paths below the bracket (whose flows only go out: -100%)."""
WITHHELD = "n/a"
"""An IRR percentile withheld: too few paths have an IRR or a known side of the bracket."""


def irr_text(value: Any, ranked_share: Any) -> str:
    """An IRR percentile of `Result.summary` (its ``p50``, with its ``ranked_share``) as text.

    ``inf`` (above the bracket) is `ABOVE_BRACKET`, -1.0 (the paths below it) `TOTAL_LOSS`,
    and a NaN percentile of an IRR that ranks some paths `WITHHELD` (docs/output.md): the
    rule of `chipcredit.report.multiples.irr_shown`, which the HTML report and the
    dashboard share."""
    kind, x = irr_shown({"p50": value, "ranked_share": ranked_share})
    return {"above": ABOVE_BRACKET, "below": TOTAL_LOSS, "withheld": WITHHELD}.get(kind) or percent(x)


def _moic_reason(index: Index, deal: str, party: str,
                 financed: Collection[tuple[str, str]]) -> str | None:
    return moic_reason(financed=(deal, party) in financed,
                       moic_mean=_stat(index, deal, party, "moic", "mean"),
                       moic_p50=_stat(index, deal, party, "moic", "p50"),
                       loss_mean=_stat(index, deal, party, "loss", "mean"))


def _extras(index: Index, deal: str, party: str, over_paths: bool) -> list[str]:
    """The deal extras the party shows (`chipcredit.report.multiples.extras_shown`: those
    whose mean is not 0): ``name p50`` ($B, millions of shares with ``m``, or a percentage),
    with the mean in brackets over paths (it differs where few paths convert)."""
    stats = {name: row for (d, p, name), row in index.items() if d == deal and p == party}
    shown = extras_shown(stats, {"money": money, "fraction": percent, "shares": _shares},
                         over_paths=over_paths)
    return [f"{name} {p50}" + (f" (mean {mean})" if mean is not None else "")
            for name, p50, mean in shown]


def _shares(value: Any) -> str:
    """Millions of shares to one decimal, with ``m`` (``40.0m``)."""
    x = finite(value)
    return DASH if x is None else f"{_fixed(x, 1, False)}m"


def deals_table(summary: Summary, kinds: Mapping[str, str],
                p_loss: Mapping[tuple[str, str], float | None], over: str, *,
                financed: Collection[tuple[str, str]] = (),
                closed: Mapping[str, float] | None = None, deterministic: bool = False) -> Table:
    """Rows (deal, party); the deal's kind under its name. Fits 80 columns for short ids.

    ``p_loss`` is the share of paths with a loss, per (deal, party); ``over`` says what the
    medians are over ("medians over 2,000 paths"). A statistic over only the paths where
    the metric has a value (rows with ``nan_share`` above 0) is marked with `PARTIAL`, and
    the caption says over what share of the paths it is.

    A MOIC that means nothing for the party is shown as `NOT_MEANINGFUL`, and the caption
    says why (the rules of `chipcredit.report.multiples.moic_reason`; ``financed`` holds the
    (deal, party) of each deal's financed side, `financed_parties`); the IRR too where
    `chipcredit.report.multiples.irr_not_meaningful` says so (a party that pays and gets
    nothing back by what the deal is, an equity investee). An IRR median beyond the bracket
    reads as `irr_text` has it, with a line of the caption. The caption also lists
    the deal extras of the summary (a warrant's ``dilution_cost`` and ``warrant_value``, a
    conversion's ``conversion_stake``, ...: outside the cash metrics) and, for each deal in
    ``closed`` (deal to the share of paths on which it closed, `closed_shares`) that did
    not close on every path, on what share it did (``deterministic``: the base case).
    """
    index = _index(summary)
    pairs: list[tuple[str, str]] = []
    for row in summary:
        if isinstance(row["deal"], str) and (row["deal"], row["party"]) not in pairs:
            pairs.append((row["deal"], str(row["party"])))
    table = Table(title=f"What each party gets from each deal ($B; {over})",
                  title_justify="left", caption_justify="left")
    table.add_column("deal", overflow="fold")
    table.add_column("party", no_wrap=True)
    for header in ("NPV\np50", "IRR\np50", "MOIC\np50", "loss\nmean", "P(loss\n>0)"):
        table.add_column(header, justify="right", no_wrap=True)
    rows: list[tuple[Text, str, list[str], str, bool]] = []
    notes: dict[str, list[str]] = {}
    unmeant: dict[str, list[str]] = {}
    extras: dict[str, list[str]] = {}
    beyond: set[str] = set()
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
        reason = _moic_reason(index, deal, party, financed)
        if reason is not None:
            moic = multiple(_stat(index, deal, party, "moic", "p50"))
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
            text = (irr_text(_stat(index, deal, party, metric, stat),
                             _stat(index, deal, party, metric, "ranked_share"))
                    if metric == "irr" else fmt(_stat(index, deal, party, metric, stat)))
            if text in (ABOVE_BRACKET, TOTAL_LOSS, WITHHELD) and metric == "irr":
                beyond.add(text)
            share = _partial(index, deal, party, metric)
            if share is not None and text not in (DASH, WITHHELD):
                text += PARTIAL
                partial.append(f"{name} {path_share(share)}")
            cells.append(text)
        if partial:
            notes.setdefault(deal, []).append(f"{party} {', '.join(partial)}")
        extra = _extras(index, deal, party, over_paths=not deterministic)
        if extra:
            extras.setdefault(deal, []).append(f"{party} {', '.join(extra)}")
        rows.append((label, party, cells, path_share(p_loss.get((deal, party))),
                     position == len(group) - 1))
    for label, party, cells, p_pos, last in rows:
        if notes:  # a blank where others have the marker keeps the digits in line
            cells = [c if c.endswith(PARTIAL) else c + " " for c in cells]
        table.add_row(label, Text(party), *cells, p_pos, end_section=last)
    caption: list[str] = []
    if unmeant:
        caption.append(f"{NOT_MEANINGFUL} MOIC not meaningful (the JSON summary keeps it):")
        caption += [f"  {_REASON_TEXT[r]}: {'; '.join(unmeant[r])}" for r in REASONS if r in unmeant]
        if "investee" in unmeant:
            caption.append(f"{NOT_MEANINGFUL} IRR as well for an equity investee (it issued the "
                           "shares: the rate of its flows is the cost of that equity, not a "
                           f"return): {'; '.join(unmeant['investee'])}")
    if notes:
        table.title = f"What each party gets from each deal ($B; {over}, {PARTIAL} over fewer)"
        caption += ([f"{PARTIAL} over only the paths where the metric has a value (its nan_share in "
                     "the JSON summary and the run store is the rest; an IRR also ranks the paths "
                     "whose IRR lies beyond the bracket); the share of paths with one:"]
                    + [f"  {deal}: {'; '.join(items)}" for deal, items in notes.items()])
    caption += [_BEYOND_TEXT[t] for t in (ABOVE_BRACKET, TOTAL_LOSS, WITHHELD) if t in beyond]
    if extras:
        caption.append("Outside the cash metrics above (" + ("base case" if deterministic else "p50")
                       + "; $B, shares in millions, stakes in %):")
        caption += [f"  {deal}: {'; '.join(items)}" for deal, items in extras.items()]
        if any("tied_gross_profit" in item for items in extras.values() for item in items):
            caption.append("  tied_gross_profit: the vendor's gross profit on the sales the deal "
                           "tied (its NPV and MOIC count only the deal's own cash)")
    unclosed = {d: s for d, s in (closed or {}).items() if s < 1.0 and d in kinds}
    if unclosed and deterministic:
        caption.append("Did not close in the base case (no party pays or receives in it, so "
                       f"its figures are 0, or {DASH}): {', '.join(unclosed)}")
    elif unclosed:
        caption.append("Closed on only some paths (where a party pays or receives in it; on "
                       "the others its figures count as 0, and IRR and MOIC have none):")
        caption += [f"  {deal}: closed on {path_share(share)} of the paths"
                    for deal, share in unclosed.items()]
    if caption:
        table.caption = "\n".join(caption)
    return table


_BEYOND_TEXT = {
    ABOVE_BRACKET: f"IRR {ABOVE_BRACKET}: the median lies among paths whose IRR is above the "
                   f"+{cc.IRR_BRACKET[1]:.0%} a year the IRR is searched up to",
    TOTAL_LOSS: f"IRR {TOTAL_LOSS}: the median lies among paths whose flows only go out (a "
                "total loss, -100% by definition) or whose IRR is below -99% a year",
    WITHHELD: f"IRR {WITHHELD}: under 1% of the paths with a position have an IRR or a known "
              "side of the bracket, too few for a median",
}


def can_default(parties: Sequence[Any]) -> set[str]:
    """Ids of the parties that can default (their model's ``can_default``: labs, and clouds
    whose balance sheet is their own; a funded cloud is backed by its parent and never does).

    ``parties`` are the scenario's party models (``Scenario.parties``).
    """
    return {p.id for p in parties if p.can_default}


def parties_table(summary: Summary, parties: Sequence[tuple[str, str]], over: str,
                  defaultable: Collection[str]) -> Table:
    """One row per (party, kind), in the order given: P(default) for the ``defaultable``
    parties (labs and clouds with their own balance sheet), median revenue and cash at the
    end. Where a lender's or a parent-funded cloud's median cash end is negative, a caption
    says that its cash is a net position (what it lent, or was funded with, and has not got
    back), as the HTML report's note does."""
    index = _index(summary)
    table = Table(title=f"Parties ($B; {over} at the horizon)", title_justify="left",
                  caption_justify="left")
    net_negative = False
    table.add_column("party", no_wrap=True)
    table.add_column("kind")
    for header in ("P(default)", "revenue total\np50", "cash end\np50"):
        table.add_column(header, justify="right", no_wrap=True)
    for party, kind in parties:
        prob = (path_share(_stat(index, None, party, "default_probability", "mean"))
                if party in defaultable else DASH)
        cash = finite(_stat(index, None, party, "cash_end", "p50"))
        # a lender, or a cloud its parent funds (it cannot default): cash is a net position
        net_negative |= (cash is not None and cash < 0
                         and (kind == "lender" or (kind == "cloud" and party not in defaultable)))
        table.add_row(
            Text(party), Text(kind), prob,
            money(_stat(index, None, party, "revenue_total", "p50")),
            money(_stat(index, None, party, "cash_end", "p50")),
        )
    if net_negative:  # the note of the HTML report's parties table, word for word
        table.caption = catalogue("en").t("report.funded_cash_note")
    return table


def paths_count(paths: Any, noun: str = "path") -> str:
    """A number of paths with its noun, singular for one: ``1 path``, ``2,000 paths``,
    ``— paths`` where unknown (None, NaN).

    >>> paths_count(1), paths_count(2000), paths_count(None)
    ('1 path', '2,000 paths', '— paths')
    """
    n = finite(paths)
    if n is None:
        return f"{DASH} {noun}s"
    return f"{int(n):,} {noun}" + ("" if int(n) == 1 else "s")


def run_footer(*, scenario: str, sha256: str, paths: int | None, deterministic: bool,
               seed: int | None, elapsed: float | None, imbalance: float | None,
               capacity_unit: str | None) -> str:
    """The line under a run's tables (``chipcredit run`` and ``runs show``): what was run,
    how long it took (s), the ledger check ($B) and the units."""
    runs = ("deterministic base case (1 path)" if deterministic
            else paths_count(paths))
    text = (f"scenario {scenario} · sha256 {sha256[:12]} · {runs} · seed "
            f"{DASH if seed is None else seed} · "
            f"{DASH if elapsed is None else f'{elapsed:.2f}'} s · ledger max imbalance "
            f"{DASH if imbalance is None else f'{imbalance:.1e}'} $B · money in $B")
    return text + (f", capacity in {capacity_unit}" if capacity_unit else "")
