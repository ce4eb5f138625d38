"""Notes under the commands' tables: wrapped at the console's width, with a hanging indent.

Rich wraps a table's caption at the table's own width, so under a narrow table (the deals
table of a small scenario is about 70 columns) a note broke every few words, and its lines
lost their indent: the ``deal party`` at the end of an indented note landed alone at the
left edge, where it read as a new row. `NotedTable` prints its caption as `Notes` instead:
at the width the table itself may use (the terminal's, or 160 columns into a file or a
pipe, as `chipcredit.cli.app.console` sets it), each line of the caption a paragraph whose
continuation lines are indented `HANG` columns beyond its first, so that they read as part
of it. Words are never cut, and a deal id is never broken at its hyphens. The title above a
table is printed the same way (Rich wrapped it at the table's width too).
"""

from __future__ import annotations

import copy
import textwrap

from rich.console import Console, ConsoleOptions, RenderResult
from rich.segment import Segment
from rich.style import Style
from rich.table import Table

__all__ = ["HANG", "NotedTable", "Notes", "note_lines"]

HANG = 4
"""Columns by which a note's continuation lines are indented beyond its first line: more
than the two of a note's items (``  financed side ...: deal party``), so that a wrapped
heading's second line does not read as its first item."""
_NARROWEST = 20
"""The fewest columns a note's text gets after its indent, however narrow the console."""


def note_lines(text: str, width: int) -> list[str]:
    """``text`` wrapped to ``width`` columns: each of its lines a paragraph that keeps its
    leading spaces, with its continuation lines `HANG` columns further in.

    >>> note_lines("  financed side (its multiple is the price): chips-on-credit labco", 40)
    ['  financed side (its multiple is the', '      price): chips-on-credit labco']
    >>> note_lines("a\\n\\nb", 40)
    ['a', '', 'b']
    """
    lines: list[str] = []
    for line in text.split("\n"):
        body = line.lstrip(" ")
        if not body:
            lines.append("")
            continue
        first = line[: len(line) - len(body)]
        rest = first + " " * HANG
        lines += textwrap.wrap(body, width=max(width, len(rest) + _NARROWEST),
                               initial_indent=first, subsequent_indent=rest,
                               break_long_words=False, break_on_hyphens=False)
    return lines


class Notes:
    """Lines of notes (one paragraph a line, see `note_lines`) printed at the full width
    of the console, or of what holds them; ``style`` is a Rich style or its name."""

    def __init__(self, text: str, style: str | Style = "") -> None:
        self.text = text
        self.style = style

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        style = console.get_style(self.style, default="") if self.style else None
        for line in note_lines(self.text, options.max_width):
            yield Segment(line, style)
            yield Segment.line()


class NotedTable(Table):
    """A Rich table whose title and caption are printed as `Notes` above and below it, at
    the console's width rather than the table's, left-justified (they stay plain strings on
    ``title`` and ``caption``)."""

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        bare = copy.copy(self)
        bare.title = bare.caption = None
        if self.title:
            yield Notes(str(self.title), self.title_style or "table.title")
        yield from Table.__rich_console__(bare, console, options)
        if self.caption:
            yield Notes(str(self.caption), self.caption_style or "table.caption")
