"""Wrong arguments to the scenario functions: one line naming the argument, rule and value.

Without these checks a wrong type surfaced as a bare TypeError from deep inside
(``expected str, bytes or os.PathLike object``), and YAML text passed as a file name echoed
the whole text back in a 48,000-character "File name too long" message.
"""

from __future__ import annotations

import errno
import os
from pathlib import Path
from typing import Any

import pytest

import chipcredit as cc
from chipcredit.errors import ScenarioError, UsageError
from chipcredit.scenario.paths import parameter_paths, set_number
from chipcredit.scenario.shocks import load_pack

from .conftest import BASE

TEXT_NOT_NAME = "<scenario>: looks like YAML text, not a file name; use parse_scenario_text for text"

BAD_CALLS: list[tuple[str, Any, str]] = [
    ("load None", lambda: cc.load_scenario(None),
     "load_scenario: source must be a bundled scenario name, a path to a YAML file, a dict or "
     "a Scenario; got None"),
    ("load int", lambda: cc.load_scenario(5),
     "load_scenario: source must be a bundled scenario name, a path to a YAML file, a dict or "
     "a Scenario; got 5 (int)"),
    ("load list", lambda: cc.load_scenario([1, 2]),
     "load_scenario: source must be a bundled scenario name, a path to a YAML file, a dict or "
     "a Scenario; got [1, 2] (list)"),
    ("load bytes", lambda: cc.load_scenario(b"name: x"),
     "load_scenario: source must be a bundled scenario name, a path to a YAML file, a dict or "
     "a Scenario (for the bytes of a file, use parse_scenario_text); got b'name: x' (bytes)"),
    ("parse int", lambda: cc.parse_scenario_text(5),
     "parse_scenario_text: text must be the YAML of a scenario as str or bytes (use "
     "load_scenario for a name or path); got 5 (int)"),
    ("parse file int", lambda: cc.parse_scenario_text(BASE, 3),
     "parse_scenario_text: file must be text naming the source; got 3 (int)"),
    ("set_number None", lambda: set_number(None, "parties.xai.cash", 1.0),
     "set_number: scenario must be a Scenario, or the name of a bundled scenario or a YAML "
     "file; got None"),
    ("set_number path int", lambda: set_number("seed-2025", 5, 1.0),
     "the parameter path must be text such as 'deals.xai-debt.rate'; got 5 (int)"),
    ("set_number value text", lambda: set_number("seed-2025", "deals.xai-debt.rate", "0.1"),
     "set_number: value must be a number, a Number or a map such as {'value': 0.1}; "
     "got '0.1' (str)"),
    ("set_number value bool", lambda: set_number("seed-2025", "deals.xai-debt.rate", True),
     "set_number: value must be a number, a Number or a map such as {'value': 0.1}; "
     "got True (bool)"),
    ("parameter_paths int", lambda: parameter_paths(3),
     "parameter_paths: scenario must be a Scenario, or the name of a bundled scenario or a "
     "YAML file; got 3 (int)"),
    ("load_pack None", lambda: load_pack(None),
     "load_pack: source must be the name of a bundled stress pack or a path to a YAML file; "
     "got None"),
]


@pytest.mark.parametrize(("what", "call", "expected"), BAD_CALLS, ids=[w for w, _, _ in BAD_CALLS])
def test_a_wrong_argument_is_one_usage_line(what: str, call: Any, expected: str) -> None:
    with pytest.raises(UsageError) as err:
        call()
    assert str(err.value) == expected


def test_a_long_repr_is_cut_short() -> None:
    with pytest.raises(UsageError) as err:
        cc.load_scenario(list(range(10_000)))
    assert len(str(err.value)) < 200
    assert str(err.value).endswith("... (list)")


def test_set_number_and_parameter_paths_take_a_name_or_path(tmp_path: Path) -> None:
    sc = cc.load_scenario("seed-2025")
    by_name = set_number("seed-2025", "deals.xai-debt.rate", 0.1)
    assert parameter_paths(by_name)["deals.xai-debt.rate"].value == 0.1
    assert by_name.model_dump() == set_number(sc, "deals.xai-debt.rate", 0.1).model_dump()
    path = tmp_path / "s.yaml"
    path.write_text(BASE, encoding="utf-8")
    assert list(parameter_paths(path)) == list(parameter_paths(cc.parse_scenario_text(BASE)))
    assert "parties.xai.cash" in parameter_paths(str(path))
    assert list(parameter_paths("seed-2025")) == list(parameter_paths(sc))


def test_yaml_text_for_a_name_gets_the_helpful_line() -> None:
    long_text = cc.load_scenario("seed-2025").source_text
    assert len(long_text) > 40_000  # past the file system's limit on a name
    for text in (long_text, BASE, "name: x\n"):
        with pytest.raises(ScenarioError) as err:
            cc.load_scenario(text)
        assert str(err.value) == TEXT_NOT_NAME
    flow = "{" + ", ".join(f"k{i}: {i}" for i in range(200)) + "}"  # one line, over 255 bytes
    with pytest.raises(ScenarioError) as err:
        cc.load_scenario(flow)
    assert str(err.value) == TEXT_NOT_NAME


def test_a_name_too_long_is_cut_short_in_the_message() -> None:
    name = "z" * 50_000  # not YAML text (a single word), nor a file
    with pytest.raises(ScenarioError) as err:
        cc.load_scenario(name)
    message = str(err.value)
    assert message == f"{'z' * 1000}... (50,000 characters): the file cannot be read: " \
                      f"{os.strerror(errno.ENAMETOOLONG)}"


def test_a_real_file_with_a_line_break_in_its_name_still_loads(tmp_path: Path) -> None:
    path = tmp_path / "odd\nname.yaml"
    path.write_text(BASE, encoding="utf-8")
    assert cc.load_scenario(str(path)).name == "test-base"
