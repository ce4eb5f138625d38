"""Notes under (and titles over) the commands' tables: as wide as the output, not the table,
with a hanging indent; and shares of paths that a rounding does not misstate."""

from __future__ import annotations

import itertools
import re
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from rich.cells import cell_len
from typer.testing import CliRunner

from chipcredit import cli
from chipcredit.cli.captions import HANG, NotedTable, note_lines
from chipcredit.cli.formats import path_share
from chipcredit.cli.party_table import parties_table

from . import render

runner = CliRunner()
FIXTURES = Path(__file__).parents[1] / "fixtures_credit"
SPV = str(FIXTURES / "neocloud-spv.yaml")
TABLE = "┏┃┡│├└┗"


def indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def prose(text: str) -> list[str]:
    """The lines of a command's output that are not part of a table's box."""
    return [ln for ln in text.splitlines() if ln and ln[0] not in TABLE]


def early_breaks(lines: list[str], width: int) -> list[tuple[str, str]]:
    """Pairs of lines where the second continues a note (indented `HANG` beyond the
    note's own indent, 0 or 2) and its first word would have fitted on the first."""
    return [(a, b) for a, b in itertools.pairwise(lines)
            if indent(b) >= HANG and indent(b) - HANG in (0, 2)
            and cell_len(a) + 1 + cell_len(b.split()[0]) <= width]


# --- the wrapping itself ---------------------------------------------------------------------


def test_a_note_wraps_at_the_width_with_its_continuation_indented() -> None:
    text = ("n/m MOIC not meaningful (the JSON summary keeps it):\n"
            "  financed side (its multiple is the price of its financing): chips-on-credit labco")
    assert note_lines(text, 70) == [
        "n/m MOIC not meaningful (the JSON summary keeps it):",
        "  financed side (its multiple is the price of its financing):",
        "      chips-on-credit labco",
    ]
    assert note_lines(text, 160) == text.split("\n")  # room enough: as written


words = st.text(alphabet="abcdefghij-():;,", min_size=1, max_size=12)


@given(st.lists(st.tuples(st.sampled_from([0, 2]), st.lists(words, min_size=1, max_size=40)),
                min_size=1, max_size=5),
       st.integers(min_value=30, max_value=200))
def test_wrapping_keeps_every_word_whole_and_breaks_only_where_it_must(
        notes: list[tuple[int, list[str]]], width: int) -> None:
    text = "\n".join(" " * lead + " ".join(ws) for lead, ws in notes)
    lines = note_lines(text, width)
    assert " ".join(ln.strip() for ln in lines).split() == text.split()  # no word cut or lost
    assert all(len(ln) <= width or " " not in ln.strip() for ln in lines)
    assert early_breaks(lines, width) == []
    starts = [i for i, ln in enumerate(lines) if indent(ln) in (0, 2)]
    assert len(starts) == len(notes)  # each note starts a line, and only there
    for i, (lead, _) in zip(starts, notes, strict=True):
        assert indent(lines[i]) == lead


def test_a_table_note_is_as_wide_as_the_console_not_the_table() -> None:
    table = NotedTable(title="A narrow table with a title wider than its two columns of data",
                       title_justify="left", caption_justify="left")
    table.add_column("a")
    table.add_column("b")
    table.add_row("1", "2")
    table.caption = "a note " * 30
    lines = render(table, width=100).splitlines()
    assert lines[0] == "A narrow table with a title wider than its two columns of data"
    notes = lines[lines.index(next(ln for ln in lines if ln.startswith("└"))) + 1:]
    assert [ln.strip() for ln in notes] != [] and " ".join(notes).split() == ["a", "note"] * 30
    assert 95 <= len(notes[0]) <= 100 and all(len(ln) <= 100 for ln in notes)  # not the ~9 of the table
    assert all(indent(ln) == HANG for ln in notes[1:])


# --- the commands ----------------------------------------------------------------------------


def test_run_into_a_file_prints_each_note_whole_at_160_columns() -> None:
    done = runner.invoke(cli.app, ["run", SPV, "--deterministic", "--no-store"])
    assert done.exit_code == 0, done.stderr
    lines = prose(done.stdout)
    # Rich wrapped these at the table's ~65 columns: the deal and party alone on a line
    assert ("  pays, gets nothing back (its NPV is the cost; IRR n/m too, the JSON keeps -100%): "
            "gpu-spv lab-a") in lines
    assert "What each party gets from each deal ($B; the deterministic base case)" in lines
    assert "gpu-spv lab-a" not in [ln.strip() for ln in lines]
    irr = next(i for i, ln in enumerate(lines) if ln.startswith("IRR —:"))
    assert 150 < len(lines[irr]) <= 160 and lines[irr + 1].startswith(" " * HANG + "zero);")
    assert all(cell_len(ln) <= 160 for ln in lines[:-1])  # the footer is one line, for grep
    assert early_breaks(lines, 160) == []


@pytest.mark.parametrize("args", [["run", SPV, "--deterministic", "--no-store"],
                                  ["deals", "--graph"], ["deals"],
                                  ["stress", SPV, "--pack", "rate-shock", "--paths", "50",
                                   "--no-store"],
                                  ["compare", SPV, str(FIXTURES / "minimal-loan.yaml"),
                                   "--paths", "50", "--no-store"]])
def test_notes_follow_the_columns_they_are_given(args: list[str]) -> None:
    done = runner.invoke(cli.app, args, env={"COLUMNS": "70"})
    assert done.exit_code == 0, done.stderr
    # as wide as the output: 70 columns, or the table's natural width where `stress` and
    # `compare` print it whole (one line a row), which is wider
    width = max(70, *(cell_len(ln) for ln in done.stdout.splitlines() if ln[:1] in TABLE))
    lines = prose(done.stdout)
    wrapped = [ln for ln in lines if indent(ln) - HANG in (0, 2) and indent(ln) >= HANG]
    assert wrapped  # some note does wrap, indented as a continuation
    # the header and the footer are one line each, for grep; every note fits
    notes = [ln for ln in lines if " · " not in ln and " paired by path" not in ln]
    assert all(cell_len(ln) <= width or " " not in ln.strip() for ln in notes)
    assert early_breaks(lines, width) == []


# --- shares of paths -------------------------------------------------------------------------


@pytest.mark.parametrize(("share", "shown"), [
    (1 / 2000, "0.05%"),  # one path in 2,000: '0.1%' read as two
    (3 / 2000, "0.15%"), (1 / 3000, "0.033%"), (0.004, "0.4%"), (0.0099, "0.99%"),
    (1999 / 2000, "99.95%"), (0.996, "99.6%"), (0.999, "99.9%"),
    (0.0, "0.0%"), (1.0, "100.0%"), (0.5, "50.0%"), (0.123, "12.3%"), (0.01, "1.0%"),
    (1e-7, "0.00001%"), (1e-12, "<0.0000001%"), (1 - 1e-12, ">99.9999999%"), (None, "—"),
])
def test_a_share_of_paths_reads_as_what_it_is(share: float | None, shown: str) -> None:
    assert path_share(share) == shown


def _value(text: str) -> Decimal:
    return Decimal(re.sub(r"[<>%]", "", text)) / 100


@given(st.integers(min_value=100, max_value=10_000_000), st.integers(min_value=1, max_value=9),
       st.booleans())
def test_a_few_paths_read_as_their_number_not_a_neighbour(n: int, k: int, top: bool) -> None:
    # k paths of n (or all but k): never none or all, within 5% of the gap to there, and
    # k paths never read as k + 1 of them
    share = 1 - k / n if top else k / n
    text = path_share(share)
    assert text not in ("0.0%", "100.0%")
    gap = k / n
    shown_gap = 1 - _value(text) if top else _value(text)
    assert abs(float(shown_gap) - gap) <= 0.05 * gap + 5e-4 * (gap >= 0.01)
    assert text != path_share(1 - (k + 1) / n if top else (k + 1) / n)


def test_the_parties_table_shows_one_default_in_2000_paths_as_such() -> None:
    summary = [{"deal": None, "party": p, "metric": "default_probability", "mean": m,
                "p05": None, "p50": None, "p95": None, "nan_share": 0.0}
               for p, m in (("labco", 1 / 2000), ("safe", 0.0))]
    text = render(parties_table(summary, [("labco", "lab"), ("safe", "lab")], "medians",
                                {"labco", "safe"}))
    row = {ln.split("│")[1].strip(): ln.split("│")[3].strip()
           for ln in text.splitlines() if ln.startswith("│")}
    assert row == {"labco": "0.05%", "safe": "0.0%"}
