"""A party's ``role``: the scenario's own words for its kind in tables (a telecom carrier is
modelled as a lab but is not called an AI lab), and nothing else."""

from __future__ import annotations

import re
import warnings
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

import chipcredit as cc
from chipcredit import cli
from chipcredit.report.i18n import catalogue
from chipcredit.report.solvency import kind_label


def _data() -> dict:
    text = (Path(cc.__file__).parent / "scenarios" / "telecom-2000.yaml").read_text("utf-8")
    return yaml.safe_load(text)


def test_telecom_parties_are_called_in_their_own_words() -> None:
    sc = cc.load_scenario("telecom-2000")
    by_id = {p.id: p for p in sc.parties}
    assert by_id["winstar"].kind == "lab" and by_id["winstar"].role == "telecom carrier"
    assert by_id["lucent"].kind == "vendor" and by_id["lucent"].role == "equipment vendor"
    assert by_id["banks"].role is None
    for lang in ("en", "zh"):
        cat = catalogue(lang)
        assert kind_label(by_id["winstar"], cat) == "telecom carrier"
        assert kind_label(by_id["banks"], cat) == cat.label("party_kind", "lender")
    # seed-2025's labs keep the kind's name
    openai = next(p for p in cc.load_scenario("seed-2025").parties if p.id == "openai")
    assert openai.role is None and kind_label(openai, catalogue("en")) == "AI lab"


def test_the_role_changes_no_number() -> None:
    data = _data()
    bare = yaml.safe_load(yaml.safe_dump(data))
    for party in bare["parties"]:
        party.pop("role", None)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", cc.ChipcreditWarning)
        a = cc.simulate(data, paths=64, seed=3).to_dict()
        b = cc.simulate(bare, paths=64, seed=3).to_dict()
    for key in ("scenario_sha256", "chipcredit_code_sha256"):
        a.pop(key), b.pop(key)
    roles = {pid: p.pop("role") for pid, p in a["parties"].items() if "role" in p}
    assert roles == {"lucent": "equipment vendor", "winstar": "telecom carrier",
                     "sprint-pcs": "telecom carrier", "peer-1": "telecom carrier",
                     "peer-2": "telecom carrier", "peer-3": "telecom carrier"}
    assert a == b  # the label is the JSON's only difference


def line_ends(line: str) -> bool:
    """The parties table's bottom border."""
    return line.startswith("└")


def test_the_cli_parties_table_shows_the_role(tmp_path: Path) -> None:
    res = CliRunner().invoke(cli.app, ["run", "telecom-2000", "--paths", "64", "--no-store"])
    assert res.exit_code == 0, res.stderr
    lines = res.stdout.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("Parties ("))
    table = lines[start:next(i for i in range(start, len(lines)) if line_ends(lines[i]))]
    rows = [line for line in table if re.match(r"^│ (winstar|lucent|banks) ", line)]
    kinds = {row.split("│")[1].strip(): row.split("│")[2].strip() for row in rows}
    assert kinds == {"lucent": "equipment vendor", "winstar": "telecom carrier", "banks": "lender"}


def test_a_long_role_is_refused_in_one_line(tmp_path: Path) -> None:
    data = _data()
    data["parties"][1]["role"] = "x" * 41
    path = tmp_path / "s.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    with pytest.raises(cc.ScenarioError) as err:
        cc.load_scenario(path)
    text = str(err.value)
    assert "parties[1].role" in text and "\n" not in text and "40" in text
