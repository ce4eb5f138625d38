"""`stress` and `compare` leave out the MOIC rows that `run` shows as n/m, and say why."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd
from tests.cli import render
from typer.testing import CliRunner

from chipcredit import cli
from chipcredit.cli.paired_tables import paired_table

runner = CliRunner()


def _row(party: str, metric: str) -> dict[str, object]:
    return {"deal": "spv", "party": party, "metric": metric, "base": 0.0, "other": 2.5,
            "difference": 2.5, "ci_low": 2.0, "ci_high": 3.0, "paths": 300}


def test_an_unmeant_moic_has_no_row_and_the_caption_says_why() -> None:
    frame = pd.DataFrame([_row("lab", "npv"), _row("lab", "moic"), _row("bank", "moic")])
    text = render(paired_table(frame, ["npv", "moic"], 300, "t", "a", "b",
                               unmeant={("spv", "lab"): ("pays_only", "")}), width=400)
    rows = [ln for ln in text.splitlines() if ln.startswith("│")]
    assert [(c.split("│")[2].strip(), c.split("│")[3].strip()) for c in rows] == [
        ("lab", "npv"), ("bank", "moic")]
    assert "n/m MOIC not meaningful in A or B, so no row" in text
    assert "pays, gets nothing back" in text and ": spv lab" in text
    # nothing left out, nothing said
    plain = render(paired_table(frame, ["npv", "moic"], 300, "t", "a", "b"), width=400)
    assert "n/m" not in plain and plain.count("moic") == 2


_REASONS = {"pays, gets nothing back": "pays_only", "financed side": "financed",
            "put in under 1% of what it got back": "token"}


def _nm_pairs(text: str) -> dict[str, set[str]]:
    """Reason (`REASONS`) to the pairs the n/m caption lines list under it, "deal party"."""
    found: dict[str, set[str]] = {}
    for line in text.splitlines():
        for words, reason in _REASONS.items():
            if line.startswith(f"  {words}"):
                pairs = line.split(": ", 1)[1].strip().split("; ")
                found[reason] = {re.sub(r" \(.*", "", p) for p in pairs}
    return found


def _run_nm(text: str) -> set[str]:
    """The "deal party" rows of `run`'s deals table whose MOIC cell is n/m."""
    out, deal = set(), ""
    for line in text.splitlines():
        cells = [c.strip() for c in line.split("│")[1:-1]]
        if len(cells) != 7:
            continue
        if cells[0] and not cells[0].startswith("("):
            deal = cells[0].split(" (")[0]
        if cells[4] == "n/m":
            out.add(f"{deal} {cells[1]}")
    return out


def test_stress_leaves_out_every_moic_that_run_calls_n_m(tmp_path: Path) -> None:
    common = ["seed-2025", "--paths", "30", "--seed", "7", "--no-store"]
    run = runner.invoke(cli.app, ["run", *common], terminal_width=400)
    assert run.exit_code == 0, run.stderr
    target = tmp_path / "s.json"
    done = runner.invoke(cli.app, ["stress", *common, "--pack", "telecom-2001", "--json",
                                   str(target)], terminal_width=400)
    assert done.exit_code == 0, done.stderr
    in_stress = _nm_pairs(done.stdout)
    # the base run is seed-2025 as `run` ran it: each pair whose MOIC it calls n/m (for
    # any reason: pays only, financed side, token outlay) is n/m here too
    assert set(in_stress) == {"pays_only", "financed", "token"}
    in_run = _run_nm(run.stdout)
    assert {"colossus2-spv xai", "amd-openai-warrant openai", "xai-debt xai"} <= in_run
    assert in_run <= set().union(*in_stress.values())
    shown = {(c[1].strip(), c[2].strip()) for c in
             (ln.split("│") for ln in done.stdout.splitlines() if "│ moic " in ln)}
    unmeant = set().union(*in_stress.values())
    assert not {f"{d} {p}" for d, p in shown} & unmeant
    assert ("colossus2-spv", "nvidia") in shown  # a meaningful MOIC keeps its row
    assert "amd-openai-warrant openai (A " in " ".join(done.stdout.split())
    # the JSON keeps every row
    rows = json.loads(target.read_text())["differences"]
    assert {"colossus2-spv xai", "amd-openai-warrant openai"} <= {
        f"{r['deal']} {r['party']}" for r in rows if r["metric"] == "moic"}


def test_compare_leaves_out_the_n_m_moic_rows_too() -> None:
    done = runner.invoke(cli.app, ["compare", "seed-2025", "seed-2025-sell-only", "--paths", "100",
                                   "--seed", "7", "--no-store"], terminal_width=400)
    assert done.exit_code == 0, done.stderr
    moic_rows = [ln for ln in done.stdout.splitlines() if "│ moic " in ln]
    assert moic_rows and not any("│ openai " in ln for ln in moic_rows)
    assert "openai-amd-take-or-pay openai" in " ".join(done.stdout.split())
