"""``chipcredit report``: one self-contained HTML report of a scenario or a stored run."""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from contextlib import nullcontext
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.text import Text

import chipcredit as cc
from chipcredit import store
from chipcredit.report import LANGUAGES, replay
from chipcredit.report.png import find_chromium

from .app import Failed, app, console, user_errors
from .notices import warnings_shown
from .sensitivity import progress_callback
from .staging import Staging

__all__ = ["DEFAULT_PATHS", "report_command"]

DEFAULT_PATHS = 10_000


def _did_you_mean(word: str, choices: Sequence[str]) -> str:
    """`` (did you mean X?)`` for the choice closest to ``word`` (any case), or ""."""
    same = [c for c in choices if c.lower() == word.strip().lower()]
    close = same or difflib.get_close_matches(word.lower(), list(choices), n=1, cutoff=0.6)
    return f" (did you mean {close[0]}?)" if close else ""


def _run_id(target: str) -> int | None:
    """A run id when ``target`` is all digits and no file of that name exists."""
    if target.isdigit() and not Path(target).exists():
        return int(target)
    return None


@app.command("report")
def report_command(
    target: Annotated[str, typer.Argument(
        metavar="SCENARIO|RUN_ID",
        help="A bundled scenario name, a scenario YAML file, or the id of a run in the run "
             "store (see 'chipcredit runs list'), which is simulated again from its stored "
             "scenario, paths and seed.")],
    output: Annotated[Path, typer.Option(
        "--output", "-o", metavar="FILE",
        help="Write the report here: one HTML file that works offline (written atomically).")],
    paths: Annotated[int | None, typer.Option(
        "--paths", "-n", min=1, show_default=False,
        help=f"Monte Carlo paths (default {DEFAULT_PATHS:,}); a stored run keeps its own.")
    ] = None,
    seed: Annotated[int | None, typer.Option(
        "--seed", "-s", min=0, show_default=False,
        help="Seed of the run (default 0); a stored run keeps its own.")] = None,
    lang: Annotated[str, typer.Option(
        "--lang", metavar="LANG", help="Language of the report: en or zh (Simplified "
                                       "Chinese).")] = "en",
    png: Annotated[Path | None, typer.Option(
        "--png", metavar="DIR",
        help="Also write every chart as DIR/NAME.png (needs Chromium; none is downloaded).")
    ] = None,
    sensitivity: Annotated[str | None, typer.Option(
        "--sensitivity", metavar="METRIC",
        help="Also run a tornado sensitivity of this metric path (e.g. "
             "deals.colossus2-spv.parties.nvidia.moic.p50) and add its chart.")] = None,
    sensitivity_paths: Annotated[int, typer.Option(
        "--sensitivity-paths", metavar="N", min=1,
        help="Paths per run of the sensitivity (two runs per uncertain number).")] = 1_000,
    store_path: Annotated[Path | None, typer.Option(
        "--store", metavar="PATH", envvar=store.STORE_ENV, show_default=False,
        help=f"The run store that RUN_ID is read from (default ./{store.DEFAULT_STORE}).")
    ] = None,
    variant: Annotated[str | None, typer.Option(
        "--variant", metavar="NAME", show_default=False,
        help="For a stored run of several variants (stress, compare): the one to report, "
             "which must be its first (base, a), the one whose scenario the store keeps.")
    ] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print nothing but errors and "
                                                              "warnings.")] = False,
    no_store: Annotated[bool, typer.Option(
        "--no-store", help="Accepted as by every other command; a report never records in the "
                           "run store (it only reads RUN_ID from it).")] = False,
) -> None:
    """Write an HTML report: summary, money flows, fans, deal outcomes, defaults, market,
    sensitivity, assumptions and run metadata ($B), in English or Chinese."""
    with user_errors():
        if lang not in LANGUAGES:
            raise Failed(f"--lang must be one of {', '.join(LANGUAGES)}; got {lang!r}"
                         + _did_you_mean(lang, LANGUAGES))
        run_id = _run_id(target)
        if run_id is not None and (paths is not None or seed is not None):
            raise Failed(f"run {run_id} keeps its own paths and seed; leave out --paths and --seed")
        if run_id is None and variant is not None:
            raise Failed("--variant chooses a variant of a stored run; a scenario has none")
        with Staging() as staging:  # the report and its PNGs, all or none
            html_tmp = staging.file(output, "--output")
            png_tmp = None if png is None else staging.folder(png, "--png")
            if png is not None:
                find_chromium()  # before the simulation, not after it
            err = console(stderr=True)
            with warnings_shown(err):
                if run_id is not None:
                    result = replay(run_id, store.RunStore(store.resolve_path(store_path),
                                                           read_only=True), variant=variant)
                else:
                    result = cc.simulate(target, paths=DEFAULT_PATHS if paths is None else paths,
                                         seed=0 if seed is None else seed)
                sens: Any = None
                if sensitivity is not None:
                    with progress_callback(not quiet and err.is_terminal, err) as step:
                        sens = cc.sensitivity(result.scenario, sensitivity,
                                              paths=sensitivity_paths, seed=result.seed,
                                              progress=step)
                with staging.writing(html_tmp), (
                        nullcontext() if png_tmp is None else staging.writing(png_tmp)):
                    cc.write_report(result, html_tmp, lang=lang, sensitivity=sens,
                                    png_dir=png_tmp)
            staging.commit()
        if not quiet:
            out = console()
            shows = "" if variant is None else f" (variant {variant} of run {run_id})"
            out.print(Text(f"wrote {output}{shows}"), soft_wrap=True)
            if png is not None:
                out.print(Text(f"wrote the charts as PNG files to {png}"), soft_wrap=True)
