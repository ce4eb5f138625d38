"""Strict input types, safe file reading, and stress packs read like scenarios.

A YAML number is the only number, ``true``/``false`` the only flag and a whole YAML number
the only count: text and booleans are refused with one exact line, never coerced (``"0.125"``
would have run as 0.125, ``true`` as a 100% rate, ``horizon_quarters: true`` as one quarter).
Files are read only when they are regular files, and never past the size limit. Stress packs
go through the same reading and the same error wording as scenarios.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

import chipcredit
from chipcredit.errors import Problem, ScenarioError
from chipcredit.scenario import files
from chipcredit.scenario.loader import load_scenario, parse_scenario_text
from chipcredit.scenario.shocks import load_pack

LOAN = "rate: 0.11\n    term_years: 5"
"""The term loan's rate in conftest.BASE (line 41), and the line after it."""
LOAN_END = "    term_years: 5\n  - id: colossus2-spv"


def _error(text: str) -> str:
    with pytest.raises(ScenarioError) as err:
        parse_scenario_text(text, "s.yaml")
    return str(err.value)


# (text to replace in BASE, replacement, the whole expected message)
STRICT = [
    pytest.param(LOAN, 'rate: {value: "0.125"}\n    term_years: 5',
                 "s.yaml:41:19: deals[0].rate.value must be a number, not text; got '0.125' "
                 "(did you mean 0.125?)", id="number-text-in-map"),
    pytest.param(LOAN, 'rate: {value: "11%"}\n    term_years: 5',
                 "s.yaml:41:19: deals[0].rate.value must be a number, not text; got '11%' "
                 "(did you mean 0.11?)", id="percent-text-in-map"),
    pytest.param(LOAN, 'rate: {low: "0.1", high: "0.2"}\n    term_years: 5',
                 "s.yaml:41:17: deals[0].rate.low must be a number, not text; got '0.1' "
                 "(did you mean 0.1?)\n"
                 "s.yaml:41:30: deals[0].rate.high must be a number, not text; got '0.2' "
                 "(did you mean 0.2?)\n(checks across fields, such as references, sums and "
                 "dates, run once these are fixed)", id="range-as-text-both-shown"),
    pytest.param(LOAN, "rate: {value: true}\n    term_years: 5",
                 "s.yaml:41:19: deals[0].rate.value must be a number; got True", id="boolean-number"),
    pytest.param(LOAN, "rate: {p05: false, p95: 0.2}\n    term_years: 5",
                 "s.yaml:41:17: deals[0].rate.p05 must be a number; got False", id="boolean-percentile"),
    pytest.param("horizon_quarters: 40", 'horizon_quarters: "40"',
                 "s.yaml:4:19: horizon_quarters must be a whole number; got '40' "
                 "(did you mean 40?)", id="count-as-text"),
    pytest.param("horizon_quarters: 40", "horizon_quarters: true",
                 "s.yaml:4:19: horizon_quarters must be a whole number; got True", id="count-as-boolean"),
    pytest.param(LOAN_END, "    term_years: 5\n    secured: 1\n  - id: colossus2-spv",
                 "s.yaml:43:14: deals[0].secured must be true or false; got 1 "
                 "(did you mean true?)", id="flag-as-number"),
    pytest.param(LOAN_END, '    term_years: 5\n    secured: "yes"\n  - id: colossus2-spv',
                 "s.yaml:43:14: deals[0].secured must be true or false; got 'yes' "
                 "(did you mean true?)", id="flag-as-text"),
    pytest.param("winter: {enter_per_year: 0.08, exit_per_year: 0.5}",
                 'winter: {enter_per_year: 0.08, exit_per_year: 0.5, start_in_winter: "no"}',
                 "s.yaml:8:73: market.ai_demand.winter.start_in_winter must be true or false; "
                 "got 'no' (did you mean false?)", id="flag-in-market"),
]


@pytest.mark.parametrize(("old", "new", "expected"), STRICT)
def test_wrong_types_are_refused_not_coerced(base_text: str, old: str, new: str,
                                             expected: str) -> None:
    assert base_text.count(old) >= 1, "the case must change the base"
    assert _error(base_text.replace(old, new, 1)) == expected


def test_whole_floats_still_count_and_fractions_do_not(base_text: str) -> None:
    # 40.0 is a YAML number equal to a whole one; 40.5 is not a count
    assert parse_scenario_text(base_text.replace("horizon_quarters: 40",
                                                 "horizon_quarters: 40.0")).horizon_quarters == 40
    assert _error(base_text.replace("horizon_quarters: 40", "horizon_quarters: 40.5")) == (
        "s.yaml:4:19: horizon_quarters must be a whole number; got 40.5")


def test_a_count_may_carry_its_source(base_text: str) -> None:
    # audit finding 3: docs/design.md section 2a lets any number be written sourced, and the
    # AMD warrant's sale.quarters was refused in that form; a count is still never uncertain
    sourced = 'horizon_quarters: {value: 40, source: "ten years", basis: assumed}'
    assert parse_scenario_text(base_text.replace("horizon_quarters: 40", sourced)
                               ).horizon_quarters == 40
    assert _error(base_text.replace("horizon_quarters: 40",
                                    "horizon_quarters: {value: 40.5, basis: assumed}")) == (
        "s.yaml:4:27: horizon_quarters must be a whole number; got 40.5")
    assert _error(base_text.replace("horizon_quarters: 40",
                                    "horizon_quarters: {value: 40, basis: fact}")) == (
        "s.yaml:4:19: horizon_quarters is marked basis: fact but has no source; a fact must "
        "name where it comes from in source (or be marked basis: assumed)")
    assert _error(base_text.replace("horizon_quarters: 40",
                                    "horizon_quarters: {low: 30, high: 40}")) == (
        "s.yaml:4:19: horizon_quarters must be a whole number, or {value, source, basis} with "
        "a whole number as value (a count is never uncertain); got {'low': 30, 'high': 40}")


def test_the_bundled_counts_carry_their_sources() -> None:
    seed = load_scenario("seed-2025")
    (warrant,) = [d for d in seed.deals if d.id == "amd-openai-warrant"]
    assert warrant.sale.quarters == 4
    assert "quarters: {value: 4, source: assumed; a year after vesting" in (
        (Path(chipcredit.__file__).parent / "scenarios" / "seed-2025.yaml").read_text(
            encoding="utf-8"))
    telecom = load_scenario("telecom-2000")
    assert telecom.shocks[0].quarters == 8


def test_a_correlation_must_be_a_yaml_number(base_text: str) -> None:
    text = base_text + ("correlations:\n  - {a: parties.xai.funding.valuation_multiple, "
                        'b: market.ai_demand.volatility, rho: "0.5"}\n')
    assert _error(text).endswith("correlations[0].rho must be a number, not text; got '0.5' "
                                 "(did you mean 0.5?)")


# --- the hints the review asked for ------------------------------------------------------

HINTS = [
    pytest.param(LOAN, "rate: {dist: uniform, p05: 0.1, p95: 0.2}\n    term_years: 5",
                 "s.yaml:41:32: deals[0].rate 'p05' does not belong to dist uniform; got 0.1",
                 id="percentiles-for-uniform"),
    pytest.param(LOAN, "rate: {low: 9, mode: 11, high: 13.5}\n    term_years: 5",
                 "s.yaml:41:11: deals[0].rate must be between 0 and 1 over its whole range "
                 "(triangular low=9 mode=11 high=13.5) (did you mean {low: 0.09, mode: 0.11, "
                 "high: 0.135}?)", id="uncertain-rate-in-percent"),
    pytest.param('content_per_unit: {value: 35, source: "Bernstein, Oct 2025", basis: fact}',
                 "content_per_unit: {low: 22, mode: 35, high: 80}",
                 "s.yaml:16:23: parties[0].content_per_unit must not exceed "
                 "market.hardware.all_in_cost_per_unit (50); got 'triangular low=22 mode=35 "
                 "high=80'", id="content-above-all-in-shows-value"),
    pytest.param("    borrower: xai", "    borrower: nvidia",
                 "s.yaml:39:15: deals[0].borrower must name a party of kind lab or cloud, but nvidia is "
                 "a vendor; got 'nvidia' (did you mean xai?)", id="wrong-kind-suggests-right"),
    pytest.param("start: 2025Q4", "start: 2025-10-01",
                 "s.yaml:3:8: start must be a quarter written like 2025Q4; got '2025-10-01' "
                 "(did you mean 2025Q4?)", id="date-for-quarter"),
    pytest.param("    lender: apollo\n    borrower: xai", "    lender: ap\u043ello\n    borrower: xai",
                 "s.yaml:38:13: deals[0].lender must be an id: a lower-case letter, then "
                 "lower-case letters, digits, _ and -; got 'ap\\u043ello' (did you mean apollo?)",
                 id="cyrillic-look-alike"),
    pytest.param("  - id: valor\n", "  - id: apollo\n",
                 "s.yaml:32:9: parties[3].id duplicates an earlier party id, parties[2] on line 30; "
                 "got 'apollo'",
                 id="duplicate-id-without-knock-on-lines"),
    pytest.param("amount: 12.5", "amount: 12",
                 "s.yaml:47:13: deals[1].amount must equal equity plus debt (19.5); "
                 "got 20 (did you mean 19.5?)",
                 id="equity-plus-debt-says-equity-once"),
]


@pytest.mark.parametrize(("old", "new", "expected"), HINTS)
def test_messages_carry_value_and_hint(base_text: str, old: str, new: str,
                                       expected: str) -> None:
    assert base_text.count(old) >= 1, "the case must change the base"
    assert _error(base_text.replace(old, new, 1)) == expected


def test_control_characters_in_names_are_escaped() -> None:
    line = str(Problem("a\nb\x1b[31m.yaml", 1, 2, "x", "must be text", "v\x07"))
    assert line == "a\\nb\\x1b[31m.yaml:1:2: x must be text; got 'v\\x07'"
    assert "\n" not in line and "\x1b" not in line


# --- reading files -----------------------------------------------------------------------


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="needs /dev/zero")
def test_a_device_is_refused_not_read() -> None:
    with pytest.raises(ScenarioError) as err:
        load_scenario("/dev/zero")
    assert str(err.value) == ("/dev/zero: the path is not a regular file (a device, pipe or "
                              "socket); only files are read")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_a_fifo_is_refused_without_hanging(tmp_path: Path) -> None:
    fifo = tmp_path / "fifo.yaml"
    os.mkfifo(fifo)
    for load in (load_scenario, load_pack):
        with pytest.raises(ScenarioError, match=r"fifo\.yaml: the path is not a regular file"):
            load(fifo)


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="needs Linux /proc")
def test_reading_stops_past_the_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    # st_size is not trusted: /proc/self/status is a regular file of size 0 with content
    assert os.stat("/proc/self/status").st_size == 0
    monkeypatch.setattr(files, "MAX_FILE_BYTES", 10)
    with pytest.raises(ScenarioError) as err:
        files.read_file_bytes("/proc/self/status")
    assert str(err.value).startswith("/proc/self/status: the file is larger than the limit")


def test_a_name_too_long_is_one_line(tmp_path: Path) -> None:
    name = str(tmp_path / ("x" * 300 + ".yaml"))
    for load, what in ((load_scenario, "scenario"), (load_pack, "pack")):
        with pytest.raises(ScenarioError) as err:
            load(name)
        assert str(err.value).startswith(f"{name}: the file cannot be read: "), what
    with pytest.raises(ScenarioError) as err:
        load_scenario("x" * 300)  # a bundled-looking name, far too long for a file
    assert str(err.value).startswith("x" * 300 + ": the file cannot be read: ")


def test_an_unreadable_file_is_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # chmod 000 does not stop root, so the refusal is simulated where the file is opened
    path = tmp_path / "p.yaml"
    path.write_text("name: t\n")

    def refuse(*_: object) -> int:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(files.os, "open", refuse)
    for load in (load_scenario, load_pack):
        with pytest.raises(ScenarioError) as err:
            load(path)
        assert str(err.value) == f"{path}: the file cannot be read: Permission denied"


# --- stress packs ------------------------------------------------------------------------


def _pack_error(tmp_path: Path, content: str | bytes) -> str:
    path = tmp_path / "p.yaml"
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    with pytest.raises(ScenarioError) as err:
        load_pack(path)
    return str(err.value).replace(str(path), "p.yaml")


PACKS = [
    pytest.param("name: t\nshockz:\n  - {kind: ai_winter, start: 2026Q4}\n",
                 "p.yaml:2:1: shockz is not a known field (did you mean shocks?)",
                 id="misspelt-key"),
    pytest.param("name: t\nshocks:\n  - {kind: rate_shok, start: 2026Q4, bp: 300}\n",
                 "p.yaml:3:12: shocks[0].kind must be one of ai_winter, gpu_glut, price_war, "
                 "funding_freeze, rate_shock; got 'rate_shok' (did you mean rate_shock?)",
                 id="misspelt-kind"),
    pytest.param("name: t\nextra: 1\nshocks:\n  - {kind: ai_winter, start: 2026Q4}\n",
                 "p.yaml:2:1: extra is not a known field", id="extra-key"),
    pytest.param("", "p.yaml: a stress pack must be a map of name, description and shocks; "
                     "the file is empty", id="empty"),
    pytest.param("- 1\n", "p.yaml:1:1: a stress pack must be a map of name, description and "
                          "shocks; the file is a list", id="list"),
    pytest.param(b"name: t\n\xff\xfe\n", "p.yaml:2:1: the file is not UTF-8 text; byte 0xFF "
                                         "cannot be read (save the file as UTF-8)",
                 id="not-utf8"),
    pytest.param("name: t\nshocks:\n  - {kind: gpu_glut, start: 2026q4, size: 40}\n"
                 '  - {kind: rate_shock, start: 2026Q4, bp: "300", quarters: true}\n',
                 "p.yaml:3:29: shocks[0].start must be a quarter written like 2025Q4; "
                 "got '2026q4' (did you mean 2026Q4?)\n"
                 "p.yaml:3:43: shocks[0].size must be between 0 and 1; got 40 "
                 "(did you mean 0.4?)\n"
                 "p.yaml:4:43: shocks[1].bp must be a number, not text; got '300' "
                 "(did you mean 300?)\n"
                 "p.yaml:4:60: shocks[1].quarters must be a whole number; got True",
                 id="every-problem-in-file-order"),
]


@pytest.mark.parametrize(("content", "expected"), PACKS)
def test_a_pack_is_checked_like_a_scenario(tmp_path: Path, content: str | bytes,
                                           expected: str) -> None:
    assert _pack_error(tmp_path, content) == expected


def test_an_unknown_pack_has_no_stray_colon() -> None:
    with pytest.raises(ScenarioError) as err:
        load_pack("mypack.yaml")
    assert str(err.value) == ("mypack.yaml: no such file, and no bundled stress pack of that "
                              "name (dotcom-funding-freeze, gpu-glut, rate-shock, telecom-2001)")


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX file names")
def test_a_pack_file_name_with_a_newline_is_escaped(tmp_path: Path) -> None:
    path = tmp_path / "a\nb.yaml"
    path.write_text("name: t\n")
    with pytest.raises(ScenarioError) as err:
        load_pack(path)
    assert str(err.value) == f"{tmp_path}/a\\nb.yaml:1:1: shocks is required"
