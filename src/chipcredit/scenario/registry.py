"""The bundled scenarios shipped in ``chipcredit/scenarios/*.yaml``."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import yaml

__all__ = ["bundled_names", "bundled_path", "describe_bundled"]


def _folder() -> Path:
    return Path(str(resources.files("chipcredit") / "scenarios"))


def bundled_names() -> list[str]:
    """The scenarios shipped with chipcredit.

    Returns
    -------
    list of str
        Their names, sorted (e.g. ``"seed-2025"``); each can be passed to `load_scenario`,
        `chipcredit.simulate` or the CLI in place of a file.
    """
    return sorted(p.stem for p in _folder().glob("*.yaml"))


def bundled_path(name: str) -> Path | None:
    """Path of a bundled scenario by name, or None."""
    if name not in bundled_names():  # a name too long for the file system is just unknown
        return None
    return _folder() / f"{name}.yaml"


def describe_bundled() -> list[tuple[str, str]]:
    """The bundled scenarios with what each is about.

    Returns
    -------
    list of (str, str)
        ``(name, first line of its description)`` for each bundled scenario, sorted by name.
    """
    rows = []
    for name in bundled_names():
        path = bundled_path(name)
        assert path is not None
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        text = str(data.get("description", "")).strip().splitlines()
        rows.append((name, text[0] if text else ""))
    return rows
