"""The notes on every documented scenario field, in one table keyed by class name.

`FIELD_NOTES` merges the generated parts, one per section of the file: the parties'
(`party_fieldnotes`), the deals' (`deal_fieldnotes`) and the shared world's
(`world_fieldnotes`). tests/scenario/test_schema_fields.py generates the parts from the docs
(``REGENERATE=1``) and checks them; `fieldnotes` explains how the notes are looked up.
"""

from .deal_fieldnotes import DEAL_NOTES
from .party_fieldnotes import PARTY_NOTES
from .world_fieldnotes import WORLD_NOTES

__all__ = ["FIELD_NOTES"]

FIELD_NOTES: dict[str, dict[str, str]] = dict(sorted({**DEAL_NOTES, **PARTY_NOTES, **WORLD_NOTES}.items()))
"""Class name to field name to its one-line description, classes in name order."""
