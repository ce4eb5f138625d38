"""Re-run the command transcripts quoted in the docs; check them or rewrite their outputs.

Usage: python docs/tools/transcripts.py [--check | --write] [--skip-slow] [FILES...]
(``make docs-transcripts`` runs ``--write``; FILES default to docs/*.md and README.md)

A transcript is a fenced block (a bare ```` ``` ````) whose first line starts with ``$ ``:
each ``$ COMMAND`` (with its continuation lines: an open quote, a trailing backslash, a
here-document) is followed by its output. The blocks of a page are run in page order in one
fresh temporary folder per page, so files and run-store ids carry from block to block as the
page shows them (the first stored run is run 1). Every command runs through bash, so
``$ echo $?`` gives the previous command's exit status, with the project's own
``.venv/bin`` first on PATH, stdout and stderr merged as a terminal shows them, no colour,
``COLUMNS`` 250 (``ls`` lists in columns, as in a terminal), and no ``CHIPCREDIT_*``
variables (so the store is ``./chipcredit.duckdb``).

A shown output may be elided with lines that are just ``...``: ``...`` first keeps the last
lines (as many as are shown after it), ``...`` last keeps the first ones, and ``...`` in the
middle keeps an excerpt: each run of shown lines between ``...`` lines stands for the output
from the line that matches its first line to the one that matches its last (the lines above
the first ``...`` from the output's start, those below the last ``...`` to its end), a line
matching one that looks the same with its numbers, hex digests and table rules masked (a
table row by its labels).

An HTML comment right before the fence, ``<!-- transcript: OPTIONS -->``, changes how a block
is handled. OPTIONS are space-separated:

- ``skip: REASON``: not run, kept as it is (say why it cannot be reproduced);
- ``slow``: not run with ``--skip-slow`` (and later blocks may then miss its state);
- ``tail=N`` / ``head=N``: the block's last command shows only its last / first N lines
  (with a ``...`` line above / below them where the page has one);
- ``continued``: a block with no ``$`` line that shows more of the previous block's last
  command (with ``tail=N`` or a ``...``);
- ``columns=N``: the terminal width for this block's commands.

Lines after the first line of the comment, up to ``-->``, are a bash script run (unshown, its
output discarded) in the page's folder before the block: it makes the files the block needs.

Outputs are compared ignoring the parts that differ between identical runs: elapsed seconds
(``1.77 s``), wall-clock timestamps, and the spacing and table rules they widen. ``--check``
prints a unified diff per block that would change and exits 1 if any would; ``--write``
rewrites those outputs in place (a command whose output changed only in those parts keeps
its text) and leaves every other byte of the page as it was.
"""

from __future__ import annotations

import argparse
import difflib
import os
import re
import shlex
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ELISION = "..."
COLUMNS = 250
"""Terminal width of the transcripts (characters): wide enough that no table is squeezed."""
_MARKER = re.compile(r"^<!-- transcript:(.*)$")
_HEREDOC = re.compile(r"<<-?\s*['\"]?(\w+)['\"]?")
_NUMBER = re.compile(r"(?<![\w\[])[-+]?\d[\d,]*(?:\.\d+)?(?:e[-+]?\d+)?")
"""A number standing alone; digits that are part of a name (``var_95``, ``tranches[0]``,
``p05``) stay, so an excerpt tells ``cvar_95`` from ``cvar_99``."""
_HEX = re.compile(r"\b[0-9a-f]{12,64}\b")
_RULES = re.compile(r"([─━═│┃┏┓┗┛┡┩┳┻╇╋┼├┤┬┴└┘┌┐])\1+")
_VOLATILE = (re.compile(r"\d{4}-\d\d-\d\d[ T]\d\d:\d\d:\d\d(?:\.\d+)?"),  # a run's start time
             re.compile(r"(?<![\w.,])\d+(?:\.\d+)? s\b"),  # elapsed seconds
             # the code's fingerprint (docs/output.md): every commit has its own
             re.compile(r'(?<="chipcredit_code_sha256": ")[0-9a-f]{64}|(?<=\(code )[0-9a-f]{12}'))
_BASH_PRELUDE = 'ls() { command ls -C -T 0 "$@"; }\n'
"""``ls`` into a pipe lists one name a line; the docs show it as a terminal does."""
_CRASH = "Traceback (most recent call last):"
_OPTIONS = ("skip", "slow", "continued", "tail", "head", "columns")


class TranscriptError(Exception):
    """A page that cannot be parsed or a block that cannot be updated; one line."""


@dataclass
class Command:
    """One ``$`` command of a block and the output the page shows for it.

    ``lines`` are the page's lines of the command (``$ ...`` and its continuations) and
    ``shown`` the output lines under it; ``script`` is the command as bash runs it.
    """

    lines: list[str]
    shown: list[str]

    @property
    def script(self) -> str:
        return "\n".join([self.lines[0][2:], *self.lines[1:]])


@dataclass
class Block:
    """A transcript block: the page lines ``start`` (first inside the fence) to ``end``
    (the closing fence, exclusive), its commands, its marker options and setup script."""

    line: int
    start: int
    end: int
    commands: list[Command]
    options: dict[str, str] = field(default_factory=dict)
    setup: str = ""

    def columns(self) -> int:
        return int(self.options.get("columns", COLUMNS))


def _complete(text: str) -> bool:
    """Whether ``text`` is a whole shell command: no open quote, no trailing backslash."""
    if text.endswith("\\"):
        return False
    try:
        shlex.split(text)
    except ValueError:
        return False
    return True


def _commands(body: list[str], where: str) -> list[Command]:
    """Split a fenced block's lines into commands with their shown outputs."""
    commands: list[Command] = []
    i = 0
    while i < len(body):
        if not body[i].startswith("$ "):
            if not commands:
                raise TranscriptError(f"{where}: output before the first $ line: {body[i]!r}")
            commands[-1].shown.append(body[i])
            i += 1
            continue
        lines = [body[i]]
        i += 1
        while not _complete("\n".join(lines)[2:]) and i < len(body):
            lines.append(body[i])
            i += 1
        heredoc = _HEREDOC.search(lines[-1])
        if heredoc:
            while i < len(body) and lines[-1] != heredoc.group(1):
                lines.append(body[i])
                i += 1
        commands.append(Command(lines, []))
    return commands


def _options(text: str, where: str) -> dict[str, str]:
    """The options of a marker's first line: ``skip: why``, ``slow``, ``tail=3`` ..."""
    text = text.strip()
    if text.startswith("skip"):
        return {"skip": text[4:].lstrip(": ").strip() or "no reason given"}
    options = {}
    for token in text.split():
        name, _, value = token.partition("=")
        if name not in _OPTIONS:
            near = difflib.get_close_matches(name, _OPTIONS, n=1)
            hint = f" (did you mean {near[0]}?)" if near else ""
            raise TranscriptError(f"{where}: unknown transcript option {token!r}{hint}")
        if name in ("tail", "head", "columns") and not value.isdigit():
            raise TranscriptError(f"{where}: {name} needs a whole number, e.g. {name}=1; got {token!r}")
        options[name] = value
    return options


def parse(text: str, name: str = "<page>") -> list[Block]:
    """The transcript blocks of a page (Markdown; ``name`` for errors), in page order.

    Returns
    -------
    list of Block
        Fenced blocks whose first line is a ``$`` command, and blocks marked ``continued``
        or ``skip``; ``start``/``end`` index ``text.split("\\n")``.
    """
    lines = text.split("\n")
    blocks: list[Block] = []
    i = attached = 0
    while i < len(lines):
        if not lines[i].startswith("```"):
            i += 1
            continue
        fence = lines[i].strip()
        end = next((j for j in range(i + 1, len(lines)) if lines[j].strip() == "```"), None)
        if end is None:
            raise TranscriptError(f"{name}:{i + 1}: fence never closed")
        options, setup = _marker(lines, i, name)
        attached += bool(options or setup)
        body = lines[i + 1:end]
        where = f"{name}:{i + 1}"
        if fence == "```" and body and ("continued" in options or "skip" in options
                                         or body[0].startswith("$ ")):
            if "continued" in options:
                commands = [Command([], body)]
            else:
                commands = _commands(body, where) if body[0].startswith("$ ") else []
            blocks.append(Block(i + 1, i + 1, end, commands, options, setup))
        elif options:
            raise TranscriptError(f"{where}: a transcript marker on a block with no $ line")
        i = end + 1
    markers = [k for k, line in enumerate(lines) if _MARKER.match(line)]
    if len(markers) != attached:
        raise TranscriptError(f"{name}: a transcript marker not right above a fence (lines "
                              f"{', '.join(str(k + 1) for k in markers)})")
    return blocks


def _marker(lines: list[str], fence: int, name: str) -> tuple[dict[str, str], str]:
    """The options and setup script of the ``<!-- transcript: ... -->`` right above a fence."""
    if fence == 0 or not lines[fence - 1].rstrip().endswith("-->"):
        return {}, ""
    top = fence - 1
    while top >= 0 and not lines[top].startswith("<!--"):
        top -= 1
    match = _MARKER.match(lines[top]) if top >= 0 else None
    if match is None:
        return {}, ""
    first = match.group(1)
    rest = lines[top + 1:fence]
    if top == fence - 1:
        first = first.rstrip()[:-3]
    else:
        rest[-1] = rest[-1].rstrip()[:-3]
    script = "\n".join(rest).strip("\n")
    return _options(first, f"{name}:{top + 1}"), script + "\n" if script else ""


def _masked(line: str) -> str:
    """A line as an excerpt matches it: numbers, digests, rule lengths and spacing masked."""
    line = _NUMBER.sub("#", _HEX.sub("#", line))
    return " ".join(_RULES.sub(r"\1", line).split())


def _timeless(line: str) -> str:
    for pattern in _VOLATILE:
        line = pattern.sub("<t>", line)
    return line


def normalised(lines: list[str]) -> list[str]:
    """Lines with what varies between identical runs masked: times, and the spacing they widen."""
    return [" ".join(_RULES.sub(r"\1", _timeless(line)).split()) for line in lines]


def elide(shown: list[str], output: list[str], tail: int | None = None,
          head: int | None = None) -> list[str]:
    """The new ``output`` cut the way the page's ``shown`` output is (see the module doc).

    ``tail``/``head`` are the marker's explicit cut; by default the cut follows the ``...``
    lines of ``shown``. Raises TranscriptError when an excerpt's line has no counterpart.
    """
    marked = [bool(shown) and shown[end].strip() == ELISION for end in (0, -1)]
    if tail is not None:
        return [ELISION] * (marked[0] and len(output) > tail) + output[max(len(output) - tail, 0):]
    if head is not None:
        return output[:head] + [ELISION] * (marked[-1] and len(output) > head)
    cuts = [i for i, line in enumerate(shown) if line.strip() == ELISION]
    if not cuts:
        return output
    if cuts == [0]:
        return elide(shown, output, tail=len(shown) - 1)
    if cuts == [len(shown) - 1]:
        return elide(shown, output, head=len(shown) - 1)
    keys = [_masked(line) for line in output]

    def find(line: str, at: int) -> int:
        found = next((j for j in range(at, len(output)) if keys[j] == _masked(line)), None)
        if found is None:
            raise TranscriptError(f"excerpt line no longer in the output: {line.strip()[:100]!r}")
        return found

    # each stretch of shown lines between '...' lines stands for a contiguous stretch of the
    # output, from the match of its first line to the match of its last; the first stretch
    # starts at the output's start and the last runs to its end (so lines added inside a
    # stretch, or a caption that now wraps in two, are shown too)
    stretches = [shown[a + 1:b] for a, b in zip([-1, *cuts], [*cuts, len(shown)], strict=True)]
    result: list[str] = []
    at = 0
    for k, stretch in enumerate(stretches):
        if k:
            result.append(shown[cuts[k - 1]])
        if not stretch:
            continue
        first = at if k == 0 else find(stretch[0], at)
        at = len(output) if k == len(stretches) - 1 else find(stretch[-1], first) + 1
        result += output[first:at]
    return result


def merge(shown: list[str], fresh: list[str]) -> list[str]:
    """The fresh output lines to write in place of the page's ``shown`` ones.

    All of ``shown`` when only volatile parts changed (the check's verdict); otherwise the
    fresh lines, keeping the page's text of a line that differs from its fresh counterpart
    only in a time (same spacing, so a table whose columns moved is written anew whole).
    """
    if normalised(shown) == normalised(fresh):
        return shown
    matcher = difflib.SequenceMatcher(None, [_timeless(line) for line in shown],
                                      [_timeless(line) for line in fresh], autojunk=False)
    out: list[str] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        out += shown[i1:i2] if tag == "equal" else fresh[j1:j2]
    return out


def _environment(columns: int) -> dict[str, str]:
    """The commands' environment: the venv's chipcredit first, plain output, no store set."""
    venv = ROOT / ".venv" / "bin"
    binary = venv if venv.is_dir() else Path(sys.executable).parent
    drop = ("CHIPCREDIT_", "FORCE_COLOR", "CLICOLOR", "TTY_", "PYTHONSTARTUP")
    env = {k: v for k, v in os.environ.items() if not k.startswith(drop)}
    env.update(PATH=f"{binary}{os.pathsep}{env.get('PATH', '')}", COLUMNS=str(columns),
               LINES="50", NO_COLOR="1", TERM="dumb", PYTHONUNBUFFERED="1", PYTHONHASHSEED="0",
               TZ="UTC", LC_ALL="C.UTF-8")
    return env


def run_command(script: str, folder: Path, columns: int, status: int = 0) -> tuple[list[str], int]:
    """Run one shell command in ``folder``; its merged output lines and exit status.

    ``status`` is what ``$?`` says at the start: the previous command's exit status.
    Trailing spaces (Rich pads a table's title to its width) are dropped, as on the page.
    """
    proc = subprocess.run(["bash", "-c", f"{_BASH_PRELUDE}(exit {status})\n{script}"],
                          cwd=folder, env=_environment(columns), stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, check=False)
    text = proc.stdout.decode("utf-8", errors="replace")
    lines = [line.rstrip() for line in text.split("\n")]
    while lines and not lines[-1]:
        lines.pop()
    return lines, proc.returncode


@dataclass
class Outcome:
    """What re-running one block gave: its new lines, or why it was not run."""

    block: Block
    new: list[str] | None
    note: str = ""
    seconds: float = 0.0


def run_page(text: str, name: str, skip_slow: bool = False) -> list[Outcome]:
    """Re-run a page's transcript blocks in order in a fresh temporary folder.

    Returns
    -------
    list of Outcome
        One per block: ``new`` is the block's lines as ``--write`` would leave them (equal
        to the page's when nothing but volatile parts changed), or None with ``note`` saying
        why the block was not run or cannot be updated.
    """
    outcomes = []
    last: tuple[Command, list[str]] | None = None
    status = 0
    with tempfile.TemporaryDirectory(prefix="chipcredit-transcripts-") as tmp:
        folder = Path(tmp)
        for block in parse(text, name):
            if "skip" in block.options:
                outcomes.append(Outcome(block, None, f"skipped: {block.options['skip']}"))
                continue
            if skip_slow and "slow" in block.options:
                outcomes.append(Outcome(block, None, "skipped: slow"))
                last = None
                continue
            began = time.monotonic()
            try:
                if block.setup:
                    run_command(block.setup, folder, block.columns())
                new: list[str] = []
                for k, cmd in enumerate(block.commands):
                    if "continued" in block.options:
                        if last is None:
                            raise TranscriptError("continued, but the block before was not run")
                        output = last[1]
                    else:
                        output, status = run_command(cmd.script, folder, block.columns(), status)
                        last = (cmd, output)
                        if _CRASH in output and _CRASH not in cmd.shown:
                            raise TranscriptError(f"{cmd.lines[0][:60]!r} crashed: {output[-1][:120]}")
                    final = k == len(block.commands) - 1
                    cut = {o: int(block.options[o]) for o in ("tail", "head")
                           if final and o in block.options}
                    new += cmd.lines + merge(cmd.shown, elide(cmd.shown, output, **cut))
                outcomes.append(Outcome(block, new, seconds=time.monotonic() - began))
            except TranscriptError as exc:
                outcomes.append(Outcome(block, None, f"cannot update: {exc}",
                                        time.monotonic() - began))
    return outcomes


def rewrite(text: str, outcomes: list[Outcome]) -> str:
    """The page with each re-run block's lines replaced; every other byte kept."""
    lines = text.split("\n")
    for outcome in sorted(outcomes, key=lambda o: o.block.start, reverse=True):
        if outcome.new is not None:
            lines[outcome.block.start:outcome.block.end] = outcome.new
    return "\n".join(lines)


def block_diff(name: str, outcome: Outcome, page: list[str]) -> str:
    """The unified diff of one block, page lines against new ones ('' when unchanged)."""
    if outcome.new is None:
        return ""
    old = page[outcome.block.start:outcome.block.end]
    where = f"{name}:{outcome.block.line}"
    return "".join(difflib.unified_diff([f"{line}\n" for line in old],
                                        [f"{line}\n" for line in outcome.new],
                                        f"{where} (page)", f"{where} (re-run)", n=2))


def main(argv: list[str] | None = None) -> int:
    """Command line: check (the default) or rewrite the transcripts of the given pages."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--check", action="store_true", help="print diffs, exit 1 if any (default)")
    mode.add_argument("--write", action="store_true", help="rewrite the outputs in place")
    parser.add_argument("--skip-slow", action="store_true", help="do not run blocks marked slow")
    parser.add_argument("files", nargs="*", type=Path)
    args = parser.parse_args(argv)
    files = args.files or [*sorted((ROOT / "docs").glob("*.md")), ROOT / "README.md"]
    failed = False
    for path in files:
        text = path.read_text(encoding="utf-8")
        name = str(path.resolve().relative_to(ROOT)) if path.resolve().is_relative_to(ROOT) else str(path)
        try:
            outcomes = run_page(text, name, skip_slow=args.skip_slow)
        except TranscriptError as exc:
            print(f"error: {exc}", file=sys.stderr)
            failed = True
            continue
        page = text.split("\n")
        changed = False
        for outcome in outcomes:
            diff = block_diff(name, outcome, page)
            state = outcome.note or ("differs" if diff else "ok")
            print(f"{name}:{outcome.block.line}: {state} ({outcome.seconds:.1f} s)", file=sys.stderr)
            failed |= outcome.note.startswith("cannot")
            if diff:
                changed = True
                if not args.write:
                    sys.stdout.write(diff)
        if changed and args.write:
            if path.read_text(encoding="utf-8") != text:  # edited while its commands ran
                print(f"error: {name} changed while running; not written, run again", file=sys.stderr)
                failed = True
                continue
            path.write_text(rewrite(text, outcomes), encoding="utf-8")
        failed |= changed and not args.write
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
