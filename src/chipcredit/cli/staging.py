"""Output files written all or nothing: checked before the work, staged under temporary
names, moved into place together once every one is written.

A command that writes files (``run --json --cashflows --paths-out``, ``report -o --png``,
``--json`` of the experiments) asks a `Staging` for a temporary file beside each target, or
a temporary folder for a folder of files, before the work starts; creating it is the check
that the target can be written (a real one: ``os.access`` says yes to root even on /proc).
The command writes into the staged names, then calls `Staging.commit`, which moves them all
into place. An error or Ctrl-C before that removes every staged file and folder, so a failed
or interrupted command leaves none of its outputs behind, and a file already under a
target's name stays as it was. Every error names the option: ``cannot write --json PATH:
why``.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path
from types import TracebackType

import chipcredit as cc
from chipcredit.files import file_mode
from chipcredit.interrupts import held, test_point

from .app import Failed

__all__ = ["Staging", "check_dir_target", "check_file_target", "write_output"]

PREFIX = ".chipcredit-"
"""Start of every staged name (hidden, and easy to tell apart if a killed run leaves one)."""
_MAX_SUFFIX = 16


def _why(exc: OSError) -> str:
    return exc.strerror or str(exc)


def _kind(path: Path, option: str, target: Path) -> str | None:
    """"folder", "file" or None (nothing there, or a file where a folder should be above it).

    Raises `Failed` naming ``option`` and ``target`` for a name the system refuses (too long,
    no permission to look): ``Path.exists`` and ``is_dir`` raise those as OSError.
    """
    try:
        mode = os.stat(path).st_mode
    except (FileNotFoundError, NotADirectoryError):
        return None
    except OSError as exc:
        raise Failed(f"cannot write {option} {target}: {_why(exc)}") from None
    return "folder" if stat.S_ISDIR(mode) else "file"


def _folder_of(path: Path) -> Path:
    return path.parent if str(path.parent) else Path(".")


def _check_file(path: Path, option: str) -> Path:
    """The folder of ``path`` once ``path`` is a name that a file can have there."""
    if _kind(path, option, path) == "folder":
        raise Failed(f"cannot write {option} {path}: it is a folder")
    folder = _folder_of(path)
    kind = _kind(folder, option, path)
    if kind is None:
        raise Failed(f"cannot write {option} {path}: the folder {folder} does not exist")
    if kind != "folder":
        raise Failed(f"cannot write {option} {path}: {folder} is not a folder")
    return folder


def _existing(path: Path, option: str) -> Path:
    """The nearest folder at or above ``path`` that exists (``path`` is to be a folder)."""
    if _kind(path, option, path) == "file":
        raise Failed(f"cannot write {option} {path}: it is a file, not a folder")
    probe = path
    while _kind(probe, option, path) is None and probe.parent != probe:
        probe = probe.parent
    if _kind(probe, option, path) != "folder":
        raise Failed(f"cannot write {option} {path}: {probe} is not a folder")
    return probe


def check_file_target(path: Path, option: str) -> None:
    """Fail before the work when the file ``path`` (given as ``option``) cannot be written:
    a temporary file is created beside it and removed again."""
    folder = _check_file(path, option)
    try:
        fd, name = tempfile.mkstemp(prefix=PREFIX, suffix=".tmp", dir=folder)
    except OSError as exc:
        raise Failed(f"cannot write {option} {path}: {_why(exc)}") from None
    os.close(fd)
    os.unlink(name)


def check_dir_target(path: Path, option: str) -> None:
    """Fail before the work when the folder ``path`` cannot be created or written: a
    temporary folder is created in it (or in its nearest existing parent) and removed."""
    probe = _existing(path, option)
    try:
        os.rmdir(tempfile.mkdtemp(prefix=PREFIX, dir=probe))
    except OSError as exc:
        raise Failed(f"cannot write {option} {path}: {_why(exc)}") from None


class Staging:
    """A command's output files, staged and then moved into place together.

    Use as a context manager: leaving it without `commit` (an error, Ctrl-C) removes what
    was staged and leaves the targets as they were.
    """

    def __init__(self) -> None:
        self._files: list[tuple[Path, Path, str]] = []  # (staged, target, option)
        self._folders: list[tuple[Path, Path, str]] = []
        self.done = False

    def __enter__(self) -> Staging:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        if not self.done:
            self.discard()

    def file(self, target: Path, option: str) -> Path:
        """An empty temporary file beside ``target`` to write instead of it (same suffix,
        for writers that go by it: .parquet, .xlsx)."""
        folder = _check_file(target, option)
        suffix = target.suffix if len(target.suffix) <= _MAX_SUFFIX else ""
        try:
            fd, name = tempfile.mkstemp(prefix=PREFIX, suffix=".tmp" + suffix, dir=folder)
            os.close(fd)
            os.chmod(name, file_mode())  # mkstemp makes it private; the output is not
        except OSError as exc:
            raise Failed(f"cannot write {option} {target}: {_why(exc)}") from None
        staged = Path(name)
        self._files.append((staged, target, option))
        return staged

    def folder(self, target: Path, option: str) -> Path:
        """An empty temporary folder whose files go into the folder ``target`` (created
        with its parents, at `commit`, if missing)."""
        probe = _existing(target, option)
        try:
            staged = Path(tempfile.mkdtemp(prefix=PREFIX, dir=probe))
        except OSError as exc:
            raise Failed(f"cannot write {option} {target}: {_why(exc)}") from None
        self._folders.append((staged, target, option))
        return staged

    def text(self, staged: Path, text: str) -> None:
        """Write ``text`` (UTF-8, newlines as given) into the staged file ``staged``."""
        with self.writing(staged), open(staged, "wb") as handle:
            handle.write(text.encode("utf-8"))
            handle.flush()
            os.fsync(handle.fileno())

    @contextlib.contextmanager
    def writing(self, staged: Path) -> Iterator[None]:
        """Errors of a writer of the staged file or folder ``staged`` as one line naming
        the option and the target, not the temporary name."""
        option, target = next((o, t) for s, t, o in self._files + self._folders if s == staged)
        try:
            yield
        except OSError as exc:
            raise Failed(f"cannot write {option} {target}: {_why(exc)}") from None
        except cc.UsageError as exc:
            text = str(exc)
            if str(staged) not in text:
                raise
            why = text.split(": ", 1)[1] if ": " in text else text
            raise Failed(f"cannot write {option} {target}: {why}") from None

    def commit(self) -> None:
        """Move every staged file into place (replacing a file of the same name), creating
        the folders of staged folders; on an error, remove what this call moved or made."""
        moved: list[Path] = []
        made: list[Path] = []
        where = ""  # the option and target being moved, for the error
        # Ctrl-C is held while the outputs move (a handful of renames), so it cannot leave
        # some moved and some not; it takes effect right after them
        with held():
            try:
                for staged, target, option in self._files:
                    where = f"{option} {target}"
                    fresh = not os.path.lexists(target)
                    os.replace(staged, target)
                    if fresh:
                        moved.append(target)
                    test_point("commit")
                for staged, target, option in self._folders:
                    where = f"{option} {target}"
                    made += _make_folders(target)
                    for item in sorted(staged.iterdir()):
                        dest = target / item.name
                        fresh = not os.path.lexists(dest)
                        os.replace(item, dest)
                        if fresh:
                            moved.append(dest)
                    staged.rmdir()
            except OSError as exc:
                for path in reversed(moved):
                    with contextlib.suppress(OSError):
                        os.unlink(path)
                for folder in reversed(made):
                    with contextlib.suppress(OSError):
                        folder.rmdir()
                self.discard()
                raise Failed(f"cannot write {where}: {_why(exc)}") from None
            self.done = True

    def discard(self) -> None:
        """Remove every staged file and folder; the targets stay as they were."""
        for staged, _, _ in self._files:
            with contextlib.suppress(OSError):
                staged.unlink(missing_ok=True)
        for staged, _, _ in self._folders:
            shutil.rmtree(staged, ignore_errors=True)
        self.done = True


def write_output(target: Path, option: str, text: str) -> None:
    """Write ``text`` (UTF-8) to ``target``, given as ``option``, atomically; an error is one
    line naming the option."""
    with Staging() as staging:
        staging.text(staging.file(target, option), text)
        staging.commit()


def _make_folders(target: Path) -> list[Path]:
    """Create ``target`` and its missing parents; returns those created, outermost first."""
    missing: list[Path] = []
    probe = target
    while not probe.is_dir() and probe.parent != probe:
        missing.append(probe)
        probe = probe.parent
    made: list[Path] = []
    try:
        for folder in reversed(missing):
            folder.mkdir()
            made.append(folder)
    except OSError:
        for folder in reversed(made):
            with contextlib.suppress(OSError):
                folder.rmdir()
        raise
    return made
