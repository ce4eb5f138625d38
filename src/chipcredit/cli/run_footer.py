"""The footer of a run's tables: what was run, with what seed, how long it took, the ledger
check and the units."""

from __future__ import annotations

from rich.console import Console
from rich.text import Text

from .captions import Notes
from .formats import DASH, paths_count

__all__ = ["DETERMINISTIC_NOTE", "print_footer", "run_footer"]

DETERMINISTIC_NOTE = ("Deterministic: one path with every random shock at zero and every "
                      "uncertain parameter at its median; it is not the median outcome, and "
                      "defaults and losses that come from bad draws do not appear; compare "
                      "with a Monte Carlo run (without --deterministic).")
"""The line above the footer of a deterministic run (its 0% defaults are not a forecast, and
its numbers are not the Monte Carlo medians: docs/design.md section 10)."""


def run_footer(*, scenario: str, sha256: str, paths: int | None, deterministic: bool,
               seed: int | None, elapsed: float | None, imbalance: float | None,
               capacity_unit: str | None, horizon: tuple[str, str, int] | None = None) -> str:
    """The line under a run's tables (``chipcredit run`` and ``runs show``): what was run,
    how long it took (s), the ledger check ($B) and the units, and the ``horizon`` (first
    and last quarter, and how many quarters) where it is known; for a deterministic run,
    `DETERMINISTIC_NOTE` on a line of its own above it."""
    runs = ("deterministic base case (1 path)" if deterministic
            else paths_count(paths))
    span = ("" if horizon is None
            else f"horizon {horizon[0]}-{horizon[1]}, {horizon[2]} quarters · ")
    text = (f"scenario {scenario} · sha256 {sha256[:12]} · {span}{runs} · seed "
            f"{DASH if seed is None else seed} · "
            f"{DASH if elapsed is None else f'{elapsed:.2f}'} s · ledger max imbalance "
            f"{DASH if imbalance is None else f'{imbalance:.1e}'} $B · money in $B")
    text += f", capacity in {capacity_unit}" if capacity_unit else ""
    # above the footer, whose end callers extend (" · stored as run 2 ...")
    return (DETERMINISTIC_NOTE + "\n" if deterministic else "") + text


def print_footer(out: Console, text: str) -> None:
    """Print a `run_footer` text (with what the caller added to its end): the footer on one
    line whatever the width, for grep, and the lines above it (`DETERMINISTIC_NOTE`) as
    `Notes`, wrapped at the output's width like every other note."""
    *notes, line = text.split("\n")
    if notes:
        out.print(Notes("\n".join(notes)))
    out.print(Text(line), soft_wrap=True)
