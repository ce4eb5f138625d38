"""Browser tests: Playwright for Python driving Debian's Chromium, headless, never a download.

`browser_page` gives a fresh page in a fresh context of one Chromium per test session. The
browser is ``/usr/bin/chromium`` (``CHIPCREDIT_CHROMIUM`` overrides it), started with the flags
that keep it from calling the network, which this machine does not have and on which
Chromium otherwise stalls.

Without Chromium or Playwright:
- on a developer machine the browser tests are skipped, with the reason and how to install
  Chromium (``pytest -ra``, which ``make test`` uses, prints it in the summary);
- in CI (``CI=true``) they fail instead: CI never skips them.

Screenshots go to ``test-artifacts/`` (git-ignored). With ``CHIPCREDIT_UPDATE_SCREENSHOTS=1``
the tests also rewrite the README's images under ``docs/img/``.
"""

from __future__ import annotations

import importlib.util
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = Path(os.environ.get("CHIPCREDIT_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
"""Flags for a machine with no network: no sandbox (CI runs as root), no GPU, no background
updates or first-run work that would wait on refused connections."""
REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "test-artifacts"
README_IMAGES = REPO / "docs" / "img"
UPDATE_SCREENSHOTS = os.environ.get("CHIPCREDIT_UPDATE_SCREENSHOTS") == "1"
INSTALL = ("install Chromium (Debian/Ubuntu: sudo apt-get install chromium) and Playwright "
           "for Python (pip install playwright, or make test, which installs the dev extra); "
           "no browser download is needed")


def _missing() -> str | None:
    """Why the browser tests cannot run here, or None."""
    if importlib.util.find_spec("playwright") is None:
        return "Playwright for Python is not installed"
    if not CHROMIUM.is_file() or not os.access(CHROMIUM, os.X_OK):
        return f"Chromium is not at {CHROMIUM}"
    return None


def require_browser() -> None:
    """Skip (developer machine) or fail (CI=true) when the browser is missing."""
    why = _missing()
    if why is None:
        return
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"browser tests cannot run: {why}; {INSTALL} (CI=true, where browser tests "
                    "may never be skipped)", pytrace=False)
    pytest.skip(f"browser tests skipped: {why}; {INSTALL}")


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """One headless Chromium for the session, closed at the end whatever happened."""
    require_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                                      args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def browser_page(browser: Any) -> Iterator[Any]:
    """A fresh page (1400 x 1000) in its own context; closed after the test. Page errors
    (uncaught JavaScript exceptions) are collected in ``page.errors``."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.errors = errors
    try:
        yield page
    finally:
        context.close()


@pytest.fixture(scope="session")
def artifacts() -> Path:
    """The folder for screenshots and other test artifacts (``test-artifacts/``)."""
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


def save_screenshot(page: Any, name: str, *, readme: str | None = None,
                    full_page: bool = False) -> Path:
    """Screenshot ``page`` to ``test-artifacts/NAME.png``; with CHIPCREDIT_UPDATE_SCREENSHOTS=1
    also to ``docs/img/README``, the README's image of it."""
    ARTIFACTS.mkdir(exist_ok=True)
    target = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(target), full_page=full_page)
    if readme is not None and UPDATE_SCREENSHOTS:
        README_IMAGES.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(README_IMAGES / readme), full_page=full_page)
    return target


@pytest.fixture
def screenshot() -> Any:
    """`save_screenshot`, as a fixture (so test modules need not import conftest)."""
    return save_screenshot
