"""The ``chipcredit`` command line: list, check and run scenarios; query the run store.

::

    chipcredit scenarios                      bundled scenarios, one line each
    chipcredit validate FILE_OR_NAME...       check scenario files; every problem, one a line
    chipcredit run SCENARIO [options]         simulate; tables of deals and parties; record it
    chipcredit runs list|show|diff|sql|export the run store (DuckDB)
    chipcredit sensitivity SCENARIO -m M      rank numbers by their effect on a metric
    chipcredit solve SCENARIO --vary P --target 'M >= V'   break-even value of a number
    chipcredit stress SCENARIO --pack NAME    the scenario under a stress pack, paired by path
    chipcredit compare A B [--paths N --seed S]  two scenarios, paired by path (CRN)
    chipcredit schema                         JSON Schema of scenario files
    chipcredit deals [--party ID] [--graph]   the registry of real deals; their network
    chipcredit report SCENARIO|RUN_ID -o FILE  one self-contained HTML report (--lang zh)
    chipcredit dashboard [--port N] [--host H] the web dashboard (Streamlit)
    chipcredit --version

Exit status: 0 on success, 2 for a bad scenario or bad arguments, 130 when interrupted.
Errors are single lines on stderr, never a traceback. The CLI uses only the public API
(``import chipcredit as cc`` and ``chipcredit.store``); see docs/cli.md.

Layout: ``app.py`` holds the shared Typer app and the error plumbing; ``formats.py`` the
number formats; ``deal_table.py`` and ``party_table.py`` the run's deals and parties tables
(read through ``summary_index.py``), ``run_footer.py`` the footer under them,
``vendor_tables.py`` the vendors and second-sourcing tables, ``paired_tables.py`` compare's
and stress's paired table, ``captions.py`` the titles and notes printed with the tables
(at the output's width, with a hanging indent); ``stored_run.py`` reads a stored run back
for ``runs show`` and ``runs diff``, ``stored_tables.py`` prints ``runs show``'s tables, and
``diff_medians.py`` writes ``runs diff``'s IRR
medians; ``progress.py`` the progress bar, ``notices.py`` the warnings on
stderr; ``cashflow_files.py`` and ``staging.py`` the output files, checked before the work
and written all or nothing; each other module registers its commands on the app when
imported below (see ``app.py`` for the pattern). The console script is ``chipcredit_launcher.main``,
which imports this package under a guard against Ctrl-C.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Sequence
from typing import NoReturn

from chipcredit.cli.app import EXIT_INTERRUPTED, EXIT_USAGE, app

__all__ = ["COMMAND_MODULES", "EXIT_INTERRUPTED", "EXIT_USAGE", "app", "main"]

COMMAND_MODULES = ("scenarios", "run", "runs", "sensitivity", "solve", "stress", "report", "dashboard",
                   "deals", "compare")
"""Modules whose import registers their commands on `app`; help lists them in this order."""

for _name in COMMAND_MODULES:
    importlib.import_module(f"{__name__}.{_name}")


def main(argv: Sequence[str] | None = None) -> NoReturn:
    """Run the CLI (the ``chipcredit`` console script and ``python -m chipcredit``).

    Exits 0 on success, 2 for bad input (a bad scenario, a bad argument, an unwritable
    output, an unusable run store), 130 on Ctrl-C.
    """
    app(args=list(argv) if argv is not None else None, prog_name="chipcredit")
    sys.exit(0)  # not reached: the app exits itself
