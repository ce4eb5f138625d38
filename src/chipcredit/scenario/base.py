"""Shared pieces of the scenario models: the frozen base class, ids and quarters."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Annotated, Any, NoReturn, Self, TypeVar

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field
from pydantic_core import PydanticCustomError

from chipcredit.units import parse_quarter, suggest_quarter

from .number import Growth, Positive

__all__ = ["BUILTIN_IDS", "ID_PATTERN", "DefinedId", "Flag", "FrozenMap", "GrowthPath", "Id",
           "Model", "QuarterLabel", "ReadOnly", "Whole", "spreadsheet_reading", "spreadsheet_safe"]

K = TypeVar("K")
V = TypeVar("V")

BUILTIN_IDS = ("customers", "market", "founders")
"""Accounts every scenario has: end users and suppliers, outside equity, and founders."""


class Model(BaseModel):
    """Frozen, strict base of every scenario model: unknown keys are errors.

    Frozen all the way down: fields cannot be assigned, lists are stored as tuples and maps
    as `FrozenMap`, so a model that a result refers to cannot change under it.
    `model_copy` with ``update`` re-validates the copy (pydantic's own does not).
    """

    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)

    def model_copy(self, *, update: Mapping[str, Any] | None = None, deep: bool = False) -> Self:
        """A copy; with ``update`` (field names to new values), validated like new input.

        Raises
        ------
        ScenarioError
            When a `Scenario` copy breaks a rule (one line per problem).
        pydantic.ValidationError
            When a part of a scenario breaks a rule.
        """
        if not update:
            return super().model_copy(deep=deep)
        fields = type(self).model_fields
        data = self.model_dump(mode="python", by_alias=True, exclude_none=True)
        for key, value in update.items():
            field = fields.get(key)
            data[field.alias or key if field is not None else key] = value
        return self._revalidate(data)

    @classmethod
    def _revalidate(cls, data: dict[str, Any]) -> Self:
        return cls.model_validate(data)


class FrozenMap(dict[K, V]):
    """A dict that refuses changes: the maps of a frozen scenario (shares, stakes).

    A `dict` subclass, so reading, ``dict(m)``, ``{**m}``, JSON and pickling work as before.
    """

    __slots__ = ()

    def _refuse(self, *args: object, **kwargs: object) -> NoReturn:
        raise TypeError("a scenario map cannot be changed; use chipcredit.set_number for a "
                        "changed copy of the scenario")

    __setitem__ = __delitem__ = __ior__ = _refuse
    clear = pop = popitem = setdefault = update = _refuse

    def __reduce__(self) -> tuple[Any, ...]:
        # the default dict-subclass pickle refills the map with __setitem__, which refuses
        return (type(self), (dict(self),))


def _freeze(value: dict[Any, Any]) -> dict[Any, Any]:
    return FrozenMap(value)


ReadOnly = AfterValidator(_freeze)
"""Put in ``Annotated[dict[...], ReadOnly]``: the map is stored as a `FrozenMap`."""


_DATE = re.compile(r"^\s*(\d{4})([-/.])(0?[1-9]|1[0-2])(?:\2\d{1,2})?\s*$")
"""A date, ``2025-10-01``, ``2025-10`` or ``2025/10``: the quarter it falls in is the likely
meaning."""
_MONTH_FIRST_DATE = re.compile(r"^\s*(0?[1-9]|1[0-2])[/.-](\d{4})\s*$")
"""A month and year, ``10/2025``: as a date, the quarter it falls in."""
_MONTH_WORDS = ("january", "february", "march", "april", "may", "june", "july", "august",
                "september", "october", "november", "december")
_MONTHS = tuple(word[:3] for word in _MONTH_WORDS)
_MONTH_NAME = re.compile(r"^\s*([A-Za-z]{3,9})\.?[\s,'-]*(\d{4}|\d{2})\s*$")
"""A month by name and a year, ``Mar 2026``, ``March 2026`` or ``Mar-26``."""
_NAME_AFTER_YEAR = re.compile(r"^\s*(\d{4})[\s,-]+([A-Za-z]{3,9})\.?\s*$")
"""A year and a month by name, ``2026 Mar``."""
_HALF = re.compile(r"^\s*(?:(\d{4})[\s_/.-]?[Hh]([12])|[Hh]([12])[\s_/.'-]*(\d{4}|\d{2})"
                   r"|([12])[Hh][\s_/.'-]*(\d{4}|\d{2}))\s*$")
"""A half year, ``2026H1``, ``H1 2026`` or ``1H26``: two quarters; its first is suggested."""
_QUARTER_FIRST = re.compile(r"^\s*[Qq]([1-4])[\s_/.'-]*(\d{4}|\d{2})\s*$")
"""The quarter before the year, ``Q1 2026``, ``Q1-2026`` or ``Q3-26``: ``2026Q1`` is meant
(a two-digit year is of this century)."""
_DIGIT_FIRST = re.compile(r"^\s*([1-4])\s*[Qq][\s_/.'-]*(\d{4}|\d{2})\s*$")
"""The quarter's number, then Q and the year, as analysts write it: ``3Q26`` or ``3Q 2026``
mean ``2026Q3``."""
_FISCAL = re.compile(r"^\s*FY", re.IGNORECASE)
"""A fiscal quarter, ``FY26Q1``: fiscal years differ by company (Nvidia's FY2026 began in
February 2025, Microsoft's in July 2025), so no calendar quarter is guessed for it."""
_QUARTER_RULE = "must be a quarter written like 2025Q4"
_CALENDAR_RULE = ("must be a calendar quarter written like 2025Q4 (fiscal years differ by "
                  "company, so write the calendar quarter)")


def _quarter_number(raw: Any) -> Any:
    """A bare year (``start: 2026``) is refused with its first quarter as the hint, not
    with "must be text"."""
    if isinstance(raw, int) and not isinstance(raw, bool) and 1000 <= raw <= 9999:
        raise _refuse(_QUARTER_RULE + " (a year alone is not a quarter)", raw, f"{raw}Q1")
    return raw


def _quarter(text: str) -> str:
    try:
        parse_quarter(text)
    except ValueError:
        first = _QUARTER_FIRST.match(text) or _DIGIT_FIRST.match(text)
        hint = suggest_quarter(text) or _month_quarter(text) or (
            f"{_century(first.group(2))}Q{first.group(1)}" if first else None)
        rule = _CALENDAR_RULE if _FISCAL.match(text) else _QUARTER_RULE
        half = _HALF.match(text)
        if hint is None and half is not None:
            year = _century(half.group(1) or half.group(4) or half.group(6))
            h = int(half.group(2) or half.group(3) or half.group(5))
            hint = f"{year}Q{2 * h - 1}"
            rule += f" (H{h} {year} is two quarters, {hint} and {year}Q{2 * h}: the first is suggested)"
        raise _refuse(rule, text, hint) from None
    return text


def _month_quarter(text: str) -> str | None:
    """The quarter a month written as a date or by name falls in (``Mar 2026``, ``2026/03``,
    ``2026-07-01``: ``2026Q1``, ``2026Q1``, ``2026Q3``); None for anything else."""
    year = month = None
    if (date := _DATE.match(text)) is not None:
        year, month = date.group(1), int(date.group(3))
    elif (date := _MONTH_FIRST_DATE.match(text)) is not None:
        year, month = date.group(2), int(date.group(1))
    else:
        named = _MONTH_NAME.match(text)
        after = _NAME_AFTER_YEAR.match(text)
        name, year = ((named.group(1), named.group(2)) if named
                      else (after.group(2), after.group(1)) if after else (None, None))
        word = (name or "").lower()
        if len(word) >= 3 and any(m.startswith(word) for m in _MONTH_WORDS):
            month = _MONTHS.index(word[:3]) + 1
    if year is None or month is None:
        return None
    return f"{_century(year)}Q{(month - 1) // 3 + 1}"



def _century(year: str) -> str:
    """A year as four digits: a two-digit one (``26``) is of this century (``2026``)."""
    return year if len(year) == 4 else f"20{year}"


def _refuse(rule: str, value: object, hint: str | None = None) -> PydanticCustomError:
    return PydanticCustomError("chipcredit", "{rule}",
                               {"rule": rule, "value": value, "suggestion": hint})


_SOURCED_KEYS = frozenset({"value", "source", "basis"})
"""The keys of a count written sourced, ``{value: 4, source: "...", basis: assumed}``."""


def _whole(raw: Any) -> Any:
    """Refuse text and true/false where a count is due (pydantic would read ``"40"`` as 40
    and ``true`` as 1); a whole float such as 40.0 passes, 40.5 is refused after.

    A count may be written sourced, ``{value: 4, source: "...", basis: assumed}``, as any
    number may (docs/design.md section 2a): its ``value`` is the count, checked as a bare
    one; a count is never uncertain (no ``p05``, ``low``, ``dist``), and ``basis: fact``
    needs a ``source`` as a `Number`'s does. The source stays in the scenario's text (the
    assumptions table lists the model's `Number` fields, not counts)."""
    if isinstance(raw, dict):
        return _whole(_sourced_count(raw))
    if isinstance(raw, bool):
        raise _refuse("must be a whole number", raw)
    if isinstance(raw, str):
        text = raw.strip()
        if text.lstrip("+-").isdigit() and text.isascii():
            raise _refuse("must be a whole number", raw, str(int(text)))
        counted = _COUNT_WITH_UNIT.match(text)
        if counted is not None:  # every count is of quarters: `10 years` is 40 of them
            quarters = float(counted.group(1)) * _PER_UNIT[counted.group(2).lower().rstrip("s")]
            if quarters.is_integer():
                raise _refuse("must be a whole number of quarters, without a unit", raw,
                              str(int(quarters)))
        raise _refuse("must be a whole number", raw)
    return raw


def _sourced_count(raw: dict[Any, Any]) -> Any:
    """The ``value`` of a count written ``{value, source, basis}``; refuse any other mapping."""
    other = sorted(str(k) for k in raw if k not in _SOURCED_KEYS)
    if other or "value" not in raw:
        raise _refuse("must be a whole number, or {value, source, basis} with a whole number "
                      "as value (a count is never uncertain)", raw)
    basis, source = raw.get("basis"), raw.get("source")
    if basis not in (None, "fact", "assumed"):
        raise _refuse("has a basis that is neither fact nor assumed", basis)
    if source is not None and not isinstance(source, str):
        raise _refuse("has a source that is not text", source)
    if basis == "fact" and not (source or "").strip():
        raise _refuse("is marked basis: fact but has no source; a fact must name where it "
                      "comes from in source (or be marked basis: assumed)", source)
    return raw["value"]


_COUNT_WITH_UNIT = re.compile(r"^([0-9]+(?:\.[0-9]+)?)\s*(years?|yrs?|y|quarters?|qtrs?|q|months?|mos?)$",
                              re.IGNORECASE)
"""A count written with its unit, ``10 years``, ``40 quarters``, ``6 months``."""
_PER_UNIT = {"year": 4.0, "yr": 4.0, "y": 4.0, "quarter": 1.0, "qtr": 1.0, "q": 1.0,
             "month": 1 / 3, "mo": 1 / 3}
"""Quarters in one of each unit of `_COUNT_WITH_UNIT` (its singular, lower case)."""


def _flag(raw: Any) -> Any:
    """Only a YAML true or false: ``1`` or ``"yes"`` is not silently read as true."""
    if isinstance(raw, bool):
        return raw
    hint = None
    if isinstance(raw, int | float) and raw in (0, 1):
        hint = "true" if raw else "false"
    elif isinstance(raw, str) and raw.strip().lower() in ("yes", "true", "on", "y", "1"):
        hint = "true"
    elif isinstance(raw, str) and raw.strip().lower() in ("no", "false", "off", "n", "0"):
        hint = "false"
    raise _refuse("must be true or false", raw, hint)


Whole = Annotated[int, BeforeValidator(_whole)]
"""A count (quarters): a YAML whole number, never text or true/false."""
Flag = Annotated[bool, BeforeValidator(_flag)]
"""A yes/no field: only YAML ``true`` or ``false``."""

QuarterLabel = Annotated[str, BeforeValidator(_quarter_number), AfterValidator(_quarter)]
"""A quarter written ``2025Q4``."""

ID_PATTERN = r"^[a-z][a-z0-9_-]*$"
"""An id's form. It starts with a letter so that a spreadsheet never reads one as a number,
a date or a formula (``0042``, ``1e5``, ``3-12``, ``-1-1``) when a table is opened there."""
Id = Annotated[str, Field(pattern=ID_PATTERN, min_length=1, max_length=64)]
"""An id: a lower-case letter, then lower-case letters, digits, ``_`` and ``-``."""

_READ_AS = {
    **dict.fromkeys(("true", "false", "yes", "no", "on", "off"), "true or false"),
    **dict.fromkeys(("nan", "na", "null", "none"), "a missing value"),
    **dict.fromkeys(("inf", "infinity"), "a number"),
}
"""Words a spreadsheet, a CSV reader (``pandas.read_csv`` reads ``nan``, ``na``, ``null`` as
NaN) or a YAML 1.1 tool reads as a value rather than as text, and what each becomes."""
_MONTH_DATE = re.compile(
    r"^(?:jan|feb|mar|apr|may|jun|jul|aug|sept?|oct|nov|dec|january|february|march|april"
    r"|june|july|august|september|october|november|december)-?\d+$")
"""A month name then a number (``mar1``, ``jan-25``, ``dec-2025``, ``march-2026``), which
Excel turns into a date."""


def spreadsheet_reading(ident: str) -> str | None:
    """What a spreadsheet reads a well-formed id as (``"a date"``), or None if it keeps it
    as text."""
    if ident in _READ_AS:
        return _READ_AS[ident]
    return "a date" if _MONTH_DATE.match(ident) else None


def spreadsheet_safe(ident: str, label: str = "id") -> str:
    """``ident`` changed so that a spreadsheet keeps it as text: a word gets ``label`` in
    front (``lab-nan``), a date-like id gets it behind (``dec-2025-deal``)."""
    return f"{ident}-{label}" if _MONTH_DATE.match(ident) else f"{label}-{ident}"


def _defined_id(ident: str) -> str:
    reading = spreadsheet_reading(ident)
    if reading is not None:
        raise PydanticCustomError("chipcredit", "{rule}", {
            "rule": f"must be an id that spreadsheets keep as text, but this one reads as {reading}",
            "value": ident, "suggestion": spreadsheet_safe(ident), "spreadsheet": True})
    return ident


DefinedId = Annotated[Id, AfterValidator(_defined_id)]
"""The ``id`` a party or deal defines: an `Id` that no spreadsheet or CSV reader turns into a
date, a boolean, a number or a missing value when a table with it is opened (``dec-2025``,
``true``, ``nan``, ``inf`` are refused). References to ids are plain `Id`: the id they name
is refused where it is defined, once."""


class GrowthPath(Model):
    """A growth rate that decays from ``from`` towards ``to`` with a half-life.

    ``g(t) = to + (from - to) * 0.5 ** (t / half_life)``, effective annual, with ``t`` in
    years since the scenario start.
    """

    start: Growth = Field(alias="from")
    end: Growth = Field(alias="to")
    half_life_years: Positive
