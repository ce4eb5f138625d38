"""`Card`: the short text and HTML a result record shows in a REPL or a notebook.

A dataclass's own ``repr`` prints every field, and NumPy prints an array of up to 1,000
numbers in full, so ``repr`` of a 1,000-path `Result` ran to megabytes and seconds. Each
public record (`Result`, `StressResult`, `CompareResult`, `SensitivityResult`,
`SolveResult`) instead shows a card: what was run (scenario, paths, seed, horizon), how much
it holds (counts), and the methods that show the numbers.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass

from chipcredit.scenario.model import Scenario
from chipcredit.units import format_quarter

__all__ = ["Card", "CardShown", "horizon_text"]


def horizon_text(scenario: Scenario) -> str:
    """``2025Q4–2035Q3 (40 quarters)``: the first and last quarter simulated."""
    last = format_quarter(scenario.start_index + scenario.horizon_quarters - 1)
    return f"{scenario.start}–{last} ({scenario.horizon_quarters} quarters)"


@dataclass(frozen=True)
class Card:
    """A record's summary: a title, labelled rows and a hint of where the numbers are.

    Attributes
    ----------
    title : str
        The record's class and what it is of, e.g. ``"Result of seed-2025"``.
    rows : tuple of (str, str)
        (label, value) pairs, a handful, each value one short line.
    hint : str
        The methods or attributes that show the numbers, e.g. ``".summary(), .to_dict()"``.
    """

    title: str
    rows: tuple[tuple[str, str], ...]
    hint: str

    @classmethod
    def of(cls, title: str, rows: Sequence[tuple[str, object]], hint: str) -> Card:
        """A card whose values are made text with `str`."""
        return cls(title, tuple((label, str(value)) for label, value in rows), hint)

    def text(self) -> str:
        """``<TITLE: label value; label value; numbers: HINT>`` on one line."""
        body = "; ".join(f"{label} {value}" for label, value in self.rows)
        return f"<{self.title}: {body}; numbers: {self.hint}>"

    def html(self) -> str:
        """A two-column HTML table with the title as caption and the hint as last row,
        every text escaped (a scenario name may hold ``<`` or ``&``)."""
        cells = "".join(f"<tr><th style='text-align:left'>{html.escape(label)}</th>"
                        f"<td style='text-align:left'>{html.escape(value)}</td></tr>"
                        for label, value in self.rows)
        return (f"<table><caption style='text-align:left'><b>{html.escape(self.title)}</b>"
                f"</caption>{cells}<tr><th style='text-align:left'>numbers</th>"
                f"<td style='text-align:left'><code>{html.escape(self.hint)}</code></td></tr>"
                "</table>")


class CardShown:
    """Shows a record as its `Card`: ``repr`` the one-line text, a notebook the HTML table.

    A subclass gives ``_card``. A dataclass subclass needs ``repr=False``, or the decorator
    writes its own ``__repr__`` over this one.
    """

    def _card(self) -> Card:
        raise NotImplementedError

    def __repr__(self) -> str:
        return self._card().text()

    def _repr_html_(self) -> str:
        return self._card().html()
