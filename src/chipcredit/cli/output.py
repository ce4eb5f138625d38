"""What the commands print and write: progress bars, tables, number formats, atomic files."""

from __future__ import annotations

import contextlib
import math
import os
import shutil
import tempfile
import warnings
from collections.abc import Callable, Iterator, Mapping, Sequence
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
from chipcredit.files import file_mode, write_text_atomic

from .app import Failed

__all__ = [
    "DASH",
    "Bar",
    "bar",
    "check_dir_target",
    "check_file_target",
    "compact",
    "deals_table",
    "finite",
    "money",
    "multiple",
    "number",
    "parties_table",
    "percent",
    "show_warnings",
    "warnings_shown",
    "write_cashflows",
    "write_text_atomic",
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


def check_file_target(path: Path, option: str) -> None:
    """Fail before the work when ``path`` cannot be written (named by its ``option``)."""
    folder = path.parent
    if path.is_dir():
        raise Failed(f"cannot write {option} {path}: it is a folder")
    if not folder.is_dir():
        raise Failed(f"cannot write {option} {path}: the folder {folder} does not exist")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise Failed(f"cannot write {option} {path}: the folder {folder} is not writable")


def check_dir_target(path: Path, option: str) -> None:
    """Fail before the work when the folder cannot be created or written."""
    if path.exists() and not path.is_dir():
        raise Failed(f"cannot write {option} {path}: it is a file, not a folder")
    probe = path
    while not probe.exists():
        if probe.parent == probe:
            break
        probe = probe.parent
    if not probe.is_dir():
        raise Failed(f"cannot write {option} {path}: {probe} is not a folder")
    if not os.access(probe, os.W_OK | os.X_OK):
        raise Failed(f"cannot write {option} {path}: {probe} is not writable")


def write_cashflows(result: cc.Result, folder: Path, deals: list[str], path_k: int,
                    step: Callable[[int], None] | None) -> None:
    """Write DEAL.csv for every deal into a temp folder inside ``folder``, then move them in."""
    created = not folder.exists()
    tmp: Path | None = None
    try:
        folder.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=".chipcredit-", dir=folder))
        mode = file_mode()
        schedules = result.schedules(path=path_k)
        for i, deal in enumerate(deals, start=1):
            frame = schedules[deal]
            target = tmp / f"{deal}.csv"
            frame.to_csv(target, index=False, lineterminator="\n")
            os.chmod(target, mode)
            if step is not None:
                step(i)
        for deal in deals:
            os.replace(tmp / f"{deal}.csv", folder / f"{deal}.csv")
    except BaseException as exc:
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)
            tmp = None
        if created:
            with contextlib.suppress(OSError):
                folder.rmdir()
        if isinstance(exc, OSError):
            raise Failed(f"cannot write --cashflows {folder}: {exc.strerror or exc}") from None
        raise
    finally:
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)


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


def percent(value: Any) -> str:
    x = finite(value)
    if x is None:
        return DASH
    text = f"{x * 100:.1f}%"
    return "0.0%" if text == "-0.0%" else text


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


def deals_table(summary: Summary, kinds: Mapping[str, str],
                p_loss: Mapping[tuple[str, str], float | None], over: str) -> Table:
    """Rows (deal, party); the deal's kind under its name. Fits 80 columns for short ids.

    ``p_loss`` is the share of paths with a loss, per (deal, party); ``over`` says what the
    medians are over ("medians over 2,000 paths").
    """
    index = _index(summary)
    pairs: list[tuple[str, str]] = []
    for row in summary:
        if isinstance(row["deal"], str) and (row["deal"], row["party"]) not in pairs:
            pairs.append((row["deal"], str(row["party"])))
    table = Table(title=f"What each party gets from each deal ($B; {over})",
                  title_justify="left")
    table.add_column("deal", overflow="fold")
    table.add_column("party", no_wrap=True)
    for header in ("NPV\np50", "IRR\np50", "MOIC\np50", "loss\nmean", "P(loss\n>0)"):
        table.add_column(header, justify="right", no_wrap=True)
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
        table.add_row(
            label, Text(party),
            money(_stat(index, deal, party, "npv", "p50")),
            percent(_stat(index, deal, party, "irr", "p50")),
            multiple(_stat(index, deal, party, "moic", "p50")),
            money(_stat(index, deal, party, "loss", "mean")),
            percent(p_loss.get((deal, party))),
            end_section=position == len(group) - 1,
        )
    return table


def parties_table(summary: Summary, parties: Sequence[tuple[str, str]], over: str) -> Table:
    """One row per (party, kind): P(default) for labs, median revenue and cash at the end."""
    index = _index(summary)
    table = Table(title=f"Parties ($B; {over} at the horizon)", title_justify="left")
    table.add_column("party", no_wrap=True)
    table.add_column("kind")
    for header in ("P(default)", "revenue total\np50", "cash end\np50"):
        table.add_column(header, justify="right", no_wrap=True)
    for party, kind in parties:
        prob = (percent(_stat(index, None, party, "default_probability", "mean"))
                if kind == "lab" else DASH)
        table.add_row(
            Text(party), Text(kind), prob,
            money(_stat(index, None, party, "revenue_total", "p50")),
            money(_stat(index, None, party, "cash_end", "p50")),
        )
    return table
