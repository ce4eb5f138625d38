"""Loading scenarios: YAML text or files to a checked `Scenario`, with file:line errors.

Every problem is reported as one line, ``FILE:LINE:COL: PATH RULE; got VALUE (did you mean
X?)``, and all of them are raised together as one `ScenarioError`. Pydantic and YAML
exceptions never escape: each pydantic error is translated (`chipcredit.scenario.translation`)
into a `Problem` that names the field by its path in the file (``deals[2].debt.rate``) and the
line it is on. Files are read by `chipcredit.scenario.files`: regular files only, at most
`MAX_FILE_BYTES`.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

from chipcredit.errors import Problem, ScenarioError, UsageError, did_you_mean

from .fieldnotes import annotate_schema
from .files import MAX_FILE_BYTES, decode_text, read_file_bytes, too_big
from .model import Scenario, cross_check
from .registry import bundled_names, bundled_path
from .translation import problem_order, validate_located, where
from .yamlnodes import Located, path_text, read_yaml

__all__ = ["MAX_FILE_BYTES", "load_scenario", "parse_scenario_text", "scenario_json_schema"]

_BOM = "\ufeff"
_BUNDLED_NAME = re.compile(r"[a-z0-9_-]+")
_NO = Problem.NO_VALUE


def load_scenario(source: str | os.PathLike[str] | Scenario | dict[str, Any]) -> Scenario:
    """Load and check a scenario.

    Parameters
    ----------
    source : str, path, dict or Scenario
        The name of a bundled scenario (``"seed-2025"``), a path to a YAML file, a dict of
        plain data (checked as the file ``<scenario>``), or a `Scenario` (re-checked).

    Returns
    -------
    Scenario
        Checked and immutable (lists stored as tuples, maps read-only; edit with
        `set_number`); ``source_text`` and ``source_file`` say where it came from.

    Raises
    ------
    UsageError
        When ``source`` is none of the above (YAML text as bytes goes to
        `parse_scenario_text`).
    ScenarioError
        With every problem found, each with file, line, column, path, rule and value; YAML
        text passed as ``source`` gets one line pointing to `parse_scenario_text`.
    """
    if isinstance(source, Scenario):
        located = None
        if source._source_text is not None:
            try:
                located = read_yaml(source._source_text.removeprefix(_BOM), source.source_file)
            except ScenarioError:
                located = None
        _raise_if(_cross_problems(source, source.source_file, located))
        return source
    if isinstance(source, dict):
        return _validate(Located(source), "<scenario>", None)
    if not isinstance(source, str | os.PathLike):
        raise UsageError("load_scenario: source must be a bundled scenario name, a path to a "
                         "YAML file, a dict or a Scenario" + _bytes_hint(source)
                         + f"; got {argument_text(source)}")
    if isinstance(source, str) and _BUNDLED_NAME.fullmatch(source):
        bundled = bundled_path(source)
        if bundled is not None:
            return parse_scenario_text(bundled.read_bytes(), bundled.name)
    name = os.fspath(source)
    if not isinstance(name, str):  # a path-like object that gives bytes
        raise UsageError(f"load_scenario: source must be a path given as text; got {argument_text(name)}")
    if _looks_like_text(name):
        raise _single("<scenario>", _TEXT_NOT_NAME)
    try:
        raw = read_file_bytes(name)
    except FileNotFoundError:
        raise _single(name, "no such file, and no bundled scenario of that name",
                      suggestion=did_you_mean(Path(name).stem, bundled_names())) from None
    return parse_scenario_text(raw, name)


def parse_scenario_text(text: str | bytes, file: str = "<scenario>") -> Scenario:
    """Check scenario YAML given as text (or as the bytes of an upload).

    Parameters
    ----------
    text : str or bytes
        The YAML of a scenario file, at most `MAX_FILE_BYTES` (10 MB). Bytes must be UTF-8;
        a leading byte-order mark is dropped.
    file : str
        Name of the source in error messages (default ``<scenario>``).

    Returns
    -------
    Scenario
        Frozen and checked; ``source_text`` is ``text`` and ``source_file`` is ``file``.

    Raises
    ------
    UsageError
        When ``text`` is not text or bytes, or ``file`` is not text.
    ScenarioError
        With every problem found, each with file, line, column, path, rule and value.
    """
    if not isinstance(text, str | bytes | bytearray):
        raise UsageError("parse_scenario_text: text must be the YAML of a scenario as str or "
                         f"bytes (use load_scenario for a name or path); got {argument_text(text)}")
    if not isinstance(file, str):
        raise UsageError(f"parse_scenario_text: file must be text naming the source; got "
                         f"{argument_text(file)}")
    if isinstance(text, bytes | bytearray):
        text = decode_text(bytes(text), file)
    elif len(text) > MAX_FILE_BYTES or len(text.encode("utf-8", "surrogatepass")) > MAX_FILE_BYTES:
        raise _single(file, too_big())
    text = text.removeprefix(_BOM)
    located = read_yaml(text, file)
    if located is None:
        raise _single(file, "the file is empty; a scenario needs name, start, "
                            "horizon_quarters, market and parties")
    if not isinstance(located.data, dict):
        kind = "a list" if isinstance(located.data, list) else "a single value"
        raise ScenarioError([Problem(file, 1, 1, "", "the top level must be a map of fields "
                                     f"such as name, start and parties, not {kind}")])
    return _validate(located, file, text)


def scenario_json_schema() -> dict[str, Any]:
    """JSON Schema of scenario files, for editors and validators.

    Returns
    -------
    dict
        A JSON Schema (draft 2020-12) with keys as written in YAML (``from``/``to``); lists
        are ``array``, maps ``object``, and a number may be a bare number or a map with
        ``dist``. Units are those of the fields ($B, $B/GW, years, fractions). Each
        documented field has a one-line ``description`` (meaning, type, unit; from the tables
        of docs/scenario-reference.md) and each number field with a default its ``default``.
    """
    schema = annotate_schema(Scenario.model_json_schema(by_alias=True), Scenario)
    number = schema.get("$defs", {}).get("Number")
    if number is not None:  # a number may be written bare: ``0.5``
        schema["$defs"]["Number"] = {
            "title": "Number",
            "description": number.get("description", ""),
            "anyOf": [{"type": "number"}, {k: v for k, v in number.items() if k != "title"}],
        }
    schema["title"] = "chipcredit scenario"
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", **schema}


# --- internals --------------------------------------------------------------------------


_TEXT_NOT_NAME = "looks like YAML text, not a file name; use parse_scenario_text for text"
_NAME_MAX = 255  # bytes in one part of a path (Linux, macOS, Windows)
_PATH_MAX = 4096


def _looks_like_text(name: str) -> bool:
    """Whether ``name`` is YAML text passed where a file name is due.

    A line break in a name, or a name the file system would refuse as too long, that names
    no existing file and reads as a YAML map: reading it as a path would only say "File name
    too long" after echoing the whole text back.
    """
    if "\n" not in name and "\r" not in name:
        encoded = name.encode("utf-8", "surrogateescape")
        if len(encoded) < _PATH_MAX and all(len(part) <= _NAME_MAX
                                            for part in encoded.split(os.sep.encode())):
            return False
    if os.path.lexists(name):  # False too for a name the file system refuses
        return False
    if "\n" in name or "\r" in name:
        return True
    import yaml

    try:
        return isinstance(yaml.safe_load(name), dict)
    except (yaml.YAMLError, ValueError, RecursionError):  # ValueError: an int too long to read
        return False


def _bytes_hint(value: object) -> str:
    return (" (for the bytes of a file, use parse_scenario_text)"
            if isinstance(value, bytes | bytearray) else "")


def argument_text(value: object) -> str:
    """A bad argument for a `UsageError` line: its repr cut short, with its type."""
    text = repr(value)
    if len(text) > 60:
        text = text[:57] + "..."
    return text if value is None else f"{text} ({type(value).__name__})"


def _single(file: str, rule: str, suggestion: str | None = None) -> ScenarioError:
    return ScenarioError([Problem(file, None, None, "", rule, _NO, suggestion)])


STAGE_NOTE = "checks across fields, such as references, sums and dates, run once these are fixed"
"""The closing line of an error listing several problems of single fields: the checks that
span fields (`cross_check`) run only on a scenario whose fields are each valid, so more
problems may follow."""


def _raise_if(problems: list[Problem], note: str | None = None) -> None:
    if problems:
        problems.sort(key=problem_order)
        raise ScenarioError(problems, note)


def _validate(located: Located, file: str, text: str | None) -> Scenario:
    scenario, problems = validate_located(Scenario, located, file)
    # one problem keeps its one line; a list of them says it may not be the whole list
    note = STAGE_NOTE if scenario is None and len(problems) > 1 else None
    if scenario is not None:
        problems = _cross_problems(scenario, file, located)
    _raise_if(problems, note)  # raised outside `except`, so no pydantic error rides along
    assert scenario is not None
    scenario._source_text = text
    scenario._source_file = file
    return scenario


def _cross_problems(sc: Scenario, file: str, located: Located | None) -> list[Problem]:
    out = []
    for cp in cross_check(sc):
        line, col = where(located, cp.path)
        value = _NO if cp.value is None else cp.value
        rule = cp.rule
        if cp.earlier is not None:  # a duplicate: where the first one is, to find it by
            first_line, _ = where(located, cp.earlier)
            rule += f", {path_text(cp.earlier)}" + (
                "" if first_line is None else f" on line {first_line}")
        out.append(Problem(file, line, col, path_text(cp.path), rule, value, cp.suggestion))
    return out
