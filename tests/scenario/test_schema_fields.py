"""The JSON Schema carries each field's default and description, and they agree with the docs.

The field tables of docs/scenario-reference.md (and the shock table of docs/stress.md) are
the one source of the descriptions: the parts of `chipcredit.scenario.fieldnotes_table`
(`PARTS`: the parties', the deals' and the rest's notes) are generated from them, and
``REGENERATE=1 pytest tests/scenario/test_schema_fields.py`` rewrites them after a docs
change. A field every kind shares (a deal's ``id``, a party's ``discount_rate``) is
noted once, under the base class the kinds share, and looked up along the MRO
(`fieldnotes.field_note`). The defaults come from the models; every default the docs state
must be the model's.
"""

from __future__ import annotations

import importlib
import json
import os
import re
import textwrap
import typing
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel

import chipcredit as cc
from chipcredit.scenario import fieldnotes_table
from chipcredit.scenario.deals import Deal, RepaymentMeans
from chipcredit.scenario.fieldnotes import (
    FIELD_NOTES,
    field_by_key,
    field_note,
    model_classes,
    number_fields,
    yaml_default,
)
from chipcredit.scenario.model import Scenario
from chipcredit.scenario.number import Number
from chipcredit.scenario.parties import Party
from chipcredit.scenario.shocks import Shock

ROOT = Path(__file__).resolve().parents[2]
REFERENCE = ROOT / "docs" / "scenario-reference.md"
STRESS = ROOT / "docs" / "stress.md"
TABLE = Path(fieldnotes_table.__file__)
PARTS = (
    ("party_fieldnotes", "PARTY_NOTES",
     ("chipcredit.scenario.parties", "chipcredit.scenario.clouds",
      "chipcredit.scenario.equity_rounds", "chipcredit.scenario.party_base"),
     "the fields of the parties (the classes of `chipcredit.scenario.parties`, `clouds`,\n"
     "`equity_rounds` and `party_base`)"),
    ("deal_fieldnotes", "DEAL_NOTES", ("chipcredit.scenario.deals",),
     "the fields of the deals (the classes of `chipcredit.scenario.deals`)"),
    ("world_fieldnotes", "WORLD_NOTES", (),
     "the fields of the scenario's shared world: the file's top level, the market, the shocks,\n"
     "the correlations and growth paths (every class outside the parties and the deals)"),
)
"""The generated modules beside `fieldnotes_table` that `FIELD_NOTES` merges: (module, its
dict, the modules whose classes' notes it holds or none for every other class, what it holds)."""
REGENERATE = os.environ.get("REGENERATE") == "1"
CLASSES = model_classes(Scenario)

_PLAIN = {"−": "-", "×": "x", "≥": ">=", "≤": "<=", "→": "->", "≈": "~", "—": "-", "–": "-"}


def _union(annotated: Any) -> list[type[BaseModel]]:
    """The model classes of a discriminated union (``Annotated[A | B, Field(...)]``)."""
    union = typing.get_args(annotated)[0]
    return list(typing.get_args(union))


def _by_kind(annotated: Any) -> dict[str, type[BaseModel]]:
    return {typing.get_args(cls.model_fields["kind"].annotation)[0]: cls
            for cls in _union(annotated)}


SECTIONS: dict[str, list[type[BaseModel]]] = {
    "Scenario": [Scenario],
    "Parties": _union(Party),
    "Deals": _union(Deal),
    "SPV": [CLASSES["Covenants"]],
    "Correlations": [CLASSES["Correlation"]],
}
"""Doc sections whose table is not headed by the class name: the common fields of every
party and every deal kind, the covenants, the correlations."""


def _clean(text: str) -> str:
    text = re.sub(r"\[([^\]]+)\]\([^)]*\)", r"\1", text)  # [Market](#market) -> Market
    text = text.replace("\\|", "|").replace("`", "")
    for fancy, plain in _PLAIN.items():
        text = text.replace(fancy, plain)
    return " ".join(text.split())


def _cells(line: str) -> list[str]:
    inner = line.strip().strip("|").replace("\\|", "\0")
    return [cell.strip().replace("\0", "\\|") for cell in inner.split("|")]


def _tables(path: Path) -> list[tuple[str, list[dict[str, str]]]]:
    """Every table of a markdown file with the first word of the heading it sits under."""
    tables: list[tuple[str, list[dict[str, str]]]] = []
    heading = ""
    lines = path.read_text(encoding="utf-8").splitlines()
    i = 0
    while i < len(lines):
        line = lines[i]
        if line.startswith("#"):
            heading = line.lstrip("#").strip().split(" ")[0].strip("`")
        elif line.startswith("|") and i + 1 < len(lines) and lines[i + 1].startswith("|---"):
            header = [_clean(c) for c in _cells(line)]
            rows = []
            i += 2
            while i < len(lines) and lines[i].startswith("|"):
                rows.append(dict(zip(header, _cells(lines[i]), strict=True)))
                i += 1
            tables.append((heading, rows))
            continue
        i += 1
    return tables


def _target(cls: type[BaseModel], key: str) -> tuple[type[BaseModel], str]:
    """The class and key a documented ``a.b`` field names (``drawing.purchases``)."""
    while "." in key:
        head, key = key.split(".", 1)
        info = field_by_key(cls)[head]
        cls = next(c for c in CLASSES.values() if c in _classes(info.annotation))
    return cls, key


def _classes(annotation: Any) -> list[Any]:
    out = [annotation]
    for arg in typing.get_args(annotation):
        out.extend(_classes(arg))
    return out


def _describe(row: dict[str, str], meaning: str) -> str:
    kind = _clean(row.get("type", ""))
    unit = _clean(row.get("unit", ""))
    what = ", ".join(part for part in (kind, unit) if part)
    text = _clean(meaning)
    text = f"{text} ({what})" if text and what else text or what
    return text[:1].upper() + text[1:]


def documented_rows() -> list[tuple[type[BaseModel], str, dict[str, str], str]]:
    """(class, YAML key, table row, description) for every documented field."""
    found = []
    for heading, rows in _tables(REFERENCE):
        for row in rows:
            if "field" not in row:
                continue
            if "kind" in row:  # the repayment means of a vendor credit, by kind
                owners = [_by_kind(RepaymentMeans)[_clean(row["kind"])]]
            else:
                owners = SECTIONS.get(heading) or (
                    [CLASSES[heading]] if heading in CLASSES else [])
            for key in _clean(row["field"]).split(", "):
                if key in ("(none)", ""):
                    continue
                for owner in owners:
                    cls, name = _target(owner, key)
                    found.append((cls, name, row, _describe(row, row["meaning"])))
    shocks = _by_kind(Shock)
    for _heading, rows in _tables(STRESS):
        for row in rows:
            if "fields" not in row or _clean(row["kind"]) not in shocks:
                continue
            effect = next(v for k, v in row.items() if k.startswith("effect"))
            for key in _clean(row["fields"]).split(", "):
                if key:
                    found.append((shocks[_clean(row["kind"])], key, row, _describe(row, effect)))
    return found


def notes_by_class() -> dict[type[BaseModel], dict[str, str]]:
    """Every documented field's description, by the schema class it is a field of."""
    notes: dict[type[BaseModel], dict[str, str]] = {}
    for cls, key, _row, text in documented_rows():
        notes.setdefault(cls, {})[key] = text
    return notes


def _common_to_kinds(base: type[BaseModel], key: str) -> bool:
    """Whether ``key`` is a field of every schema class derived from ``base`` (at least two):
    the discriminator ``kind``, which each kind declares itself, is common to them all."""
    kinds = [c for c in CLASSES.values() if issubclass(c, base) and c is not base]
    return len(kinds) >= 2 and all(key in field_by_key(c) for c in kinds)


def _owner(cls: type[BaseModel], key: str, text: str,
           notes: dict[type[BaseModel], dict[str, str]]) -> type[BaseModel]:
    """The class a note is keyed by: the first base of ``cls`` (in MRO order, most basic
    first) that declares ``key`` or whose kinds all have it, provided every schema class
    derived from that base which has the field is documented with the same ``text``;
    else ``cls`` itself (a kind whose text differs keeps its own entry)."""
    for base in reversed(cls.__mro__):
        if not (isinstance(base, type) and issubclass(base, BaseModel)) or base is cls:
            continue
        if base is BaseModel or not (key in field_by_key(base) or _common_to_kinds(base, key)):
            continue
        sharers = [c for c in CLASSES.values() if issubclass(c, base) and key in field_by_key(c)]
        if all(notes.get(c, {}).get(key) == text for c in sharers):
            return base
    return cls


def notes_from_docs() -> dict[str, dict[str, str]]:
    """`FIELD_NOTES` as the docs give it: each note keyed by its `_owner`, once."""
    by_class = notes_by_class()
    notes: dict[str, dict[str, str]] = {}
    for cls, fields in by_class.items():
        for key, text in fields.items():
            notes.setdefault(_owner(cls, key, text, by_class).__name__, {})[key] = text
    return {name: dict(sorted(fields.items())) for name, fields in sorted(notes.items())}


def _part(name: str) -> str:
    """The module of `PARTS` that holds the notes of class ``name``: that of the modules
    one of which defines it, else the last (every other class)."""
    for module, _variable, sources, _what in PARTS:
        for source in sources:
            cls = getattr(importlib.import_module(source), name, None)
            if isinstance(cls, type) and cls.__module__ == source:
                return module
    return PARTS[-1][0]


def _parts(notes: dict[str, dict[str, str]]) -> dict[str, dict[str, dict[str, str]]]:
    """``notes`` split by `_part`, each part in the order of ``notes``."""
    return {module: {name: fields for name, fields in notes.items() if _part(name) == module}
            for module, *_ in PARTS}


def _module_text(notes: dict[str, dict[str, str]], variable: str, what: str) -> str:
    out = [f'"""Notes on {what}.', "",
           'Generated by tests/scenario/test_schema_fields.py from the field tables of',
           'docs/scenario-reference.md and docs/stress.md: do not edit, run',
           '``REGENERATE=1 pytest tests/scenario/test_schema_fields.py`` (see `fieldnotes`)."""',
           "", f"{variable}: dict[str, dict[str, str]] = {{"]
    for name, fields in notes.items():
        out.append(f"    {json.dumps(name)}: {{")
        for key, text in fields.items():
            line = f"        {json.dumps(key)}: {json.dumps(text, ensure_ascii=False)},"
            if len(line) <= 110:
                out.append(line)
                continue
            pieces = textwrap.wrap(text, 94, drop_whitespace=False, break_long_words=False)
            out.append(f"        {json.dumps(key)}: (")
            out.extend(f"            {json.dumps(piece, ensure_ascii=False)}" for piece in pieces)
            out.append("        ),")
        out.append("    },")
    out.append("}")
    return "\n".join(out) + "\n"


def test_the_schema_notes_are_those_of_the_docs() -> None:
    notes = notes_from_docs()
    parts = _parts(notes)
    if REGENERATE:
        for module, variable, _source, what in PARTS:
            TABLE.with_name(f"{module}.py").write_text(_module_text(parts[module], variable, what),
                                                       encoding="utf-8")
        pytest.skip("rewrote the parts of " + str(TABLE))
    assert FIELD_NOTES == notes, ("docs and the parts of chipcredit/scenario/fieldnotes_table.py "
                                  "differ: REGENERATE=1 pytest tests/scenario/test_schema_fields.py")
    for module, variable, *_ in PARTS:
        part = getattr(importlib.import_module(f"chipcredit.scenario.{module}"), variable)
        assert part == parts[module], f"{module}: REGENERATE=1 pytest tests/scenario/test_schema_fields.py"


def test_every_schema_field_gets_its_own_docs_text() -> None:
    """Looked up along the MRO, the compact `FIELD_NOTES` gives every field of every schema
    class exactly its docs description, and none to an undocumented field (a common field
    noted once under ``_DealBase`` must not leak to a field the docs leave out)."""
    by_class = notes_by_class()
    for cls in CLASSES.values():
        for key in field_by_key(cls):
            assert field_note(cls, key) == by_class.get(cls, {}).get(key), f"{cls.__name__}.{key}"


def test_common_deal_and_party_fields_are_noted_once() -> None:
    """A field every deal (or party) kind shares is one entry under the base class, not one
    per kind; the docs document it once, in the Deals (Parties) table."""
    deals = [cls.__name__ for cls in _union(Deal)]
    for key in ("id", "kind", "description", "start", "status", "close_probability", "registry"):
        assert key in FIELD_NOTES["_DealBase"], key
        assert not [name for name in deals if key in FIELD_NOTES.get(name, {})], key
    parties = [cls.__name__ for cls in _union(Party)]
    for key in ("id", "kind", "name", "description", "discount_rate"):
        assert key in FIELD_NOTES["PartyBase"], key
        assert not [name for name in parties if key in FIELD_NOTES.get(name, {})], key


def test_every_documented_field_exists() -> None:
    """A docs row that names no field of the model is a stale row (or a typo)."""
    for cls, key, _row, _text in documented_rows():
        assert key in field_by_key(cls), f"docs document {cls.__name__}.{key}, which is not a field"


def test_every_number_field_in_the_schema_has_a_description_and_its_default() -> None:
    schema = cc.scenario_json_schema()
    for name, cls in CLASSES.items():
        props = schema["properties"] if cls is Scenario else schema["$defs"][name]["properties"]
        for key, info in number_fields(cls).items():
            prop = props[key]
            assert prop.get("description"), f"{name}.{key} has no description in the schema"
            if info.is_required():
                assert "default" not in prop, f"{name}.{key}"
            else:
                assert "default" in prop, f"{name}.{key} has no default in the schema"
                assert prop["default"] == yaml_default(info.get_default(
                    call_default_factory=True)), f"{name}.{key}"


def test_the_schema_names_discount_rate_its_default_and_unit() -> None:
    """What an editor user sees for a party's discount rate (the reviewer's case)."""
    prop = cc.scenario_json_schema()["$defs"]["Lender"]["properties"]["discount_rate"]
    assert prop["default"] == 0.10
    assert prop["description"] == ("Rate at which this party discounts its flows for NPV "
                                   "(DiscountRate, effective annual)")
    backstop = cc.scenario_json_schema()["$defs"]["CapacityBackstop"]["properties"]
    assert backstop["close_probability"]["default"] == 1.0
    assert "$B" in backstop["cap"]["description"]


def _documented_default(text: str) -> object:
    """A docs default cell as a value: a number, "required", or None for any other text."""
    text = _clean(text)
    if text == "required":
        return "required"
    try:
        return float(text)
    except ValueError:
        return None


def test_documented_defaults_equal_the_model_defaults() -> None:
    checked = 0
    for cls, key, row, _text in documented_rows():
        info = field_by_key(cls)[key]
        if "default" not in row or Number not in _classes(info.annotation):
            continue
        if typing.get_origin(info.annotation) in (dict, tuple, list):
            continue  # maps and lists of numbers: their defaults are not numbers
        said = _documented_default(row["default"])
        where = f"{cls.__name__}.{key}: docs say {row['default']!r}"
        if said == "required":
            assert info.is_required(), where
            continue
        assert not info.is_required(), where
        default = info.get_default(call_default_factory=True)
        if said is None:  # "none", "the then valuation": no number is assumed
            assert default is None, where
        else:
            assert isinstance(default, Number) and default.dist == "fixed", where
            assert default.value == said, where
        checked += 1
    assert checked >= 60


# Term before Positive: a Term is a Positive with one more check
_NUMBER_TYPES = ("Signed", "Money", "Volatility", "Term", "Positive", "Fraction", "OpenFraction", "Rate",
                 "Growth", "DiscountRate", "Quarters")


def _number_type(info: Any) -> str | None:
    """The name of the number type (`Money`, `Volatility`, ...) a field is annotated with,
    through ``| None``, lists and maps; None for a plain `Number` or no number. (pydantic
    moves a bare ``Annotated`` type's validators into ``info.metadata``.)"""
    from chipcredit.scenario import number

    for name in _NUMBER_TYPES:
        marks = list(getattr(number, name).__metadata__)
        if info.metadata and all(any(m is x for x in info.metadata) for m in marks):
            return name
        for part in _classes(info.annotation):
            if part is getattr(number, name):
                return name
    return None


def test_every_documented_number_type_is_the_one_the_code_checks() -> None:
    """A row typed Money whose field is checked as a Volatility (at most 10) misleads the
    reader about the limit: the docs' type column must name the type the model uses."""
    checked = 0
    for cls, key, row, _text in documented_rows():
        info = field_by_key(cls).get(key)
        code = None if info is None else _number_type(info)
        doc = _clean(row.get("type", "")).replace("Probability", "Fraction")
        if code is None or doc not in _NUMBER_TYPES:
            continue
        checked += 1
        assert doc == code, f"{cls.__name__}.{key}: the docs say {doc}, the code checks {code}"
    assert checked >= 60
