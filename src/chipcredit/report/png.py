"""Charts as PNG files (for slides), drawn by Plotly.js in a headless Chromium.

No browser is ever downloaded: this drives the system's Chromium (Debian's
``/usr/bin/chromium``, or the one named by ``CHIPCREDIT_CHROMIUM``) through Playwright, with
the flags that keep it off the network. One page loads Plotly.js once from the local package,
then ``Plotly.toImage`` renders each figure; nothing is fetched.

A still image cannot be clicked, so each figure is drawn as `still_figure` gives it: without
its sliders, buttons and menus (the Sankey's year slider, the outcome chart's metric
buttons), showing the view they start on, and with a slider's current value ("Period: all
years") kept as a line of text where the slider was.
"""

from __future__ import annotations

import asyncio
import base64
import concurrent.futures
import json
import os
import shutil
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from chipcredit.errors import UsageError

__all__ = ["CHROMIUM_ENV", "CHROMIUM_FLAGS", "PNG_SCALE", "find_chromium", "still_figure", "write_pngs"]

CHROMIUM_ENV = "CHIPCREDIT_CHROMIUM"
CHROMIUM_FLAGS = ("--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--no-first-run")
"""Without these, Chromium on a machine with no network stalls on refused connections."""
PNG_SCALE = 2
"""Device pixels per CSS pixel of the PNGs (sharp on slides)."""
_CANDIDATES = ("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome")


def find_chromium() -> str:
    """Path of a Chromium executable: ``$CHIPCREDIT_CHROMIUM``, a system one, else a
    UsageError in one line."""
    named = os.environ.get(CHROMIUM_ENV)
    if named:
        if Path(named).is_file() and os.access(named, os.X_OK):
            return named
        raise UsageError(f"{CHROMIUM_ENV}={named} is not an executable file")
    for path in _CANDIDATES:
        if Path(path).is_file() and os.access(path, os.X_OK):
            return path
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found:
        return found
    raise UsageError(f"--png needs Chromium, and none was found: install it (apt-get install "
                     f"chromium) or set {CHROMIUM_ENV} to its path")


_AXIS_CONTROLS = ("rangeselector", "rangeslider")
"""An axis' buttons and its range slider, which only work in a browser."""


def still_figure(fig: Any) -> dict[str, Any]:
    """The figure's JSON (``fig.to_json()``, parsed) for a still image: no ``sliders``,
    ``updatemenus`` (buttons, drop-downs), axis range selectors or sliders, and no animation
    ``frames``. The traces and the layout are those of the view the controls start on (the
    figure as built); a slider whose current value is shown leaves that value as an
    annotation at the slider's place. ``fig`` itself is not changed.
    """
    spec: dict[str, Any] = json.loads(fig.to_json())
    spec.pop("frames", None)
    layout: dict[str, Any] = spec.setdefault("layout", {})
    layout.pop("updatemenus", None)
    notes = [note for slider in layout.pop("sliders", None) or []
             if (note := _slider_note(slider)) is not None]
    for key, value in layout.items():
        if key.startswith(("xaxis", "yaxis")) and isinstance(value, dict):
            for control in _AXIS_CONTROLS:
                value.pop(control, None)
    if notes:
        layout["annotations"] = [*layout.get("annotations", []), *notes]
    return spec


def _slider_note(slider: dict[str, Any]) -> dict[str, Any] | None:
    """The slider's current value ("Period: all years") as an annotation where Plotly.js
    writes it, above the slider's track below its top padding (at the slider's left edge,
    in line with text placed there); None when the slider shows no current value."""
    steps = slider.get("steps") or []
    current = slider.get("currentvalue") or {}
    active = int(slider.get("active", 0))
    if not steps or current.get("visible") is False or not 0 <= active < len(steps):
        return None
    pad = slider.get("pad") or {}
    text = f"{current.get('prefix', '')}{steps[active].get('label', '')}{current.get('suffix', '')}"
    return {"text": text, "xref": "paper", "yref": "paper", "x": slider.get("x", 0.0),
            "y": slider.get("y", 0.0), "xanchor": "left", "yanchor": "top",
            "yshift": -pad.get("t", 0), "showarrow": False,
            "align": "left", "font": current.get("font") or {}}


def write_pngs(figures: Sequence[tuple[str, Any]], folder: Path) -> list[Path]:
    """Write each (name, figure) as ``folder/name.png``; ``folder`` is created if missing.

    Returns the paths written, in order. Works inside a running event loop too (Jupyter, a
    test session that drives a browser already): Playwright's synchronous API refuses to run
    there, so the drawing then happens on a worker thread.
    """
    executable = find_chromium()
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return _draw(figures, folder, executable)
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(_draw, figures, folder, executable).result()


def _draw(figures: Sequence[tuple[str, Any]], folder: Path, executable: str) -> list[Path]:
    try:
        from playwright.sync_api import Error as PlaywrightError
        from playwright.sync_api import sync_playwright
    except ImportError:
        raise UsageError("--png needs Playwright for Python: pip install 'chipcredit[png]' (its "
                         "browser download is not needed; the system Chromium is used)") from None
    from plotly.offline import get_plotlyjs

    if folder.exists() and not folder.is_dir():
        raise UsageError(f"--png {folder}: it is a file, not a folder")
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=executable, headless=True,
                                         args=list(CHROMIUM_FLAGS))
            try:
                page = browser.new_page()
                page.route("**/*", lambda route: route.abort()
                           if not route.request.url.startswith(("data:", "about:"))
                           else route.continue_())
                page.set_content("<html><body><div id='c'></div></body></html>")
                page.add_script_tag(content=get_plotlyjs())
                for name, fig in figures:
                    width = 1000
                    height = int(fig.layout.height or 500)
                    url = page.evaluate(
                        "([fig, w, h, s]) => Plotly.toImage(fig, {format: 'png', width: w, "
                        "height: h, scale: s})",
                        [still_figure(fig), width, height, PNG_SCALE])
                    target = folder / f"{name}.png"
                    target.write_bytes(base64.b64decode(url.split(",", 1)[1]))
                    written.append(target)
            finally:
                browser.close()
    except PlaywrightError as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise UsageError(f"--png: Chromium ({executable}) failed: {first}") from None
    return written
