"""The declared type of a value in a scenario document, found by its path.

`chipcredit.scenario.translation` words a pydantic error by the model that refused the value:
which fields a map may have, which kinds a ``kind:`` union has. These walk the models along a
document path (``("deals", 2, "debt")``), choosing each union's member by the value there.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel, Discriminator, Tag

from .yamlnodes import DocPath, node_at

__all__ = ["kind_members", "model_at", "pick", "type_at"]


def kind_members(tp: Any) -> dict[str, type[BaseModel]]:
    """The models of a ``kind:`` union by their kind (empty for any other type)."""
    while get_origin(tp) is Annotated:
        tp = get_args(tp)[0]
    if get_origin(tp) not in (Union, type(int | str)):
        return {}
    out: dict[str, type[BaseModel]] = {}
    for member in get_args(tp):
        while get_origin(member) is Annotated:
            member = get_args(member)[0]
        field = getattr(member, "model_fields", {}).get("kind")
        if field is not None and get_origin(field.annotation) is Literal:
            for tag in get_args(field.annotation):
                out[str(tag)] = member
    return out



def pick(tp: Any, node: Any) -> Any:
    """The type that validates ``node`` out of ``tp``: unwraps Annotated, Optional, unions
    (told apart by ``kind:``, or by a callable `Discriminator` and the members' `Tag`)."""
    while get_origin(tp) is Annotated:
        tp, *meta = get_args(tp)
        chooser = next((m.discriminator for m in meta if isinstance(m, Discriminator)
                        and callable(m.discriminator)), None)
        if chooser is not None:  # a form chosen by the value (a growth: number or path)
            tag = chooser(node)
            for member in get_args(tp):
                if any(isinstance(m, Tag) and m.tag == tag for m in get_args(member)[1:]):
                    return pick(member, node)
            return None
    if get_origin(tp) in (Union, type(int | str)):
        members = [m for m in get_args(tp) if m is not type(None)]
        if len(members) == 1:
            return pick(members[0], node)
        kind = node.get("kind") if isinstance(node, dict) else None
        for member in members:
            inner = pick(member, node)
            field = getattr(inner, "model_fields", {}).get("kind")
            if field is not None and get_origin(field.annotation) is Literal \
                    and kind in get_args(field.annotation):
                return inner
        return None
    return tp


def model_at(root: type[BaseModel], path: DocPath, data: Any) -> type[BaseModel] | None:
    """The model that validates the map at ``path`` of the document, if one does."""
    tp = pick(type_at(root, path, data), node_at(data, path))
    return tp if isinstance(tp, type) and issubclass(tp, BaseModel) else None


def type_at(root: type[BaseModel], path: DocPath, data: Any) -> Any:
    """The declared type of the value at ``path`` of the document (a union left whole), or
    None when the path leaves the models."""
    tp: Any = root
    node = data
    for part in path:
        tp = pick(tp, node)
        if isinstance(tp, type) and issubclass(tp, BaseModel):
            fields = {f.alias or n: f for n, f in tp.model_fields.items()}
            if part not in fields:
                return None
            # pydantic keeps a field's discriminator beside its annotation: put it back
            chooser = [m for m in fields[part].metadata if isinstance(m, Discriminator)]
            tp = Annotated[(fields[part].annotation, *chooser)] if chooser else fields[part].annotation
        elif get_origin(tp) in (list, tuple):  # scenario lists are stored as tuple[X, ...]
            tp = get_args(tp)[0]
        elif get_origin(tp) is dict:
            tp = get_args(tp)[1]
        else:
            return None
        if isinstance(node, dict):
            node = node.get(part)
        elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            node = node[part]
        else:
            node = None
    return tp
