"""Pydantic validation errors to chipcredit `Problem` lines, for any input model.

Each pydantic error is translated into a `Problem` that names the field by its path in the
file (``deals[2].debt.rate``), the line and column it is on, the rule in plain words, the bad
value and, where one helps, a suggestion. Scenarios and stress packs both go through
`validate_located`, so their errors read alike.
"""

from __future__ import annotations

import dataclasses
import re
import unicodedata
from collections.abc import Iterable
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from chipcredit.errors import Problem, did_you_mean

from .base import ID_PATTERN, spreadsheet_reading, spreadsheet_safe
from .choice_hints import as_list_of_kinds, choice_caveat, choice_meant, field_meant
from .doc_types import kind_members, model_at, type_at
from .kind_hints import kind_meant, role_at
from .yamlnodes import ODD_SPACES, DocPath, Located, node_at, path_text

__all__ = ["problem_order", "validate_located", "where"]

M = TypeVar("M", bound=BaseModel)

_NO = Problem.NO_VALUE
_ID_PATTERN = ID_PATTERN
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



def validate_located(model: type[M], located: Located, file: str) -> tuple[M | None, list[Problem]]:
    """``model`` validated from the located data, or None and every problem found."""
    try:
        return model.model_validate(located.data), []
    except ValidationError as exc:
        return None, _translate(model, exc.errors(include_url=False), located, file)


def problem_order(problem: Problem) -> tuple[bool, int, int]:
    """Sort key of problems: in file order, those without a line last."""
    return problem.line is None, problem.line or 0, problem.column or 0


def where(located: Located | None, path: DocPath, key: bool = False) -> tuple[int | None, ...]:
    if located is None:
        return None, None
    if key and path in located.keys:
        return located.keys[path]
    for end in range(len(path), -1, -1):
        if path[:end] in located.values:
            return located.values[path[:end]]
    return None, None


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


def _common_field_errors(root: type[BaseModel], errors: list[ErrorDetails], located: Located
                         ) -> list[ErrorDetails]:
    """The errors of the fields every kind shares (a deal's ``id``, ``start``, ``status``,
    ``close_probability``, ...; a party's ``id``, ...) in each party, deal or shock whose
    ``kind:`` is unknown, so that a misspelt kind does not hide them: pydantic stops at the
    unknown tag."""
    found: list[ErrorDetails] = []
    for err in errors:
        if err["type"] != "union_tag_invalid":
            continue
        path, _ = _clean_loc(err["loc"], located.data, False)
        members = kind_members(type_at(root, path, located.data))
        node = node_at(located.data, path)
        if members and isinstance(node, dict):
            found += _shared_field_errors(members, node, err["loc"])
    return found


def _shared_field_errors(members: dict[str, type[BaseModel]], node: dict[str, Any],
                         loc: tuple[str | int, ...]) -> list[ErrorDetails]:
    """The errors of the fields every kind of ``members`` shares in the map ``node`` (at the
    pydantic ``loc``), whatever its kind: the map is checked as the first kind would check
    it, and only the errors of those shared fields are kept (which other fields a kind needs
    or refuses depends on the kind)."""
    models = list(members.values())
    shared = {name: f for name, f in models[0].model_fields.items() if name != "kind" and all(
        name in m.model_fields and m.model_fields[name].annotation == f.annotation
        for m in models[1:])}
    names = {f.alias or name for name, f in shared.items()}
    try:
        models[0].model_validate({**node, "kind": next(iter(members))})
    except ValidationError as exc:
        return [ErrorDetails(**{**e, "loc": (*loc, *e["loc"])})
                for e in exc.errors(include_url=False) if e["loc"] and e["loc"][0] in names]
    return []


def _stray_kind_keys(root: type[BaseModel], errors: list[ErrorDetails], located: Located
                     ) -> tuple[list[ErrorDetails], Located]:
    """For each party, deal or shock with no ``kind:`` but a key that is a misspelling of it
    (``kidn: vendor_credit``, ``Kind: lab``): an unknown-field error at that key, suggesting
    ``kind`` (``kind: equity`` for ``kidn: equty``), and the errors of the map's other fields,
    checked as the kind its value names (as the fields every kind shares when it names none);
    pydantic stops at the missing tag. Also returns ``located`` with ``kind:`` put in beside
    each such key, so that the map's other errors are explained as those of that kind."""
    found: list[ErrorDetails] = []
    data = located.data
    for err in errors:
        if err["type"] != "union_tag_not_found":
            continue
        path, _ = _clean_loc(err["loc"], data, False)
        members = kind_members(type_at(root, path, data))
        node = node_at(data, path)
        if not members or not isinstance(node, dict):
            continue
        known = {f.alias or n for m in members.values() for n, f in m.model_fields.items()}
        stray = next((k for k in node if isinstance(k, str) and k not in known
                      and did_you_mean(k, ["kind"]) == "kind"), None)
        if stray is None:
            continue
        tag = node[stray]
        rest = {k: v for k, v in node.items() if k != stray}
        known_tag = isinstance(tag, str) and tag in members  # a list or map is no tag
        meant = None if known_tag else kind_meant(tag, list(members), most=1)
        found.append(ErrorDetails(type="extra_forbidden", loc=(*err["loc"], stray),
                                  msg="Extra inputs are not permitted", input=tag,
                                  ctx={"suggestion": f"kind: {meant}" if meant else "kind"}))
        if not known_tag:
            found += _shared_field_errors(members, rest, err["loc"])
            continue
        data = _replaced(data, path, {**node, "kind": tag})
        try:
            members[tag].model_validate({**rest, "kind": tag})
        except ValidationError as exc:
            found += [ErrorDetails(**{**e, "loc": (*err["loc"], tag, *e["loc"])})
                      for e in exc.errors(include_url=False)]
    return found, (located if data is located.data else dataclasses.replace(located, data=data))


def _replaced(data: Any, path: DocPath, value: Any) -> Any:
    """A copy of ``data`` with ``value`` at ``path`` (the maps and lists on the way copied,
    the rest shared)."""
    if not path:
        return value
    head, rest = path[0], path[1:]
    if isinstance(data, dict):
        return {**data, head: _replaced(data[head], rest, value)}
    assert isinstance(data, list) and isinstance(head, int)
    return [*data[:head], _replaced(data[head], rest, value), *data[head + 1:]]


def _translate(root: type[BaseModel], errors: list[ErrorDetails], located: Located, file: str
               ) -> list[Problem]:
    best: dict[DocPath, tuple[int, Problem]] = {}
    typos: list[DocPath] = []
    stray, located = _stray_kind_keys(root, errors, located)
    errors = [*errors, *stray, *_common_field_errors(root, errors, located)]
    for err in errors:
        kind = err["type"]
        raw = err.get("input")
        if kind == "too_short" and isinstance(raw, list) and len(raw) >= (
                err.get("ctx") or {}).get("min_length", 0):
            continue  # a tuple counts only its valid items: the bad item has its own line
        path, is_key = _clean_loc(err["loc"], located.data, kind == "missing")
        ctx: dict[str, Any] = dict(err.get("ctx") or {})
        value: object = raw
        suggestion: str | None = None
        at_key = is_key
        typed_word = False  # text that YAML read as true/false, a number or null
        if kind == "chipcredit":
            rule, suggestion = str(ctx["rule"]), ctx.get("suggestion")
            value = _NO if ctx.get("value") is None else ctx["value"]
            if ctx.get("spreadsheet"):
                suggestion = _safe_id_hint(str(raw), path, located.data) or suggestion
        elif kind == "missing":
            rule, value = "is required", _NO
        elif kind == "extra_forbidden":
            rule, value, at_key = "is not a known field", _NO, True
            model = model_at(root, path[:-1], located.data)
            if ctx.get("suggestion") is not None:  # a misspelt `kind:` key (_stray_kind_keys)
                suggestion = str(ctx["suggestion"])
                typos.append((*path[:-1], "kind"))
            elif model is not None:
                names = [f.alias or n for n, f in model.model_fields.items()]
                suggestion = field_meant(path[-1], names)
            elsewhere = _kinds_with_field(root, path, located.data)
            if elsewhere is not None:  # a party or deal of the wrong kind, not a typo
                rule, suggestion = elsewhere
                role = role_at(path, located.data)
                if role is not None:  # `lender: xai` in a vendor credit: its borrower
                    suggestion = role
                    typos.append((*path[:-1], role.split(":")[0]))
            bare = "".join(c for c in str(path[-1]) if c not in ODD_SPACES)
            if suggestion is None and bare and bare != path[-1]:
                # a key indented with non-breaking spaces is read as a key of the map above
                suggestion = bare
        elif kind in ("union_tag_invalid", "union_tag_not_found"):
            path = (*path, _options(ctx.get("discriminator"))[0])
            if kind == "union_tag_not_found":
                rule, value = "is required", _NO
            else:
                tags = _options(ctx.get("expected_tags"))
                rule, value = f"must be one of {', '.join(tags)}", ctx.get("tag")
                suggestion = kind_meant(value, tags)
        elif kind == "literal_error":
            opts = _options(ctx.get("expected"))
            rule, suggestion = f"must be one of {', '.join(opts)}", choice_meant(raw, opts)
            rule += choice_caveat(raw, opts)
        elif kind == "string_type" and (typed := _typed_word(located, path, raw)) is not None:
            (rule, suggestion), typed_word = typed, True
            value = _NO if raw is None else raw
        elif kind in _TYPE_RULES:
            rule = _TYPE_RULES[kind]
            if kind in ("list_type", "tuple_type"):  # `repayment: cash`: [{kind: cash}]
                suggestion = as_list_of_kinds(type_at(root, path, located.data), raw)
        elif kind in _BOUNDS:
            name, words = _BOUNDS[kind]
            rule = f"{words} {ctx.get(name)}"
        elif kind == "string_pattern_mismatch" and ctx.get("pattern") == _ID_PATTERN:
            rule = "must be an id: a lower-case letter, then lower-case letters, digits, _ and -"
            # an id that is nearly one the file defines (a Cyrillic о for an o, a capital)
            # is that id; otherwise the nearest well-formed spelling
            suggestion = did_you_mean(raw, _ids(located.data))
            folded = unicodedata.normalize("NFKD", str(raw)).encode("ascii", "ignore").decode()
            slug = re.sub(r"[^a-z0-9_-]+", "-", folded.lower()).strip("-")
            if slug and not slug[0].isalpha():  # 0042, 1e5, 3-12: a spreadsheet's numbers
                slug = "id-" + slug.lstrip("_-")
            if suggestion is None and slug and slug != raw:
                suggestion = slug
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
        if raw is None and not typed_word and kind not in ("missing", "union_tag_not_found",
                                                            "extra_forbidden"):
            rule, value = f"{rule}, not empty", _NO
        line, col = where(located, *_pointed(located, path, value, at_key))
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


def _pointed(located: Located, path: DocPath, value: object, at_key: bool
             ) -> tuple[DocPath, bool]:
    """Where a problem's line and column point: at ``path``, or, for a number written as a
    map (``rate: {value: 12.5, source: ..., basis: fact}``, ``{p05: 60, p95: 15}``) whose
    refused value is one of its entries, at that entry (the 12.5, not the ``{``)."""
    node = node_at(located.data, path)
    if at_key or not isinstance(node, dict) or value is _NO or isinstance(value, bool | dict):
        return path, at_key
    same = [k for k, v in node.items() if not isinstance(v, bool) and v == value]
    return ((*path, same[0]), False) if len(same) == 1 else (path, at_key)


_YAML_READS = {bool: "true or false", int: "a number", float: "a number", type(None): "empty"}
"""What YAML made of a bare word where text was due, as the rule says it."""


def _typed_word(located: Located, path: DocPath, raw: object) -> tuple[str, str] | None:
    """The rule and suggestion for text that YAML read as another type (``id: yes`` is
    true, ``name: 2026`` a number, ``id: null`` empty): the word as written, and the field
    with the word quoted (``id: "yes"``). A party's or deal's ``id`` that would still be
    refused once quoted (``yes`` reads as true in a spreadsheet too, ``7`` is not an id)
    gets the spelling that passes instead (``investor-yes``). None where the file has no
    bare word there (a value from Python, a blank)."""
    word = located.words.get(path)
    reading = _YAML_READS.get(type(raw))
    if not word or reading is None:
        return None
    rule = f"must be text, but YAML reads the bare word '{word}' as {reading} (quote it to keep it as text)"
    field = f"{path[-1]}: " if path and isinstance(path[-1], str) else ""
    hint = f'"{word}"'
    defined = len(path) == 3 and path[0] in ("parties", "deals") and path[2] == "id"
    if defined and not (re.fullmatch(_ID_PATTERN, word) and spreadsheet_reading(word) is None):
        slug = re.sub(r"[^a-z0-9_-]+", "-", word.lower()).strip("-")  # 1.5: 1-5
        safe = _safe_id_hint(slug, path, located.data) if slug else None
        if safe is not None and re.fullmatch(_ID_PATTERN, safe):
            hint = safe
    return rule, field + hint


def _safe_id_hint(ident: str, path: DocPath, data: Any) -> str | None:
    """A spreadsheet-safe spelling of the id a party or deal at ``path`` defines, labelled
    with the party's kind (``lab-nan``) or ``deal`` (``dec-2025-deal``)."""
    if len(path) != 3 or path[0] not in ("parties", "deals") or path[2] != "id":
        return None
    node = node_at(data, path[:-1])
    kind = node.get("kind") if isinstance(node, dict) else None
    label = "deal" if path[0] == "deals" else kind
    if not isinstance(label, str) or not re.fullmatch(r"[a-z]+", label):
        label = "party"
    return spreadsheet_safe(ident, label)


def _kinds_with_field(root: type[BaseModel], path: DocPath, data: Any
                      ) -> tuple[str, str] | None:
    """For a field unknown to a party or deal but known to other kinds of it (a vendor's
    ``content_per_unit`` under ``kind: investor``): the rule naming those kinds, and the
    ``kind:`` to try. None when no other kind has the field, or ``path`` is not in a
    ``kind:`` union."""
    node = node_at(data, path[:-1])
    kind = node.get("kind") if isinstance(node, dict) else None
    if not isinstance(kind, str):
        return None
    members = kind_members(type_at(root, path[:-1], data))
    if kind not in members:
        return None
    others = [k for k, model in members.items() if k != kind and any(
        (f.alias or n) == path[-1] for n, f in model.model_fields.items())]
    if not others:
        return None
    named = " or ".join(others) if len(others) < 3 else ", ".join(others[:-1]) + " or " + others[-1]
    return f"is not a field of kind {kind}, only of kind {named}", f"kind: {others[0]}"


def _ids(data: Any) -> list[str]:
    """Every well-formed id the document defines (``id:`` of its parties and deals)."""
    found = []
    for group in ("parties", "deals"):
        items = data.get(group) if isinstance(data, dict) else None
        for item in items if isinstance(items, list) else []:
            ident = item.get("id") if isinstance(item, dict) else None
            if isinstance(ident, str) and re.fullmatch(_ID_PATTERN, ident):
                found.append(ident)
    return found
