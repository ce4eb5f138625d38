"""Safe YAML to plain data, with the line and column of every node.

Only the standard YAML tags are accepted; nothing but ``dict``, ``list``, ``str``, ``int``,
``float``, ``bool`` and ``None`` is ever built, so a scenario file cannot run code. The text
is composed into nodes (which keep their marks) by :class:`yaml.SafeLoader`, and the data is
built from those nodes here:

- an explicit tag other than the standard scalar, list and map tags is an error;
- a key given twice in one map is an error naming both lines (not last-wins);
- anchors, aliases and ``<<`` merge keys work, but a document that expands to more than
  `MAX_NODES` values or nests deeper than `MAX_DEPTH` levels is refused (alias bombs);
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

__all__ = ["MAX_DEPTH", "MAX_NODES", "DocPath", "Located", "path_text", "read_yaml"]

MAX_NODES = 1_000_000
"""Most values a document may expand to through its aliases."""
MAX_DEPTH = 200
"""Deepest nesting of maps and lists a document may have."""

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


class _Refused(Exception):
    def __init__(self, mark: Mark | None, path: DocPath, rule: str, value: object) -> None:
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


# YAML 1.1 reads ``1e3`` as text; a scenario means the number, as YAML 1.2 does.
_Loader.add_implicit_resolver(
    _STD + "float", re.compile(r"^[-+]?[0-9][0-9_]*[eE][-+]?[0-9]+$"), list("-+0123456789")
)


def _too_deep() -> str:
    return f"the document nests maps and lists more than {MAX_DEPTH} levels deep, the limit"


def _pos(mark: Mark) -> Position:
    return mark.line + 1, mark.column + 1


def _shown_tag(tag: str) -> str:
    return "!!" + tag[len(_STD):] if tag.startswith(_STD) else tag


def _one_line(text: object) -> str:
    return " ".join(str(text).split())


def read_yaml(text: str, file: str) -> Located | None:
    """Parse ``text`` safely; None for an empty document. Raises `ScenarioError`."""
    try:
        loader = _Loader(text)
        try:
            root = loader.get_single_node()
        finally:
            loader.dispose()
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
        if "'\\t'" in rule:
            rule += "; indent with spaces, not tabs"
        line, col = _pos(mark) if mark is not None else (None, None)
        raise ScenarioError([Problem(file, line, col, "", rule)]) from None
    except yaml.reader.ReaderError as exc:
        before = text[: exc.position]
        line = before.count("\n") + 1
        col = exc.position - (before.rfind("\n") + 1) + 1
        rule = f"the file is not valid YAML: character #x{exc.character:04x} is not allowed"
        raise ScenarioError([Problem(file, line, col, "", rule)]) from None
    except yaml.YAMLError as exc:  # pragma: no cover - every YAML error above carries a mark
        raise ScenarioError([Problem(file, None, None, "", _one_line(exc))]) from None


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
            return self.scalar(node, path)
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
                               f"is given twice in one map, on lines {lines[key]} and "
                               f"{key_node.start_mark.line + 1}", Problem.NO_VALUE)
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
