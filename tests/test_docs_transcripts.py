"""docs/tools/transcripts.py: parsing of transcript blocks and markers, re-running them, and
rewriting only their outputs (the real slow commands of the docs are not run here)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def tool() -> ModuleType:
    spec = importlib.util.spec_from_file_location("transcripts_tool",
                                                  ROOT / "docs" / "tools" / "transcripts.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while being built
    spec.loader.exec_module(module)
    return module


PAGE = """# A page

Some prose with `$ inline` text.

```
chipcredit usage line, not a transcript
```

<!-- transcript: slow -->
```
$ printf 'one\\ntwo\\nthree\\n'
...
three
$ echo "a 'quoted
  continuation'"
a 'quoted
  continuation'
```

<!-- transcript:
printf 'made by setup\\n' > input.txt
-->
```
$ cat > copy.txt <<'EOF'
line one
EOF
$ cat input.txt copy.txt
made by setup
line one
```

```python
$ not a transcript either
```
"""


def test_parse_finds_blocks_commands_and_markers(tool: ModuleType) -> None:
    blocks = tool.parse(PAGE, "page.md")
    assert len(blocks) == 2
    first, second = blocks
    assert first.options == {"slow": ""}
    assert [c.lines[0] for c in first.commands] == ["$ printf 'one\\ntwo\\nthree\\n'",
                                                    "$ echo \"a 'quoted"]
    # an open quote continues the command; its output is the two lines after it
    assert first.commands[1].script == "echo \"a 'quoted\n  continuation'\""
    assert first.commands[1].shown == ["a 'quoted", "  continuation'"]
    assert first.commands[0].shown == ["...", "three"]
    # a here-document is part of its command, not output
    assert second.commands[0].lines == ["$ cat > copy.txt <<'EOF'", "line one", "EOF"]
    assert second.commands[0].shown == []
    assert second.setup == "printf 'made by setup\\n' > input.txt\n"
    assert second.options == {}
    assert PAGE.split("\n")[first.start - 1] == "```"
    assert PAGE.split("\n")[first.end] == "```"


def test_marker_errors_are_one_line_with_a_suggestion(tool: ModuleType) -> None:
    with pytest.raises(tool.TranscriptError, match=r"page.md:1: unknown transcript option 'tial=1' "
                                                   r"\(did you mean tail\?\)"):
        tool.parse("<!-- transcript: tial=1 -->\n```\n$ true\n```\n", "page.md")
    with pytest.raises(tool.TranscriptError, match="tail needs a whole number"):
        tool.parse("<!-- transcript: tail=x -->\n```\n$ true\n```\n", "page.md")
    with pytest.raises(tool.TranscriptError, match="not right above a fence"):
        tool.parse("<!-- transcript: slow -->\n\n```\n$ true\n```\n", "page.md")
    skip = tool.parse("<!-- transcript: skip: needs a cluster -->\n```\n$ true\nx\n```\n")
    assert skip[0].options == {"skip": "needs a cluster"}


def test_rerun_keeps_a_page_that_is_up_to_date(tool: ModuleType) -> None:
    outcomes = tool.run_page(PAGE, "page.md")
    assert [o.note for o in outcomes] == ["", ""]
    assert tool.rewrite(PAGE, outcomes) == PAGE
    assert all(tool.block_diff("page.md", o, PAGE.split("\n")) == "" for o in outcomes)


def test_rewrite_changes_only_outputs(tool: ModuleType) -> None:
    stale = (PAGE.replace("...\nthree", "...\nTHREE").replace("made by setup\nline one",
                                                             "old\nlines\nhere"))
    outcomes = tool.run_page(stale, "page.md")
    diff = tool.block_diff("page.md", outcomes[0], stale.split("\n"))
    assert "-THREE\n+three\n" in diff
    assert tool.rewrite(stale, outcomes) == PAGE  # every byte outside the outputs kept
    assert tool.run_page(stale, "page.md", skip_slow=True)[0].note == "skipped: slow"


def test_tail_keeps_its_elision(tool: ModuleType) -> None:
    page = "<!-- transcript: tail=2 -->\n```\n$ seq 1 9\n...\n7\n9\n```\n"
    [outcome] = tool.run_page(page, "page.md")
    assert outcome.new == ["$ seq 1 9", "...", "8", "9"]
    # inferred from the page: '...' first keeps as many last lines as it shows
    assert tool.elide(["...", "x"], ["1", "2", "3"]) == ["...", "3"]
    assert tool.elide(["x", "..."], ["1", "2", "3"]) == ["1", "..."]
    assert tool.elide(["x", "y"], ["1", "2", "3"], head=2) == ["1", "2"]


def test_excerpt_follows_rows_by_their_labels(tool: ModuleType) -> None:
    shown = ["title 2,000 paths", "┏━━━┓", "...", "│ xai   │ npv  │  1.25 │", "│ xai   │ loss │  0.10 │",
             "...", "└──────┘", "a caption on one line"]
    fresh = ["title 2,000 paths", "┏━━━━┓", "│ amd   │ npv  │  0.50 │", "│ xai   │ moic │  2.00 │",
             "│ xai   │ npv  │ 11.75 │", "│ xai   │ irr  │  0.12 │", "│ xai   │ loss │  0.00 │",
             "│ xai   │ cash │  3.00 │", "└───────┘", "a caption on", "two lines now"]
    # a run of shown lines is a contiguous stretch: a row added inside it is shown too
    assert tool.elide(shown, fresh) == ["title 2,000 paths", "┏━━━━┓", "...",
                                        "│ xai   │ npv  │ 11.75 │", "│ xai   │ irr  │  0.12 │",
                                        "│ xai   │ loss │  0.00 │", "...", "└───────┘",
                                        "a caption on", "two lines now"]
    with pytest.raises(tool.TranscriptError, match="excerpt line no longer in the output"):
        tool.elide(shown, [line.replace("npv", "irr") for line in fresh])


def test_check_flags_a_changed_output_and_ignores_times(tool: ModuleType, tmp_path: Path,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    page = tmp_path / "page.md"
    timed = ("```\n$ echo 'run 1 · 2.04 s · started 2026-11-30 05:36:56 UTC'\n"
             "run 1 · 12.50 s · started 2026-01-01 00:00:00 UTC\n```\n")
    page.write_text(timed, encoding="utf-8")
    assert tool.main(["--check", str(page)]) == 0
    assert capsys.readouterr().out == ""
    stale = timed.replace("run 1 · 12", "run 2 · 12")
    page.write_text(stale, encoding="utf-8")
    assert tool.main(["--check", str(page)]) == 1
    out = capsys.readouterr().out
    assert "-run 2 · 12.50 s" in out and "+run 1 · 2.04 s" in out
    assert page.read_text(encoding="utf-8") == stale  # --check writes nothing
    assert tool.main(["--write", str(page)]) == 0
    assert page.read_text(encoding="utf-8") == timed.replace("12.50 s · started 2026-01-01 00:00:00",
                                                             "2.04 s · started 2026-11-30 05:36:56")


def test_shell_lines_see_the_previous_exit_status(tool: ModuleType) -> None:
    page = "```\n$ bash -c 'echo oops >&2; exit 3'\noops\n$ echo $?\n3\n$ echo $?\n0\n```\n"
    [outcome] = tool.run_page(page, "page.md")
    assert outcome.new == page.split("\n")[1:-2]


def test_continued_block_shows_the_rest_of_the_previous_command(tool: ModuleType) -> None:
    page = ("<!-- transcript: head=2 -->\n```\n$ seq 1 5\n1\n2\n```\n\nand it ends:\n\n"
            "<!-- transcript: continued tail=1 -->\n```\n...\n4\n```\n")
    outcomes = tool.run_page(page, "page.md")
    assert outcomes[1].new == ["...", "5"]
    assert tool.rewrite(page, outcomes) == page.replace("...\n4", "...\n5")


def test_a_real_command_round_trips_against_the_docs(tool: ModuleType) -> None:
    """`chipcredit scenarios` in docs/cli.md, re-run as the tool runs it (the venv's
    chipcredit, the block's terminal width), comes back unchanged: no mangled table."""
    cli = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    [block] = [b for b in tool.parse(cli, "docs/cli.md")
               if b.commands and b.commands[0].lines == ["$ chipcredit scenarios"]]
    lines = cli.split("\n")[block.start:block.end]
    assert any(line.startswith("┏") for line in lines)
    marker = [f"<!-- transcript: columns={block.options['columns']} -->"] if block.options else []
    page = "\n".join([*marker, "```", *lines, "```", ""])
    [outcome] = tool.run_page(page, "docs/cli.md")
    assert outcome.note == ""
    assert outcome.new == lines


def test_a_crash_is_never_written_into_a_page(tool: ModuleType) -> None:
    page = "```\n$ printf 'Traceback (most recent call last):\\nImportError: boom\\n'\nall good\n```\n"
    [outcome] = tool.run_page(page, "page.md")
    assert outcome.new is None
    assert "crashed: ImportError: boom" in outcome.note
    assert tool.rewrite(page, [outcome]) == page


def test_write_refuses_a_page_edited_while_it_ran(tool: ModuleType, tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    page = tmp_path / "page.md"
    page.write_text("```\n$ echo new\nold\n```\n", encoding="utf-8")
    real = tool.run_page

    def run_page_while_someone_edits(text: str, name: str, skip_slow: bool = False) -> list:
        page.write_text(text + "\nan edit made meanwhile\n", encoding="utf-8")
        return real(text, name, skip_slow)

    monkeypatch.setattr(tool, "run_page", run_page_while_someone_edits)
    assert tool.main(["--write", str(page)]) == 1
    assert page.read_text(encoding="utf-8").endswith("an edit made meanwhile\n")
    assert "old" in page.read_text(encoding="utf-8")


def test_merge_rewrites_a_realigned_table_whole_and_keeps_old_times(tool: ModuleType) -> None:
    shown = ["┃ vendor ┃ market share ┃", "│ nvidia │        93.0% │", "footer · 2.03 s · run 1"]
    fresh = ["┃ vendor ┃ unit share ┃", "│ nvidia │      93.0% │", "footer · 12.36 s · run 1"]
    # the relabel moved the column: every row of the table is new; the footer kept its time
    assert tool.merge(shown, fresh) == [*fresh[:2], "footer · 2.03 s · run 1"]
    # nothing but times changed: the page's text stays, spacing included
    assert tool.merge(["│ 1 │ 2.11 s │"], ["│ 1 │ 12.11 s │"]) == ["│ 1 │ 2.11 s │"]


def test_an_excerpt_masks_numbers_but_not_the_digits_of_names(tool: ModuleType) -> None:
    """Numbers are masked so a changed value still matches its line; the digits of a name
    are not, or ``cvar_95`` would match ``cvar_99`` and an excerpt would stop at the wrong
    row (as it once did)."""
    masked = tool._masked
    assert masked("│ amd │ cvar_99 │ 1.2500 │") == masked("│ amd │ cvar_99 │ -7.75 │")
    assert masked("│ amd │ cvar_95 │ 1.2500 │") != masked("│ amd │ cvar_99 │ 1.2500 │")
    assert masked("tranches[0].rate 0.1") != masked("tranches[1].rate 0.1")
    assert masked("2,000 paths, seed 7") == masked("5,000 paths, seed 11")
