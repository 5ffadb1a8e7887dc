"""What a vocabulary file describes, whatever its format: one `Entry` per term, and the CSV's columns.

Shared by reading (which makes entries), loading (which applies them) and export (which writes
the same shapes back).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from annotations.folding import fold

CSV_COLUMNS = ["kind", "id", "label", "code", "parent", "aliases", "description"]
ALIAS_SEPARATOR = "; "
# Spellings that fold like another name of the same term, kept in Term.mappings under this key.
SPELLINGS = "alias_spellings"


class VocabularyFileError(Exception):
    """The whole file cannot be read (not JSON, no known columns, …)."""


@dataclass
class Entry:
    """One term as a file describes it. `present` lists the Term fields the file speaks for:
    a CSV has no country or mappings, so loading it leaves those as they are."""

    where: str
    slug: str
    kind: str
    actor_type: str = ""
    label: str = ""
    country: str = ""
    code: str = ""
    description: str = ""
    parent: str = ""
    aliases: list[str] = field(default_factory=list)
    mappings: dict[str, Any] = field(default_factory=dict)
    retired: bool = False
    merged_into: str = ""
    present: set[str] = field(default_factory=set)
    _names: dict[bool, list[tuple[str, str]]] = field(default_factory=dict, repr=False, compare=False)

    @property
    def name(self) -> str:
        return f"{self.where} (id “{self.slug}”)" if self.slug else self.where

    def names(self, *, with_label: bool = True) -> list[tuple[str, str]]:
        """(name, folded key) of each alias, the label last unless already listed; one per key."""
        cached = self._names.get(with_label)
        if cached is not None:
            return cached
        result, keys = [], set()
        for name in [*self.aliases, self.label] if with_label else self.aliases:
            name = " ".join(name.split())
            key = fold(name)
            if key and key not in keys:
                keys.add(key)
                result.append((name, key))
        self._names[with_label] = result
        return result

    def folded_repeats(self) -> list[str]:
        """Spellings that fold like an earlier name of the same entry ("Khamene'i" after "Khamenei")."""
        kept = {name for name, _ in self.names()}
        seen, repeats = set(), []
        for name in self.aliases:
            name = " ".join(name.split())
            if name not in kept and name not in seen:
                repeats.append(name)
            seen.add(name)
        return repeats
