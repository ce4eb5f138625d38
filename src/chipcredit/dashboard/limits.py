"""The dashboard's safety limits: what it accepts from a browser, and how it refuses the rest.

The dashboard is a web page that anyone who can reach its port may drive, so it trusts none
of what arrives:

- it listens on 127.0.0.1 unless told otherwise (`is_loopback` decides whether to warn);
- an upload is at most `MAX_UPLOAD_BYTES` (Streamlit's own cap, ``--server.maxUploadSize``,
  is set to the same size by the launcher; `check_upload_size` repeats the check in Python,
  so the cap holds even when the app is started by hand);
- uploaded bytes go through the same safe, limited YAML loader as the CLI
  (`chipcredit.load_scenario`'s node, depth and size limits; no Python tags);
- a run is at most `MAX_PATHS` paths (`check_paths`);
- no text from the browser is ever used as a file name, a path or a shell word: the upload's
  name is only shown, after `display_name` has cut it down to safe characters.
"""

from __future__ import annotations

import ipaddress
import re

from chipcredit.analytics.arguments import seed_value
from chipcredit.errors import UsageError

__all__ = [
    "DEFAULT_PATHS",
    "MAX_PATHS",
    "MAX_UPLOAD_BYTES",
    "MAX_UPLOAD_MB",
    "LimitError",
    "check_paths",
    "check_upload_size",
    "display_name",
    "is_loopback",
    "markdown_safe",
    "seed_number",
]

MAX_UPLOAD_MB = 10
"""Largest scenario upload in MB (the CLI's limit for a scenario file; real ones are a few kB)."""
MAX_UPLOAD_BYTES = MAX_UPLOAD_MB * 1024 * 1024
MAX_PATHS = 100_000
"""Most paths of one dashboard run (about a minute on one core); the CLI runs more."""
DEFAULT_PATHS = 1_000

_DIGITS = re.compile(r"[+-]?[0-9]+")
_SAFE = re.compile(r"[^A-Za-z0-9._-]+")
_MARKDOWN = re.compile(r"([\\`*_{}\[\]()<>#+!|~$:-])")
_NAME_CHARS = 60


class LimitError(ValueError):
    """A request over a dashboard limit: ``key`` names its message in the text catalogue
    (``dashboard.limit.*``) and ``values`` fill it in."""

    def __init__(self, key: str, **values: str) -> None:
        super().__init__(f"{key}: {values}")
        self.key = key
        self.values = values


def check_upload_size(size: int) -> None:
    """Refuse an upload larger than `MAX_UPLOAD_BYTES`.

    Raises
    ------
    LimitError
        With the size and the limit, in MB.
    """
    if size > MAX_UPLOAD_BYTES:
        raise LimitError("upload_too_big", size=f"{size / 2**20:.1f}", limit=str(MAX_UPLOAD_MB))


def check_paths(paths: int) -> None:
    """Refuse a path count outside ``1..MAX_PATHS``.

    Raises
    ------
    LimitError
        With the refused count.
    """
    if paths < 1:  # the CLI's rule (--paths at least 1), not a dashboard limit
        raise LimitError("paths_low", paths=f"{paths:,}")
    if paths > MAX_PATHS:
        raise LimitError("paths", paths=f"{paths:,}", limit=f"{MAX_PATHS:,}")


def seed_number(text: str) -> int:
    """The seed typed in the page, read as the CLI reads ``--seed``: whole-number digits
    (an optional sign; spaces round it ignored) checked by the library's own rule,
    `chipcredit.analytics.arguments.seed_value` (0 to 2**63 - 1, which `chipcredit.simulate`
    applies to every run), so the page takes exactly the seeds the CLI takes.

    Raises
    ------
    UsageError
        One line: the rule and the text typed (``seed must be a whole number at least 0;
        got '1.5'``) or the number (``seed must be below 2**63 ...; got 9223372036854775808``).
    """
    stripped = text.strip()
    if not _DIGITS.fullmatch(stripped):
        raise UsageError(f"seed must be a whole number at least 0; got {stripped!r}")
    return seed_value(int(stripped))


def display_name(name: str | None) -> str:
    """The upload's file name cut to letters, digits, ``.``, ``_`` and ``-`` (at most 60),
    for error messages only; never used to open or write anything."""
    base = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    safe = _SAFE.sub("_", base).strip("._")[:_NAME_CHARS]
    return safe or "upload.yaml"


def markdown_safe(text: str) -> str:
    """Free text from a scenario (its name) made inert for Streamlit's Markdown: every
    character that could start a link, an image, HTML or a formula is escaped."""
    return _MARKDOWN.sub(r"\\\1", " ".join(text.split()))


def is_loopback(host: str) -> bool:
    """Whether ``host`` only accepts connections from this machine (127.0.0.0/8, ::1,
    ``localhost``)."""
    if host.strip().lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip().strip("[]")).is_loopback
    except ValueError:
        return False
