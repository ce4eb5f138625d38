"""Imported first of all by ``chipcredit/__init__.py``: under ``python -m chipcredit``, a
Ctrl-C while the package imports is the one line ``interrupted`` and exit status 130 (see
`chipcredit_launcher.guard_module_start`). A module of its own so that the guard is set by an
import, ahead of the package's other imports."""

from chipcredit_launcher import guard_module_start

guard_module_start()
