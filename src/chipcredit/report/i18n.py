"""Languages of the charts and the report: one catalogue per language, and number formats.

Every user-facing string lives in ``locale/<lang>.yaml`` (``en`` and ``zh``, Simplified
Chinese), under the same keys. Code asks a `Catalogue` for a key and gets the text with its
placeholders filled; it never holds a sentence itself. Numbers are formatted here for the
language, always with their unit: ``$2.5B`` in English, ``25亿美元`` in Chinese (1 $B is
10 亿美元; from 1,000 $B on, ``$1.2T`` and ``1.2万亿美元``).

>>> cat = catalogue("zh")
>>> cat.money(2.5)
'25亿美元'
>>> cat.t("chart.median")
'中位数'
"""

from __future__ import annotations

import functools
import math
import string
from importlib import resources
from typing import Any

import yaml

from chipcredit.analytics import unit
from chipcredit.errors import UsageError, did_you_mean

from .path_shares import near_end_percent

__all__ = ["LANGUAGES", "Catalogue", "catalogue", "placeholders", "significant"]

LANGUAGES = ("en", "zh")
"""Languages with a catalogue, English first (the default)."""


def significant(value: float, digits: int = 3, max_decimals: int | None = None) -> str:
    """``value`` rounded to ``digits`` significant figures, thousands separated, no trailing
    zeros: 2 -> ``2``, 0.4123 -> ``0.412``, 12345.6 -> ``12,346``.

    ``max_decimals`` caps the decimals (the finest step shown): with 3, 0.0004 -> ``0`` and
    0.00123 -> ``0.001``. A value that rounds to zero is ``0``, never ``-0``.
    """
    if not math.isfinite(value):
        return "nan"
    if value == 0:
        return "0"
    exponent = math.floor(math.log10(abs(value)))
    decimals = max(digits - 1 - exponent, 0)
    if max_decimals is not None:
        decimals = min(decimals, max_decimals)
    text = f"{value:,.{decimals}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def placeholders(text: str) -> set[str]:
    """Names of the ``{placeholders}`` in a catalogue string."""
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def _flatten(tree: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in tree.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            out.update(_flatten(value, name + "."))
        else:
            out[name] = value
    return out


class Catalogue:
    """The strings and number formats of one language.

    Parameters
    ----------
    lang : str
        ``en`` or ``zh``.
    entries : dict of str to str or number
        Flat keys (``chart.median``) to their text.
    """

    def __init__(self, lang: str, entries: dict[str, Any]) -> None:
        self.lang = lang
        self.entries = entries

    def __repr__(self) -> str:
        return f"Catalogue({self.lang!r}, {len(self.entries)} entries)"

    def has(self, key: str) -> bool:
        return key in self.entries

    def t(self, key: str, **values: Any) -> str:
        """The text of ``key`` with its placeholders filled by ``values``."""
        try:
            text = self.entries[key]
        except KeyError:
            hint = did_you_mean(key, list(self.entries))
            raise KeyError(f"no catalogue entry {key!r} in {self.lang}"
                           + (f" (did you mean {hint}?)" if hint else "")) from None
        return str(text).format(**values) if values else str(text)

    def label(self, group: str, name: str, **values: Any) -> str:
        """``group.name`` if the catalogue has it, else ``name`` itself (an id, e.g. a
        transfer kind added after this catalogue was written)."""
        key = f"{group}.{name}"
        return self.t(key, **values) if key in self.entries else name

    # -- numbers -------------------------------------------------------------------------
    @property
    def money_scale(self) -> float:
        """Factor from $B to this language's money unit on axes (1 for $B, 10 for 亿美元)."""
        return float(self.entries["number.money_scale"])

    @property
    def money_unit(self) -> str:
        return str(self.entries["number.money_unit"])

    def na(self) -> str:
        return self.t("number.not_available")

    def money(self, amount: float | None) -> str:
        """An amount given in $B, in this language's unit: ``$2.5B``, ``25亿美元``.

        Three significant figures in both languages (168.6 is ``$169B`` and ``1,690亿美元``,
        not ``1,686亿美元``), but no step finer than ``number.money_decimals`` decimals
        of the unit ($1M in both languages), so float noise such as -1.8e-13 prints as
        ``$0B``. The sign goes before the whole amount (``-$1.04T``, ``-682亿美元``), and an
        amount that rounds to zero has none. From ``number.money_big_at`` $B on (after
        rounding: 999.7 is ``$1T``), the big unit is used.
        """
        if amount is None or not math.isfinite(amount):
            return self.na()
        size = abs(amount)
        if float(f"{size:.3g}") >= float(self.entries["number.money_big_at"]):
            text = self.t("number.money_big",
                          value=significant(size * float(self.entries["number.money_big_scale"])))
            return ("-" + text) if amount < 0 else text
        # three figures of the amount, not of its digits in the unit: 168.6 $B is 1,690亿美元
        # as it is $169B (`significant` keeps every digit before the point: 1,686)
        digits = significant(float(f"{size * self.money_scale:.3g}"),
                             max_decimals=int(self.entries["number.money_decimals"]))
        text = self.t("number.money", value=digits)
        return ("-" + text) if amount < 0 and digits != "0" else text

    def percent(self, share: float | None, digits: int = 2) -> str:
        """A share (0.23) as a percent (``23%``)."""
        if share is None or not math.isfinite(share):
            return self.na()
        value = share * 100
        text = significant(value, digits) if abs(value) >= 1 else significant(value, 1)
        return self.t("number.percent", value=text)

    def path_share(self, share: float | None, digits: int = 2) -> str:
        """A share of the paths (0.23) as a percent, as `percent` writes it to ``digits``
        figures, except within 1% of none or all of them, where it has two significant
        figures of its distance from there (`path_shares.near_end_percent`, the rule of
        ``chipcredit run``'s tables): a share that is neither none nor all never reads 0%,
        100% or a neighbour (1 path in 2,000 is ``0.05%``, not ``0.1%``; 1,999 are
        ``99.95%``).

        >>> cat = catalogue("en")
        >>> cat.path_share(0.9995), cat.path_share(0.996), cat.path_share(0.0015)
        ('99.95%', '99.6%', '0.15%')
        >>> cat.path_share(1.0), cat.path_share(0.0), cat.path_share(0.23)
        ('100%', '0%', '23%')
        """
        near = None if share is None or not math.isfinite(share) else near_end_percent(share)
        return self.percent(share, digits) if near is None else self.t("number.percent",
                                                                        value=near)

    def multiple(self, value: float | None) -> str:
        """A multiple of money: ``1.4x``, ``1.4倍``."""
        if value is None or not math.isfinite(value):
            return self.na()
        return self.t("number.multiple", value=significant(value, 2 if abs(value) < 10 else 3))

    def number(self, value: float | None, digits: int = 3) -> str:
        if value is None or not math.isfinite(value):
            return self.na()
        return significant(value, digits)

    def paths(self, count: int) -> str:
        """``1 path``, ``2,000 paths``."""
        return self.t("number.path") if count == 1 else self.t("number.paths", count=f"{count:,}")

    def metric_value(self, metric: str, value: float | None) -> str:
        """A metric's value in its unit, as the one table of units has it
        (`chipcredit.analytics.unit.metric_unit`; see `in_unit`): ``npv`` ``$2.5B``, ``irr``
        ``12.3%``, ``moic`` ``1.4x``, ``default_probability`` ``23%``, ``share_price_end``
        ``$165``, ``second_source_quarter`` ``12 quarters from the start``.

        Raises
        ------
        MissingUnit
            For a metric the table lacks (add it there).
        """
        return self.in_unit(unit.metric_unit(metric), value)

    def path_value(self, path: str, value: float | None) -> str:
        """The number at a metric path of the JSON summary in its unit
        (`chipcredit.analytics.unit.summary_unit`): ``vendors.amd.share_price_end.p50``
        ``$165``, ``deals.d.parties.p.irr.nan_share`` ``4%`` (a share of paths, not a rate).
        """
        return self.in_unit(unit.summary_unit(path) or "", value)

    def in_unit(self, unit_name: str, value: float | None) -> str:
        """``value`` formatted for its unit (a unit string of `chipcredit.analytics.unit`).

        - ``$B``, ``$B a quarter``: money (`money`);
        - ``annual rate``: a percent to three figures (``12.3%``);
        - ``x``: a multiple (`multiple`);
        - ``probability``, ``share``, ``share of paths``: a percent (`percent`);
        - ``$ per share``: US$, three figures, no step finer than a cent (``$165``, ``$0.01``);
        - ``M shares``: millions of shares (``160M shares``);
        - ``quarters``: a length (``4 quarters``); ``quarters from start``: a quarter index
          (``12 quarters from the start``), not a date: a mean or percentile of it over paths
          is not a whole quarter;
        - anything else (a count of paths, a ratio, an index, a code, a 0-or-1 event, the
          scenario's capacity): the plain number, three figures.
        """
        if value is None or not math.isfinite(value):
            return self.na()
        if unit_name in (unit.MONEY, unit.MONEY_A_QUARTER):
            return self.money(value)
        if unit_name == unit.RATE:
            return self.percent(value, 3)
        if unit_name == unit.MULTIPLE:
            return self.multiple(value)
        if unit_name in (unit.PROBABILITY, unit.SHARE, unit.SHARE_OF_PATHS):
            return self.percent(value)
        if unit_name == unit.PRICE:
            digits = significant(abs(value), max_decimals=2)
            text = self.t("number.price", value=digits)
            return ("-" + text) if value < 0 and digits != "0" else text
        if unit_name == unit.SHARES:
            return self.t("number.shares_millions", value=self.number(value))
        if unit_name == unit.QUARTERS:
            return self.t("number.quarters", value=self.number(value))
        if unit_name == unit.QUARTER:
            return self.t("number.quarters_from_start", value=self.number(value))
        return self.number(value)


@functools.cache
def _load(lang: str) -> Catalogue:
    text = resources.files("chipcredit.report").joinpath("locale", f"{lang}.yaml").read_text("utf-8")
    return Catalogue(lang, _flatten(yaml.safe_load(text)))


def catalogue(lang: str = "en") -> Catalogue:
    """The catalogue of ``lang`` (``en`` or ``zh``); UsageError for any other."""
    if lang not in LANGUAGES:
        hint = did_you_mean(str(lang), LANGUAGES)
        raise UsageError(f"language must be one of {', '.join(LANGUAGES)}; got {lang!r}"
                         + (f" (did you mean {hint}?)" if hint else ""))
    return _load(lang)
