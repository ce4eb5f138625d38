"""Loading scenarios: YAML text or files to a checked `Scenario`, with file:line errors.

Every problem is reported as one line, ``FILE:LINE:COL: PATH RULE; got VALUE (did you mean
X?)``, and all of them are raised together as one `ScenarioError`. Pydantic and YAML
exceptions never escape: each pydantic error is translated here into a `Problem` that names
the field by its path in the file (``deals[2].debt.rate``) and the line it is on.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Annotated, Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from chipcredit.errors import Problem, ScenarioError, did_you_mean

from .model import Scenario, cross_check
from .registry import bundled_names, bundled_path
from .yamlnodes import DocPath, Located, path_text, read_yaml

__all__ = ["MAX_FILE_BYTES", "load_scenario", "parse_scenario_text", "scenario_json_schema"]

MAX_FILE_BYTES = 10 * 1024 * 1024
"""Largest scenario file read (10 MB); real scenarios are a few kB."""

_BOM = "\ufeff"
_BOM_BYTES = b"\xef\xbb\xbf"
_TOO_BIG = f"the file is larger than the limit of {MAX_FILE_BYTES // 2**20} MB for a scenario"
_BUNDLED_NAME = re.compile(r"[a-z0-9_-]+")
_NO = Problem.NO_VALUE
_ID_PATTERN = r"^[a-z0-9_-]+$"
_TYPE_RULES = {
    "float_type": "must be a number",
    "float_parsing": "must be a number",
    "int_type": "must be a whole number",
    "int_parsing": "must be a whole number",
    "int_from_float": "must be a whole number",
    "string_type": "must be text",
    "string_unicode": "must be text",
    "list_type": "must be a list",
    "tuple_type": "must be a list",
    "dict_type": "must be a map",
    "model_type": "must be a map",
    "model_attributes_type": "must be a map",
    "bool_type": "must be true or false",
    "bool_parsing": "must be true or false",
}
_BOUNDS = {
    "greater_than_equal": ("ge", "must be at least"),
    "greater_than": ("gt", "must be above"),
    "less_than_equal": ("le", "must be at most"),
    "less_than": ("lt", "must be below"),
}
_EMPTY_RULES = {
    "repayment": "must list at least one means of repayment: revenue_share, cash or conversion",
    "schedule": "must list at least one quarter of purchases",
    "parties": "must list at least one party",
}
"""What an empty list is missing, for lists whose emptiness a user should see explained."""
# When several errors land on one path, the lowest rank is kept.
_RANK = {"chipcredit": 0, "missing": 1, "extra_forbidden": 1, "union_tag_invalid": 1,
         "union_tag_not_found": 1}


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
        Frozen and checked; ``source_text`` and ``source_file`` say where it came from.

    Raises
    ------
    ScenarioError
        With every problem found, each with file, line, column, path, rule and value.
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
    if isinstance(source, str) and _BUNDLED_NAME.fullmatch(source):
        bundled = bundled_path(source)
        if bundled is not None:
            return parse_scenario_text(bundled.read_bytes(), bundled.name)
    name = os.fspath(source)
    path = Path(name)
    try:
        size = path.stat().st_size
        if path.is_dir():
            raise _single(name, "the path is a folder, not a scenario file")
        if size > MAX_FILE_BYTES:
            raise _single(name, f"{_TOO_BIG} ({size / 2**20:.1f} MB)")
        raw = path.read_bytes()
    except FileNotFoundError:
        if "\n" in name:
            raise _single("<scenario>", "looks like YAML text, not a file name; use "
                                        "parse_scenario_text for text") from None
        raise _single(name, "no such file, and no bundled scenario of that name",
                      suggestion=did_you_mean(path.stem, bundled_names())) from None
    except OSError as exc:
        raise _single(name, f"the file cannot be read: {exc.strerror or exc}") from None
    return parse_scenario_text(raw, name)


def parse_scenario_text(text: str | bytes, file: str = "<scenario>") -> Scenario:
    """Check scenario YAML given as text (or as the bytes of an upload).

    ``file`` names the source in error messages. Bytes must be UTF-8; a leading byte-order
    mark is dropped.

    Raises
    ------
    ScenarioError
        With every problem found.
    """
    if isinstance(text, bytes | bytearray):
        text = _decode(bytes(text), file)
    elif len(text) > MAX_FILE_BYTES or len(text.encode("utf-8", "surrogatepass")) > MAX_FILE_BYTES:
        raise _single(file, _TOO_BIG)
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
    """JSON Schema of scenario files, for editors (keys as written in YAML: ``from``/``to``)."""
    schema = Scenario.model_json_schema(by_alias=True)
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


def _single(file: str, rule: str, suggestion: str | None = None) -> ScenarioError:
    return ScenarioError([Problem(file, None, None, "", rule, _NO, suggestion)])


def _decode(raw: bytes, file: str) -> str:
    if len(raw) > MAX_FILE_BYTES:
        raise _single(file, _TOO_BIG)
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        at = exc.start + (3 if raw.startswith(_BOM_BYTES) else 0)
        line = raw.count(b"\n", 0, at) + 1
        start = raw.rfind(b"\n", 0, at) + 1
        col = len(raw[start:at].removeprefix(_BOM_BYTES).decode("utf-8", "replace")) + 1
        rule = (f"the file is not UTF-8 text; byte 0x{raw[at]:02X} cannot be read "
                "(save the file as UTF-8)")
        raise ScenarioError([Problem(file, line, col, "", rule)]) from None


def _raise_if(problems: list[Problem]) -> None:
    if problems:
        problems.sort(key=lambda p: (p.line is None, p.line or 0, p.column or 0))
        raise ScenarioError(problems)


def _validate(located: Located, file: str, text: str | None) -> Scenario:
    try:
        scenario = Scenario.model_validate(located.data)
    except ValidationError as exc:
        problems = _translate(exc.errors(include_url=False), located, file)
    else:
        problems = _cross_problems(scenario, file, located)
    _raise_if(problems)  # raised outside `except`, so no pydantic error rides along
    scenario._source_text = text
    scenario._source_file = file
    return scenario


def _where(located: Located | None, path: DocPath, key: bool = False) -> tuple[int | None, ...]:
    if located is None:
        return None, None
    if key and path in located.keys:
        return located.keys[path]
    for end in range(len(path), -1, -1):
        if path[:end] in located.values:
            return located.values[path[:end]]
    return None, None


def _cross_problems(sc: Scenario, file: str, located: Located | None) -> list[Problem]:
    out = []
    for cp in cross_check(sc):
        line, col = _where(located, cp.path)
        value = _NO if cp.value is None else cp.value
        out.append(Problem(file, line, col, path_text(cp.path), cp.rule, value, cp.suggestion))
    return out


def _clean_loc(loc: Iterable[str | int], data: Any, missing: bool) -> tuple[DocPath, bool]:
    """Pydantic loc to the document path: drops union tags and member names."""
    parts = list(loc)
    out: list[str | int] = []
    node, tag_seen, is_key = data, False, False
    for i, part in enumerate(parts):
        if part == "[key]":
            is_key = True
        elif isinstance(node, dict) and not tag_seen and part == node.get("kind"):
            tag_seen = True
        elif isinstance(node, dict) and part in node:
            out.append(part)
            node, tag_seen = node[part], False
        elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            out.append(part)
            node, tag_seen = node[part], False
        elif missing and i == len(parts) - 1:
            out.append(part)
    return tuple(out), is_key


def _options(text: object) -> list[str]:
    return re.findall(r"'([^']*)'", str(text))


def _translate(errors: list[ErrorDetails], located: Located, file: str) -> list[Problem]:
    best: dict[DocPath, tuple[int, Problem]] = {}
    typos: list[DocPath] = []
    for err in errors:
        kind = err["type"]
        path, is_key = _clean_loc(err["loc"], located.data, kind == "missing")
        raw = err.get("input")
        ctx: dict[str, Any] = dict(err.get("ctx") or {})
        value: object = raw
        suggestion: str | None = None
        at_key = is_key
        if kind == "chipcredit":
            rule, suggestion = str(ctx["rule"]), ctx.get("suggestion")
            value = _NO if ctx.get("value") is None else ctx["value"]
        elif kind == "missing":
            rule, value = "is required", _NO
        elif kind == "extra_forbidden":
            rule, value, at_key = "is not a known field", _NO, True
            model = _model_at(path[:-1], located.data)
            if model is not None:
                names = [f.alias or n for n, f in model.model_fields.items()]
                suggestion = did_you_mean(path[-1], names)
        elif kind in ("union_tag_invalid", "union_tag_not_found"):
            path = (*path, _options(ctx.get("discriminator"))[0])
            if kind == "union_tag_not_found":
                rule, value = "is required", _NO
            else:
                tags = _options(ctx.get("expected_tags"))
                rule, value = f"must be one of {', '.join(tags)}", ctx.get("tag")
                suggestion = did_you_mean(value, tags)
        elif kind == "literal_error":
            opts = _options(ctx.get("expected"))
            rule, suggestion = f"must be one of {', '.join(opts)}", did_you_mean(raw, opts)
        elif kind in _TYPE_RULES:
            rule = _TYPE_RULES[kind]
        elif kind in _BOUNDS:
            name, words = _BOUNDS[kind]
            rule = f"{words} {ctx.get(name)}"
        elif kind == "string_pattern_mismatch" and ctx.get("pattern") == _ID_PATTERN:
            rule = "must be an id of lower-case letters, digits, _ and -"
            slug = re.sub(r"[^a-z0-9_-]+", "-", str(raw).lower()).strip("-")
            suggestion = slug if slug and slug != raw else None
        elif kind in ("string_too_short", "too_short"):
            n = ctx.get("min_length")
            rule = "must not be empty" if n == 1 else f"must have at least {n} entries"
            if kind == "too_short" and n == 1 and path and path[-1] in _EMPTY_RULES:
                rule = _EMPTY_RULES[str(path[-1])]
            if kind == "string_too_short" and n != 1:
                rule = f"must be at least {n} characters long"
        elif kind in ("string_too_long", "too_long"):
            n = ctx.get("max_length")
            rule = (f"must be at most {n} characters long" if kind == "string_too_long"
                    else f"must have at most {n:,} entries")
            if kind == "too_long" and isinstance(raw, list | dict):
                value = len(raw)  # the count, not thousands of entries cut to 60 characters
        else:
            msg = str(err.get("msg", "is not valid")).removeprefix("Value error, ")
            rule = msg[:1].lower() + msg[1:]
        if raw is None and kind not in ("missing", "union_tag_not_found", "extra_forbidden"):
            rule, value = f"{rule}, not empty", _NO
        line, col = _where(located, path, key=at_key)
        problem = Problem(file, line, col, path_text(path), rule, value, suggestion)
        rank = _RANK.get(kind, 2)
        if path not in best or rank < best[path][0]:
            best[path] = (rank, problem)
        if kind == "extra_forbidden" and suggestion is not None:
            typos.append((*path[:-1], suggestion))
    for path in typos:  # "revenu is not a known field" explains "revenue is required"
        if path in best and best[path][1].rule == "is required":
            del best[path]
    return [p for _, p in best.values()]


def _pick(tp: Any, node: Any) -> Any:
    """The type that validates ``node`` out of ``tp``: unwraps Annotated, Optional, unions."""
    while get_origin(tp) is Annotated:
        tp = get_args(tp)[0]
    if get_origin(tp) in (Union, type(int | str)):
        members = [m for m in get_args(tp) if m is not type(None)]
        if len(members) == 1:
            return _pick(members[0], node)
        kind = node.get("kind") if isinstance(node, dict) else None
        for member in members:
            inner = _pick(member, node)
            field = getattr(inner, "model_fields", {}).get("kind")
            if field is not None and get_origin(field.annotation) is Literal \
                    and kind in get_args(field.annotation):
                return inner
        return None
    return tp


def _model_at(path: DocPath, data: Any) -> type[BaseModel] | None:
    """The model that validates the map at ``path`` of the document, if one does."""
    tp: Any = Scenario
    node = data
    for part in path:
        tp = _pick(tp, node)
        if isinstance(tp, type) and issubclass(tp, BaseModel):
            fields = {f.alias or n: f for n, f in tp.model_fields.items()}
            if part not in fields:
                return None
            tp = fields[part].annotation
        elif get_origin(tp) is list:
            tp = get_args(tp)[0]
        elif get_origin(tp) is dict:
            tp = get_args(tp)[1]
        else:
            return None
        if isinstance(node, dict):
            node = node.get(part)
        elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            node = node[part]
        else:
            node = None
    tp = _pick(tp, node)
    return tp if isinstance(tp, type) and issubclass(tp, BaseModel) else None
