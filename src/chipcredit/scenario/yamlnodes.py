"""Safe YAML to plain data, with the line and column of every node.

Only the standard YAML tags are accepted; nothing but ``dict``, ``list``, ``str``, ``int``,
``float``, ``bool`` and ``None`` is ever built, so a scenario file cannot run code. The text
is composed into nodes (which keep their marks) by :class:`yaml.SafeLoader`, and the data is
built from those nodes here:

- an explicit tag other than the standard scalar, list and map tags is an error;
- a key given twice in one map is an error naming both lines (not last-wins);
- anchors, aliases and ``<<`` merge keys work, but a document that holds or expands to more
  than `MAX_NODES` values or nests deeper than `MAX_DEPTH` levels is refused (alias bombs);
- the limits are checked on libyaml's event stream first, before any node is built, so a
  hostile file is refused in bounded time and memory; the nodes are then composed by
  libyaml, and a syntax error is worded by PyYAML's own parser (clearer messages) when the
  text is short enough to re-read quickly.
- map keys are kept as the text written, so ``no:`` is the key ``"no"``, not ``False``;
- ``1e3`` is the number 1000 (YAML 1.2), not text.

`read_yaml` returns the data and two position maps keyed by document path tuples such as
``("deals", 2, "debt", "rate")``: one for every value node, one for every map key.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import yaml
from yaml.constructor import SafeConstructor
from yaml.error import Mark
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from chipcredit.errors import Problem, ScenarioError

__all__ = ["MAX_DEPTH", "MAX_NODES", "ODD_SPACES", "DocPath", "Located", "node_at", "path_text",
           "read_yaml"]

MAX_NODES = 100_000
"""Most values a document may hold, or expand to through its aliases. The largest bundled
scenario holds about 2,600; 100,000 values build in well under a second and 50 MB."""
MAX_DEPTH = 200
"""Deepest nesting of maps and lists a document may have (real scenarios nest 6 deep)."""
REWORD_CHARS = 64 * 1024
"""A syntax error in a text up to this long is worded by PyYAML's pure-Python parser, which
says more than libyaml (``expected ',' or ']', but got ':'``) but reads only about 130 kB/s."""

DocPath = tuple[str | int, ...]
Position = tuple[int, int]

_STD = "tag:yaml.org,2002:"
_SCALAR_TAGS = {"str", "int", "float", "bool", "null", "timestamp"}
_CONSTRUCT = SafeConstructor()
_PLAIN_KEY = re.compile(r"[A-Za-z0-9_-]+")


@dataclass
class Located:
    """Plain data read from YAML, with 1-based (line, column) of its nodes by path."""

    data: Any
    values: dict[DocPath, Position] = field(default_factory=dict)
    keys: dict[DocPath, Position] = field(default_factory=dict)
    words: dict[DocPath, str] = field(default_factory=dict)
    """The text as written of each plain (unquoted) scalar that YAML read as true/false, a
    number or null (``yes``, ``2026``, ``~``), so an error can say what the user typed."""


class _Refused(Exception):
    def __init__(self, mark: Any, path: DocPath, rule: str, value: object) -> None:
        super().__init__(rule)
        self.mark, self.path, self.rule, self.value = mark, path, rule, value


class _Loader(yaml.SafeLoader):
    """SafeLoader that stops composing before Python's recursion limit does."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self.depth = 0

    def compose_node(self, parent: Node | None, index: Any) -> Node | None:
        self.depth += 1
        try:
            if self.depth > MAX_DEPTH:
                raise _Refused(self.peek_event().start_mark, (), _too_deep(), Problem.NO_VALUE)
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1


_FAST = getattr(yaml, "CSafeLoader", None)


class _FastLoader(_FAST or yaml.SafeLoader):  # type: ignore[misc]
    """libyaml's safe loader: about 50 times faster than `_Loader`; its C composer recurses,
    so it runs only after `_scan` has bounded the depth."""


# YAML 1.1 reads ``1e3`` as text; a scenario means the number, as YAML 1.2 does.
for _cls in (_Loader, _FastLoader):
    _cls.add_implicit_resolver(
        _STD + "float", re.compile(r"^[-+]?[0-9][0-9_]*[eE][-+]?[0-9]+$"), list("-+0123456789")
    )


def _too_deep() -> str:
    return f"the document nests maps and lists more than {MAX_DEPTH} levels deep, the limit"


def _twice(first: int, again: int) -> str:
    if first == again:
        return f"is given twice in one map, on line {first}"
    return f"is given twice in one map, on lines {first} and {again}"


# PyYAML names tokens by their ids (``found '?'``); these say what the user wrote
_TOKENS = {
    "?": "a key",
    "<block end>": "the end of the indented block",
    "<block mapping start>": "the start of an indented map",
    "<block sequence start>": "an indented list",
    "<scalar>": "a plain value",
}
_TOKEN = re.compile("'?(" + "|".join(re.escape(t) for t in _TOKENS) + ")'?(?=[,; )]|$)")


def _pos(mark: Mark) -> Position:
    return mark.line + 1, mark.column + 1


def _shown_tag(tag: str) -> str:
    return "!!" + tag[len(_STD):] if tag.startswith(_STD) else tag


def _one_line(text: object) -> str:
    return " ".join(str(text).split())


def read_yaml(text: str, file: str) -> Located | None:
    """Parse ``text`` safely; None for an empty document. Raises `ScenarioError`."""
    try:
        root = _parse(text)
        if root is None:
            return None
        _measure(root)
        out = Located(None)
        out.data = _Builder(out).build(root, ())
        return out
    except _Refused as exc:
        line, col = _pos(exc.mark) if exc.mark is not None else (None, None)
        rule = exc.rule if exc.path or exc.rule.startswith("the ") else "the document " + exc.rule
        raise ScenarioError(
            [Problem(file, line, col, path_text(exc.path), rule, exc.value)]
        ) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        rule = "the file is not valid YAML: " + _one_line(exc.problem or exc.context)
        if exc.context and exc.problem and exc.problem.startswith("but "):
            rule = f"the file is not valid YAML: {_one_line(exc.context)}, {_one_line(exc.problem)}"
        elif exc.context and exc.problem and exc.context_mark is not None:
            rule += f" ({_one_line(exc.context)} at line {exc.context_mark.line + 1})"
        rule = _TOKEN.sub(lambda m: _TOKENS[m.group(1)], rule)
        if "'\\t'" in rule:
            rule += "; indent with spaces, not tabs"
        line, col = _pos(mark) if mark is not None else (None, None)
        odd = _odd_space(text, exc.context_mark or mark, mark)
        if odd is not None:  # the scanner's words would not name the invisible character
            line, col, name = odd
            rule = f"the file is not valid YAML: {name} here; use an ordinary space"
        raise ScenarioError([Problem(file, line, col, "", rule)]) from None
    except yaml.reader.ReaderError as exc:
        before = text[: exc.position]
        line = before.count("\n") + 1
        col = exc.position - (before.rfind("\n") + 1) + 1
        rule = f"the file is not valid YAML: character #x{exc.character:04x} is not allowed"
        raise ScenarioError([Problem(file, line, col, "", rule)]) from None
    except yaml.YAMLError as exc:  # pragma: no cover - every YAML error above carries a mark
        raise ScenarioError([Problem(file, None, None, "", _one_line(exc))]) from None


ODD_SPACES = {
    chr(c): ("a non-breaking space" if c in (0xA0, 0x2007, 0x202F) else "an unusual space")
    + f" (U+{c:04X})"
    for c in (0xA0, 0x1680, *range(0x2000, 0x200C), 0x202F, 0x205F, 0x3000, 0xFEFF)
}
"""Spaces that look like a plain space but are not one to YAML, as a word processor or a
spreadsheet copies them in, and their names."""


_LOOK_BACK = 3
"""Lines before a syntax error's marks searched for an odd space that broke the structure: a
line indented with non-breaking spaces reads as text at column 1, and the error is only
found on a line after it."""


def _odd_space(text: str, first: Mark | None, last: Mark | None) -> tuple[int, int, str] | None:
    """The odd space nearest at or before ``last`` (the later mark of a syntax error; else
    the first after it; the first of a run of them) on the lines from ``first`` to ``last``,
    or the nearest in the structure (a line's indentation, or just after a ``:`` or ``-``)
    on the `_LOOK_BACK` lines before them, as 1-based (line, column, name); None when there
    is none. An odd space in a text or a comment on a line before the error is no cause of
    it."""
    if first is None or last is None:
        return None
    lines = text.splitlines()
    top, bottom = min(first.line, last.line), min(max(first.line, last.line), len(lines) - 1)
    end = (last.line, last.column)
    found: list[tuple[int, int]] = []
    for number in range(max(top - _LOOK_BACK, 0), bottom + 1):
        line = lines[number]
        for column, char in enumerate(line):
            if char not in ODD_SPACES:
                continue
            before = line[:column]
            structural = not before.strip(" -" + "".join(ODD_SPACES)) or before[-1:] in ":-"
            if number >= top or structural:
                found.append((number, column))
    if not found:
        return None
    earlier = [spot for spot in found if spot <= end]
    number, column = max(earlier) if earlier else min(found)
    while column and lines[number][column - 1] in ODD_SPACES:  # the first of a run
        column -= 1
    return number + 1, column + 1, ODD_SPACES[lines[number][column]]


def _compose(loader_class: type[yaml.SafeLoader], text: str) -> Node | None:
    loader = loader_class(text)
    try:
        return loader.get_single_node()
    finally:
        loader.dispose()


def _parse(text: str) -> Node | None:
    """The node graph of ``text``, within the limits; YAML errors propagate."""
    if _FAST is None:  # PyYAML without libyaml: the pure-Python loader checks depth itself
        return _compose(_Loader, text)
    try:
        _scan(text)
        return _compose(_FastLoader, text)
    except yaml.MarkedYAMLError as exc:
        if "maximum nesting depth" in str(exc.problem):  # libyaml's own limit, 1,000 levels
            raise _Refused(exc.problem_mark, (), _too_deep(), Problem.NO_VALUE) from None
        if len(text) > REWORD_CHARS:
            raise
        # PyYAML's parser stops at the same place with a clearer message; it raises here
        _compose(_Loader, text)
        raise


def _scan(text: str) -> None:
    """Count values and depth on libyaml's event stream, before anything is built."""
    from yaml.events import AliasEvent, CollectionEndEvent, CollectionStartEvent, ScalarEvent

    loader = _FastLoader(text)
    depth = nodes = 0
    try:
        while True:
            event = loader.get_event()
            if event is None:
                return
            if isinstance(event, CollectionStartEvent):
                depth += 1
                if depth > MAX_DEPTH:
                    raise _Refused(event.start_mark, (), _too_deep(), Problem.NO_VALUE)
            elif isinstance(event, CollectionEndEvent):
                depth -= 1
                continue
            elif not isinstance(event, ScalarEvent | AliasEvent):
                continue
            nodes += 1
            if nodes > MAX_NODES:
                raise _Refused(event.start_mark, (), f"the document holds more than "
                               f"{MAX_NODES:,} values, the limit", Problem.NO_VALUE)
    finally:
        loader.dispose()


def _children(node: Node) -> Iterable[Node]:
    if isinstance(node, SequenceNode):
        return node.value
    if isinstance(node, MappingNode):
        return [n for pair in node.value for n in pair]
    return ()


def _measure(root: Node) -> None:
    """Refuse documents whose aliases expand too far or loop; linear in distinct nodes."""
    sizes: dict[int, tuple[int, int]] = {}
    active: set[int] = set()

    def walk(node: Node, level: int) -> tuple[int, int]:
        key = id(node)
        if key not in sizes:
            if key in active:
                raise _Refused(node.start_mark, (), "the alias here refers to a map or list "
                               "that contains it", Problem.NO_VALUE)
            if level > MAX_DEPTH:
                raise _Refused(node.start_mark, (), _too_deep(), Problem.NO_VALUE)
            active.add(key)
            count, height = 1, 0
            for child in _children(node):
                size, tall = walk(child, level + 1)
                count, height = count + size, max(height, tall + 1)
                if count > MAX_NODES:
                    raise _Refused(node.start_mark, (),
                                   f"the aliases here expand to more than {MAX_NODES:,} "
                                   "values, the limit", Problem.NO_VALUE)
            active.discard(key)
            sizes[key] = (count, height)
        count, height = sizes[key]
        if level + height > MAX_DEPTH:
            raise _Refused(node.start_mark, (), _too_deep(), Problem.NO_VALUE)
        return count, height

    walk(root, 1)


class _Builder:
    def __init__(self, out: Located) -> None:
        self.out = out

    def build(self, node: Node, path: DocPath) -> Any:
        self.out.values.setdefault(path, _pos(node.start_mark))
        if isinstance(node, ScalarNode):
            value = self.scalar(node, path)
            if not node.style and not isinstance(value, str):  # plain: YAML typed a bare word
                self.out.words.setdefault(path, node.value)
            return value
        if isinstance(node, SequenceNode):
            self.check_tag(node, "seq", path)
            return [self.build(child, (*path, i)) for i, child in enumerate(node.value)]
        assert isinstance(node, MappingNode)
        self.check_tag(node, "map", path)
        return self.mapping(node, path)

    def check_tag(self, node: Node, allowed: str, path: DocPath) -> None:
        if node.tag != _STD + allowed:
            raise _Refused(node.start_mark, path,
                           f"uses the YAML tag {_shown_tag(node.tag)} which is not allowed",
                           Problem.NO_VALUE)

    def scalar(self, node: ScalarNode, path: DocPath) -> Any:
        name = node.tag[len(_STD):] if node.tag.startswith(_STD) else ""
        if name not in _SCALAR_TAGS:
            self.check_tag(node, "str", path)
        if name in ("str", "timestamp"):
            return node.value
        if name == "null":
            return None
        try:
            if name == "int":
                return _CONSTRUCT.construct_yaml_int(node)
            if name == "float":
                return _CONSTRUCT.construct_yaml_float(node)
            return _CONSTRUCT.construct_yaml_bool(node)
        except (ValueError, KeyError):
            raise _Refused(node.start_mark, path, f"is not a valid !!{name}",
                           node.value) from None

    def key(self, node: Node, path: DocPath) -> str:
        if not isinstance(node, ScalarNode):
            raise _Refused(node.start_mark, path, "has a map key that is not plain text",
                           Problem.NO_VALUE)
        self.scalar(node, path)  # refuses disallowed tags
        return str(node.value)

    def mapping(self, node: MappingNode, path: DocPath) -> dict[str, Any]:
        out: dict[str, Any] = {}
        lines: dict[str, int] = {}
        merges: list[Node] = []
        for key_node, value_node in node.value:
            if key_node.tag == _STD + "merge":
                merges.extend(self.merge_sources(value_node, path))
                continue
            key = self.key(key_node, path)
            here = (*path, key)
            if key in lines:
                raise _Refused(key_node.start_mark, here,
                               _twice(lines[key], key_node.start_mark.line + 1),
                               Problem.NO_VALUE)
            lines[key] = key_node.start_mark.line + 1
            self.out.keys.setdefault(here, _pos(key_node.start_mark))
            out[key] = self.build(value_node, here)
        for source in merges:
            for key, value in self.build(source, path).items():
                out.setdefault(key, value)
        return out

    def merge_sources(self, node: Node, path: DocPath) -> list[Node]:
        sources = node.value if isinstance(node, SequenceNode) else [node]
        for source in sources:
            if not isinstance(source, MappingNode):
                raise _Refused(source.start_mark, path,
                               "has a << merge key that is not followed by a map or a list "
                               "of maps", Problem.NO_VALUE)
        return list(sources)


def path_text(path: Iterable[str | int]) -> str:
    """``("deals", 2, "debt", "rate")`` to ``deals[2].debt.rate``."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        elif _PLAIN_KEY.fullmatch(part):
            out += f".{part}" if out else part
        else:
            out += f"[{part!r}]"
    return out


def node_at(data: Any, path: DocPath) -> Any:
    """The value at ``path`` of plain YAML data (maps and lists); None where there is none."""
    node = data
    for part in path:
        if isinstance(node, dict):
            node = node.get(part)
        elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            node = node[part]
        else:
            return None
    return node
