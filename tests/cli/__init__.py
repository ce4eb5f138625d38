"""Tests of the command line; `render` prints a Rich table as a terminal of a given width would."""

from __future__ import annotations

import io

from rich.console import Console


def render(table: object, width: int = 200) -> str:
    """``table`` printed on a ``width``-column console, as text."""
    console = Console(width=width, file=io.StringIO())
    console.print(table)
    assert isinstance(console.file, io.StringIO)
    return console.file.getvalue()
