"""The warnings and notes a command prints on stderr: each distinct one once, after the work."""

from __future__ import annotations

import contextlib
import warnings
from collections.abc import Iterator

from rich.console import Console
from rich.text import Text

import chipcredit as cc

__all__ = ["show_warnings", "warnings_shown"]


@contextlib.contextmanager
def warnings_shown(err: Console) -> Iterator[None]:
    """Record the warnings the block raises (chipcredit's every time, not once per place)
    and print each distinct one to ``err`` when the block ends without an error."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", cc.ChipcreditWarning)
        yield
    show_warnings(err, list(caught))


def show_warnings(err: Console, caught: list[warnings.WarningMessage]) -> None:
    """Print each distinct warning of ``caught`` to ``err`` once, on one line: a
    `ChipcreditNote` as ``note: ...``, any other as ``warning: ...`` (in yellow), with the
    category's name unless it is chipcredit's own."""
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
