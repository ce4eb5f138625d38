"""Defaults and one-line descriptions of scenario fields, for the JSON Schema.

`scenario_json_schema` gives every documented field its ``description`` (meaning, type and
unit) and every number field with a default its ``default``, written as in YAML (``0.1``,
not ``{dist: fixed, value: 0.1}``), so an editor shows both.

The descriptions are those of the field tables in docs/scenario-reference.md (shocks: the
table in docs/stress.md), copied into `FIELD_NOTES`; the defaults come from the models
themselves. tests/scenario/test_schema_fields.py checks that `FIELD_NOTES` equals what the
docs say and that every default the docs state is the model's;
``REGENERATE=1 pytest tests/scenario/test_schema_fields.py`` rewrites `FIELD_NOTES` from the
docs.

`FIELD_NOTES` is keyed by class name, and a field common to every kind of a section (a deal's
``id``, ``start``, ``close_probability``, ...; a party's ``discount_rate``) is noted once,
under the base class the kinds share (``_DealBase``, ``PartyBase``), as the docs document it
once; `field_note` looks a field's note up along the class's MRO, so a kind whose text
differs keeps its own entry.
"""

from __future__ import annotations

import inspect
import typing
from collections.abc import Iterator
from typing import Any

from pydantic import BaseModel
from pydantic.fields import FieldInfo

from .fieldnotes_table import FIELD_NOTES
from .number import Number

__all__ = ["FIELD_NOTES", "annotate_schema", "field_by_key", "field_note", "model_classes",
           "number_fields", "yaml_default"]


def _classes_in(annotation: Any) -> Iterator[type[BaseModel]]:
    """The model classes an annotation names, through unions, lists, maps and Annotated."""
    if inspect.isclass(annotation) and issubclass(annotation, BaseModel):
        yield annotation
        return
    for arg in typing.get_args(annotation):
        yield from _classes_in(arg)


def model_classes(root: type[BaseModel]) -> dict[str, type[BaseModel]]:
    """Every model class reachable from ``root`` (itself included), by class name; `Number`
    is left out (it is the value of a field, not a section of the file)."""
    found: dict[str, type[BaseModel]] = {}
    todo = [root]
    while todo:
        cls = todo.pop()
        if cls.__name__ in found or cls is Number:
            continue
        found[cls.__name__] = cls
        for info in cls.model_fields.values():
            todo.extend(_classes_in(info.annotation))
    return found


def field_by_key(cls: type[BaseModel]) -> dict[str, FieldInfo]:
    """A model's fields by the key written in YAML (``from``, not ``start``)."""
    return {info.alias or name: info for name, info in cls.model_fields.items()}


def number_fields(cls: type[BaseModel]) -> dict[str, FieldInfo]:
    """The fields of ``cls`` that hold numbers (a `Number`, or a list or map of them)."""
    return {key: info for key, info in field_by_key(cls).items()
            if Number in _classes_in(info.annotation)}


def yaml_default(value: Any) -> Any:
    """A default as it would be written in YAML: a fixed number without a source is a bare
    number; maps, lists and models are written out the same way."""
    if isinstance(value, Number):
        if value.dist == "fixed" and value.source is None and value.basis is None:
            return value.value
        return value.model_dump(mode="json", exclude_none=True)
    if isinstance(value, BaseModel):
        return {key: yaml_default(getattr(value, name))
                for name, info in type(value).model_fields.items()
                for key in [info.alias or name] if getattr(value, name) is not None}
    if isinstance(value, dict):
        return {k: yaml_default(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [yaml_default(v) for v in value]
    return value


def field_note(cls: type[BaseModel], key: str) -> str | None:
    """The description of field ``key`` (as written in YAML) of ``cls``: its own note in
    `FIELD_NOTES`, else that of the nearest base class in its MRO; None if undocumented."""
    for base in cls.__mro__:
        note = FIELD_NOTES.get(base.__name__, {}).get(key)
        if note is not None:
            return note
    return None


def annotate_schema(schema: dict[str, Any], root: type[BaseModel]) -> dict[str, Any]:
    """Add descriptions from `FIELD_NOTES` and the defaults of number fields to ``schema``
    (pydantic's JSON Schema of ``root``), in place; returns it."""
    defs = schema.get("$defs", {})
    for name, cls in model_classes(root).items():
        target = schema if cls is root else defs.get(name)
        if target is None:
            continue
        properties = target.get("properties", {})
        numbers = number_fields(cls)
        for key, prop in properties.items():
            note = field_note(cls, key)
            if note is not None:
                prop["description"] = note
            info = numbers.get(key)
            if info is not None and not info.is_required():
                prop["default"] = yaml_default(info.get_default(call_default_factory=True))
    return schema
