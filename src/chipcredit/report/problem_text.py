"""Error lines in the reader's language: a `Problem` or an error message, translated by rule.

The loader writes every problem in English (``FILE:LINE:COL: PATH RULE; got VALUE (did you
mean X?)``, see `chipcredit.errors`). For another language the where, the field path, the
value and the suggestion stay verbatim, since the user must find them in the file; only the
rule is translated. Each rule phrasing is one ``error.rule.*`` catalogue entry: its English
text is the pattern (``must be between {low} and {high}``) and its ``{placeholders}`` capture
the verbatim parts, which the other language's entry puts back in place. A rule no entry
matches is shown in English behind a lead-in that says so: information is never dropped.

>>> from chipcredit.errors import Problem
>>> from chipcredit.report.i18n import catalogue
>>> p = Problem("a.yaml", 52, 48, "deals[1].debt.rate", "must be between 0 and 1", 11, "0.11")
>>> problem_text(p, catalogue("zh"))
'a.yaml:52:48: deals[1].debt.rate 必须在 0 与 1 之间；实际为 11（是否应为 0.11？）'
"""

from __future__ import annotations

import functools
import re
import string

from chipcredit.errors import Problem, ScenarioError
from chipcredit.report.i18n import Catalogue, catalogue

__all__ = ["error_text", "message_text", "problem_text", "rule_text"]

_NESTED = {"detail": "error.yaml.", "context": "error.context."}
"""Placeholders that hold English phrases of their own (PyYAML's), translated by the entries
under these prefixes in turn."""
_LISTS = ("kinds", "choices")
"""Placeholders that hold lists of ids (``loan or credit_facility``): only the joining words
are translated."""
_TAIL = re.compile(r"^(?P<head>.*?)(?:; got (?P<value>.*?))?(?: \(did you mean (?P<hint>.*)\?\))?$",
                   re.DOTALL)


@functools.cache
def _patterns(prefix: str) -> tuple[tuple[str, re.Pattern[str]], ...]:
    """(key, compiled English pattern) of every entry under ``prefix``: those with a nested
    phrase first (``{detail} (while {context} at line {line})`` must split a PyYAML message
    before its parts are tried), then the longest literal text first, so that ``must be at
    most {high}, the limit for ...`` is tried before ``must be at most {high}`` (whose
    ``{high}`` would otherwise swallow the rest)."""
    found = []
    for key, text in catalogue("en").entries.items():
        if not key.startswith(prefix) or not isinstance(text, str):
            continue
        regex, literal, nested = "", 0, False
        for before, name, _, _ in string.Formatter().parse(text):
            regex += re.escape(before)
            literal += len(before)
            if name:
                regex += f"(?P<{name}>.+?)"
                nested = nested or name in _NESTED
        found.append((not nested, -literal, key, re.compile(regex, re.DOTALL)))
    found.sort(key=lambda item: item[:2])
    return tuple((key, pattern) for _, _, key, pattern in found)


def _list_text(value: str, cat: Catalogue) -> str:
    return value.replace(", ", cat.t("error.list_comma")).replace(" or ", cat.t("error.list_or"))


def _translate(text: str, prefix: str, cat: Catalogue) -> str | None:
    """``text`` in ``cat``'s language if an entry under ``prefix`` matches it, else None."""
    # "an equity", "an SPV": the patterns are written with "a"; the article carries nothing
    normal = re.sub(r"\ban (?=\w)", "a ", text)
    for key, pattern in _patterns(prefix):
        match = pattern.fullmatch(normal) or pattern.fullmatch(text)
        if match is None:
            continue
        values = {}
        for name, value in match.groupdict().items():
            if name in _NESTED:
                values[name] = _translate(value, _NESTED[name], cat) or \
                    cat.t("error.untranslated", text=value)
            elif name in _LISTS:
                values[name] = _list_text(value, cat)
            else:
                values[name] = value
        # formatted even without values, so that a literal ``{{`` in the entry reads ``{``
        return str(cat.entries[key]).format(**values)
    return None


def rule_text(rule: str, cat: Catalogue) -> str:
    """A problem's rule (``must be between 0 and 1``) in ``cat``'s language; in English, or
    when no entry matches, the rule itself (after a lead-in saying it is the English text)."""
    if cat.lang == "en":
        return rule
    return _translate(rule, "error.rule.", cat) or cat.t("error.untranslated", text=rule)


def problem_text(problem: Problem, cat: Catalogue) -> str:
    """One problem as one line in ``cat``'s language; in English exactly ``str(problem)``."""
    english = str(problem)
    if cat.lang == "en":
        return english
    where = problem.file
    if problem.line is not None:
        where += f":{problem.line}"
        if problem.column is not None:
            where += f":{problem.column}"
    subject = f"{problem.path} " if problem.path else ""
    text = f"{where}: {subject}{rule_text(problem.rule, cat)}"
    # the value as the English line shows it (quoted, cut to 60 characters): taken from there
    start = len(f"{where}: {subject}{problem.rule}; got ")
    hint = "" if problem.suggestion is None else f" (did you mean {problem.suggestion}?)"
    if problem.value is not Problem.NO_VALUE:
        text += cat.t("error.got", value=english[start:len(english) - len(hint)])
    if problem.suggestion is not None:
        text += cat.t("error.did_you_mean", suggestion=problem.suggestion)
    return text


def message_text(message: str, cat: Catalogue) -> str:
    """An error message that is not a `Problem` (a `UsageError`'s, one line) in ``cat``'s
    language: ``SUBJECT RULE; got VALUE (did you mean X?)`` where RULE matches an entry,
    else the English message after the lead-in. The subject is kept verbatim."""
    if cat.lang == "en":
        return message
    parts = _TAIL.match(message)
    assert parts is not None  # every part of the pattern is optional
    head = parts["head"]
    # the subject is a run of words before the rule; try each split, the shortest subject first
    starts = [0] + [i + 1 for i, ch in enumerate(head) if ch == " "]
    for start in starts:
        rule = _translate(head[start:], "error.rule.", cat)
        if rule is None:
            continue
        text = head[:start] + rule
        if parts["value"] is not None:
            text += cat.t("error.got", value=parts["value"])
        if parts["hint"] is not None:
            text += cat.t("error.did_you_mean", suggestion=parts["hint"])
        return text
    return cat.t("error.untranslated", text=message)


def error_text(exc: BaseException, cat: Catalogue) -> str:
    """Any chipcredit error as text in ``cat``'s language: one line per problem of a
    `ScenarioError`, else its message through `message_text`."""
    if isinstance(exc, ScenarioError):
        return "\n".join(problem_text(p, cat) for p in exc.problems)
    return message_text(str(exc), cat)
