"""The dashboard's words: one catalogue pair, ``locale/en.yaml`` and ``locale/zh.yaml``.

Every string the dashboard shows comes from these files, under the ``dashboard.`` key
namespace. They are merged into the report's catalogue of the same language
(`chipcredit.report.i18n`), so the page gets the same `Catalogue` methods (``t``, ``money``,
``percent``, ``multiple``) and chart words as the report, and charts read the same in both.
A test checks that the two dashboard files have the same keys and placeholders.
"""

from __future__ import annotations

import functools
from importlib import resources
from typing import Any

import yaml

from chipcredit.report.i18n import LANGUAGES, Catalogue, catalogue

__all__ = ["LANGUAGES", "dashboard_entries", "words"]


def _flat(tree: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in tree.items():
        if isinstance(value, dict):
            out.update(_flat(value, f"{prefix}{key}."))
        else:
            out[f"{prefix}{key}"] = value
    return out


@functools.cache
def dashboard_entries(lang: str) -> dict[str, Any]:
    """The dashboard's own entries of ``lang``, flat (``dashboard.run.button``)."""
    text = resources.files("chipcredit.dashboard").joinpath("locale", f"{lang}.yaml") \
        .read_text("utf-8")
    return _flat(yaml.safe_load(text))


@functools.cache
def words(lang: str = "en") -> Catalogue:
    """The report's catalogue of ``lang`` with the dashboard's entries added."""
    base = catalogue(lang)
    return Catalogue(base.lang, {**base.entries, **dashboard_entries(base.lang)})
