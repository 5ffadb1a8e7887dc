"""The outcome of loading a vocabulary file: counts, shared names, skipped sections and refusals."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class VocabularyReport:
    actors: int = 0
    events: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    aliases_added: int = 0
    shared_names: dict[str, list[str]] = field(default_factory=dict)
    skipped: list[str] = field(default_factory=list)
    # Existing terms the load left as the team curated them, each with what it kept (counted in unchanged
    # unless something else of the term changed).
    kept: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    # The claim fields' definitions (claim_attributes.py): read from the file, then loaded.
    claim_attributes: list[dict] | None = None
    claim_fields: int = 0
    claim_fields_left_out: list[str] = field(default_factory=list)
    # Differences between the file and the code that change nothing but deserve a look.
    warnings: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def summary(self) -> str:
        text = (
            f"actors {self.actors}, events {self.events}: created {self.created}, updated {self.updated}, "
            f"unchanged {self.unchanged}"
            + (f" ({len(self.kept)} kept as the team left them)" if self.kept else "")
            + f"; aliases added {self.aliases_added}; "
            f"shared names {len(self.shared_names)}"
        )
        if self.claim_fields:
            text += f"; claim fields {self.claim_fields}"
            if self.claim_fields_left_out:
                text += f" ({', '.join(self.claim_fields_left_out)} not coded)"
        if self.skipped:
            text += "; " + "; ".join(self.skipped)
        if self.errors:
            text += f"; refused {len(self.errors)}"
        return text

    def details(self) -> list[str]:
        """One line per shared name, per term kept as the team left it, and per refusal, for the command
        and the import screen."""
        lines = [f"shared name: {name} → {', '.join(labels)}" for name, labels in self.shared_names.items()]
        lines += [f"unchanged: {kept}" for kept in self.kept]
        lines += [f"note: {warning}" for warning in self.warnings]
        return lines + [f"refused: {error}" for error in self.errors]
