"""The one exception hierarchy of chipcredit, and its warning classes.

::

    ChipcreditError                 base of every error chipcredit raises on purpose
    ├── ScenarioError (ValueError)  a scenario file or object breaks a rule; carries
    │                               file, line, column, path, rule, value, suggestion
    ├── UsageError (ValueError)     a bad argument to the API or CLI (paths=0, unknown deal id)
    └── SimulationError             the engine found a broken invariant it cannot report as data

    ChipcreditWarning (UserWarning) something the user should know about a result, for
    │                               example paths whose cash flows have no IRR
    └── ChipcreditNote              a remark on how a run was set up, not on its numbers
                                    (a stress shock with nothing to act on); the CLI
                                    prints it as ``note:``, not ``warning:``

Every error is one line: where (file:line), which field, the rule, the bad value, and a
suggestion where one helps. The CLI prints it and exits with status 2.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

__all__ = [
    "ChipcreditError",
    "ChipcreditNote",
    "ChipcreditWarning",
    "Problem",
    "ScenarioError",
    "SimulationError",
    "UsageError",
    "did_you_mean",
]


class ChipcreditError(Exception):
    """Base class of every error chipcredit raises on purpose."""


class ChipcreditWarning(UserWarning):
    """A warning about a result (for example, paths with no IRR). Issued once per summary."""


class ChipcreditNote(ChipcreditWarning):
    """A note on how a run was set up rather than on its numbers: a stress shock that had
    nothing to act on in the scenario (`chipcredit.stress`). A `ChipcreditWarning`, so code
    that catches those sees it; the CLI filters notes out by this category and prints them
    once as ``note: ...``."""


class UsageError(ChipcreditError, ValueError):
    """A bad argument: a path count below one, an unknown deal or party id, and so on."""


class SimulationError(ChipcreditError):
    """The engine met a state it cannot represent (a broken invariant)."""


def did_you_mean(word: object, choices: Iterable[str], n: int = 1) -> str | None:
    """Closest of `choices` to `word`, or None when nothing is close (as xarray does)."""
    if not isinstance(word, str):
        return None
    pool = [str(c) for c in choices]
    close = difflib.get_close_matches(word, pool, n=n, cutoff=0.6)
    if not close:
        lowered = {c.lower(): c for c in pool}
        if word.lower() in lowered:
            return lowered[word.lower()]
        return None
    return close[0]


def _printable(text: str) -> str:
    """``text`` with control characters escaped (``\\n``, ``\\x1b``), so that a file name
    or value cannot break the one line or drive the terminal."""
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() else c.encode("unicode_escape").decode("ascii")
                   for c in text)


def _format_value(value: object) -> str:
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return repr(value)
    if isinstance(value, str):
        text = value if len(value) <= 60 else value[:57] + "..."
        # non-ASCII escaped: an id with a Cyrillic о must not look like one with a Latin o
        return ascii(text) if not text.isascii() else repr(text)
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


_MISSING = object()


@dataclass(frozen=True)
class Problem:
    """One broken rule in a scenario.

    Attributes
    ----------
    file : str
        The file name, or ``"<scenario>"`` for an object built in Python.
    line, column : int or None
        1-based position of the offending node, when known.
    path : str
        The field path, e.g. ``deals[2].debt.rate``; empty for the whole document.
    rule : str
        What must hold, phrased to follow the path: ``must be between 0 and 1``.
    value : object
        The bad value; the sentinel ``Problem.NO_VALUE`` when there is none (a missing field).
    suggestion : str or None
        A replacement to try, shown as ``(did you mean X?)``.
    """

    file: str
    line: int | None
    column: int | None
    path: str
    rule: str
    value: object = _MISSING
    suggestion: str | None = None

    NO_VALUE = _MISSING

    def __str__(self) -> str:
        where = _printable(self.file)
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        subject = f"{_printable(self.path)} " if self.path else ""
        text = f"{where}: {subject}{self.rule}"
        if self.value is not _MISSING:
            text += f"; got {_format_value(self.value)}"
        if self.suggestion is not None:
            text += f" (did you mean {_printable(self.suggestion)}?)"
        return text


class ScenarioError(ChipcreditError, ValueError):
    """A scenario breaks one or more rules.

    ``str(err)`` is one line per problem. The first problem's fields are also attributes,
    so ``err.path``, ``err.rule``, ``err.line`` work for the common one-problem case.

    Attributes
    ----------
    problems : tuple of Problem
        Every problem found, in file order.
    note : str or None
        A closing line after the problems, in parentheses (say, that the checks across
        fields have not run yet); None for none.
    """

    def __init__(self, problems: Sequence[Problem], note: str | None = None) -> None:
        if not problems:
            raise ValueError("ScenarioError needs at least one problem")
        self.problems: tuple[Problem, ...] = tuple(problems)
        self.note = note
        lines = [str(p) for p in self.problems]
        super().__init__("\n".join(lines if note is None else [*lines, f"({note})"]))

    def __reduce__(self) -> tuple[object, ...]:
        # the default rebuilds from the message text, which is not a list of problems (an
        # error raised in a worker process must arrive whole); NO_VALUE is a sentinel that a
        # copy would not be, so it travels as a flag
        rows = [(p.file, p.line, p.column, p.path, p.rule, p.value is _MISSING,
                 None if p.value is _MISSING else p.value, p.suggestion) for p in self.problems]
        return (_rebuild, (type(self), rows, self.note))

    @classmethod
    def single(
        cls,
        path: str,
        rule: str,
        value: object = _MISSING,
        *,
        file: str = "<scenario>",
        line: int | None = None,
        column: int | None = None,
        suggestion: str | None = None,
    ) -> ScenarioError:
        """Build an error with one problem."""
        return cls([Problem(file, line, column, path, rule, value, suggestion)])

    @property
    def file(self) -> str:
        return self.problems[0].file

    @property
    def line(self) -> int | None:
        return self.problems[0].line

    @property
    def column(self) -> int | None:
        return self.problems[0].column

    @property
    def path(self) -> str:
        return self.problems[0].path

    @property
    def rule(self) -> str:
        return self.problems[0].rule

    @property
    def value(self) -> object:
        return self.problems[0].value

    @property
    def suggestion(self) -> str | None:
        return self.problems[0].suggestion


def _rebuild(cls: type[ScenarioError], rows: list[tuple[object, ...]], note: str | None
             ) -> ScenarioError:
    """A `ScenarioError` from its pickled rows (see `ScenarioError.__reduce__`)."""
    problems = [Problem(file, line, column, path, rule,  # type: ignore[arg-type]
                        _MISSING if missing else value, suggestion)  # type: ignore[arg-type]
                for file, line, column, path, rule, missing, value, suggestion in rows]
    return cls(problems, note)
