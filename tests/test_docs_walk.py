"""What a newcomer reads in README.md and docs/cli.md, checked against the code: the columns
README says ``res.summary()`` has, the cost of README's sensitivity example, the stress row
that docs/cli.md reads from its transcript, and the fields it gives for ``deals --graph``."""

from __future__ import annotations

import json
import re
import shlex
from pathlib import Path

from typer.testing import CliRunner

import chipcredit as cc
from chipcredit.cli import app
from chipcredit.scenario.paths import parameter_paths

ROOT = Path(__file__).resolve().parents[1]


def _doc(name: str) -> str:
    return (ROOT / name).read_text(encoding="utf-8")


def test_readme_lists_the_columns_of_summary() -> None:
    line = next(ln for ln in _doc("README.md").splitlines() if ln.startswith("res.summary()"))
    said = [c.strip() for c in line.split("#", 1)[1].split(",")]
    res = cc.simulate("seed-2025", deterministic=True)
    assert said == list(res.summary().columns)


def _readme_command(name: str) -> tuple[list[str], str]:
    """README's first ``chipcredit NAME`` example: its arguments (continuation lines joined)
    and the comment lines that follow it."""
    lines = _doc("README.md").splitlines()
    start = next(i for i, ln in enumerate(lines) if ln.startswith(f"chipcredit {name} "))
    command, comment, i = "", "", start
    while True:
        code, _, note = lines[i].partition("#")
        command += code.rstrip().removesuffix("\\") + " "
        comment += note
        if not code.rstrip().endswith("\\"):
            break
        i += 1
    for more in lines[i + 1:]:
        if not more.lstrip().startswith("#"):
            break
        comment += " " + more.split("#", 1)[1]
    return shlex.split(command)[1:], " ".join(comment.split())


def test_readme_sensitivity_example_is_quick_and_says_what_the_full_one_costs() -> None:
    """Without -p a tornado moves every uncertain number of seed-2025 (over 200 runs, minutes);
    the example names a few and says how many runs they take."""
    args, comment = _readme_command("sensitivity")
    params = [args[i + 1] for i, a in enumerate(args) if a in ("-p", "--param")]
    assert params, "README's sensitivity example should name its parameters (-p)"
    known = parameter_paths("seed-2025")
    assert set(params) <= set(known)
    runs = 2 * len(params) + 1  # tornado: each parameter at both ends, plus the baseline
    paths = next((int(args[i + 1].replace(",", "").replace("_", "")) for i, a in enumerate(args)
                  if a in ("--paths", "-n")), 2000)
    assert runs * paths <= 20 * 2000  # seconds, not minutes
    assert f"{runs} runs of {paths:,} paths" in comment
    assert "without -p" in comment and "minutes" in comment
    uncertain = [p for p, v in known.items() if v.is_uncertain]  # what a tornado moves
    assert 2 * len(uncertain) + 1 > 200  # "over 200 runs"
    assert len(uncertain) > 100 and "over 100" in comment


def test_cli_md_stress_reading_names_a_row_of_its_transcript() -> None:
    """The sentence warning about differences over few paths names a row that the transcript
    below it shows with a `paths` cell, and gives no count of its own that could go stale."""
    text = _doc("docs/cli.md")
    at = text.index("is no evidence of anything")
    para = text[text.rindex("\n\n", 0, at):text.index("\n\n", at)]
    assert not re.search(r"over \d+ paths", para)
    named = re.search(r"(\w+)'s (\w+) on the letter of intent", para)
    assert named is not None
    block = text[text.index("```", at):]
    block = block[:block.index("```", 3)]
    total = int(re.search(r"([\d,]+) paths, seed", block).group(1).replace(",", ""))  # type: ignore[union-attr]
    row = next((ln for ln in block.splitlines()
                if re.match(rf"│ nvidia-openai-loi\s*│ {named.group(1).lower()}\s*│ "
                            rf"{named.group(2).lower()}\s*│", ln)), None)
    assert row is not None, named.group(0)
    paths = row.strip("│").split("│")[-1].strip()
    assert paths and int(paths.replace(",", "")) < total


def test_cli_md_names_the_keys_of_the_graph_json() -> None:
    text = _doc("docs/cli.md")
    said = re.search(r"In the `--graph` JSON \(([^)]*)\)", text)
    assert said is not None
    res = CliRunner().invoke(app, ["deals", "--graph", "--json", "-"])
    assert res.exit_code == 0, res.output
    doc = json.loads(res.output)
    assert re.findall(r"`(\w+)`", said.group(1)) == list(doc)
    pair = doc["vendor_financing"][0]
    for field in ("funds", "purchases"):
        for suffix in ("executed", "signed", "announced", "not_reported"):
            assert f"{field}_{suffix}" in pair
