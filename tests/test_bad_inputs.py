"""The bad-input corpus: every broken scenario in tests/bad_inputs gives its one exact line.

Each ``NAME.yaml`` there is paired with ``NAME.expected``, the whole message a user sees
(``FILE:LINE:COL: PATH RULE; got VALUE (did you mean X?)``), with FILE as given on the
command line from inside that folder. The Python API must raise `ScenarioError` (a
`ValueError`) with exactly that text and the same fields as attributes; the CLI must print
exactly those lines on stderr, exit 2 and print no traceback.

``REGENERATE=1 pytest tests/test_bad_inputs.py`` rewrites the ``.expected`` files from the
current messages; review the diff before keeping it (a wording change is a user-visible
change). ``tests/bad_inputs/make_corpus.py`` writes the ``.yaml`` files.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from chipcredit.errors import Problem, ScenarioError
from chipcredit.scenario.loader import load_scenario

CORPUS = Path(__file__).parent / "bad_inputs"
FILES = sorted(p.name for p in CORPUS.glob("*.yaml"))
REGENERATE = os.environ.get("REGENERATE") == "1"
CATEGORIES = ("syntax", "types", "ranges", "refs", "struct", "unc", "fuzz")
_WHERE = re.compile(r"^(?P<file>[^:]+)(?::(?P<line>\d+)(?::(?P<col>\d+))?)?: ")


def _expected(name: str) -> str:
    return (CORPUS / name).with_suffix(".expected").read_text(encoding="utf-8").rstrip("\n")


def test_the_corpus_is_large_and_covers_every_category() -> None:
    assert len(FILES) >= 60
    for name in FILES:
        assert name.split("-")[0] in CATEGORIES, name
        assert (CORPUS / name).with_suffix(".expected").exists() or REGENERATE, name
    for category in CATEGORIES[:-1]:
        assert sum(name.startswith(category + "-") for name in FILES) >= 5, category


@pytest.mark.parametrize("name", FILES)
def test_api_raises_one_exact_line_with_its_fields(name: str,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(CORPUS)
    with pytest.raises(ScenarioError) as caught:
        load_scenario(name)
    err = caught.value
    text = str(err)
    if REGENERATE:
        (CORPUS / name).with_suffix(".expected").write_text(text + "\n", encoding="utf-8")
    assert text == _expected(name)
    assert isinstance(err, ValueError)
    assert len(err.problems) == 1 and "\n" not in text
    assert err.__cause__ is None and (err.__context__ is None or err.__suppress_context__)
    # the attributes carry the message's parts: rebuilt from them, it is the same line
    value = err.value if err.value is not Problem.NO_VALUE else Problem.NO_VALUE
    rebuilt = Problem(err.file, err.line, err.column, err.path, err.rule, value,
                      err.suggestion)
    assert str(rebuilt) == text
    where = _WHERE.match(text)
    assert where is not None and where["file"] == err.file == name
    assert where["line"] == (None if err.line is None else str(err.line))
    assert text[where.end():].startswith(f"{err.path} " if err.path else err.rule)


def test_cli_validate_prints_exactly_those_lines_and_exits_2() -> None:
    """One process for the whole corpus: one line per file, in order, no traceback."""
    proc = subprocess.run([sys.executable, "-m", "chipcredit", "validate", *FILES],
                          cwd=CORPUS, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert "Traceback" not in proc.stderr
    assert proc.stderr.splitlines() == [_expected(name) for name in FILES]


@pytest.mark.parametrize("name", ["syntax-tab-indent.yaml", "unc-correlation-not-psd.yaml"])
def test_cli_run_refuses_with_the_same_line(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """``run`` (in-process, through Typer's runner) refuses before simulating."""
    from typer.testing import CliRunner

    from chipcredit.cli import app

    monkeypatch.chdir(CORPUS)
    got = CliRunner().invoke(app, ["run", name, "--paths", "2", "--no-store"])
    assert got.exit_code == 2
    assert got.stderr.splitlines() == [_expected(name)]
    assert got.stdout == ""
