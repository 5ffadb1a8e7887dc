"""What an import run reports: one result per file or line, and the counts."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

Status = Literal["imported", "duplicate", "refused"]
Progress = Callable[[int, int], None]


@dataclass
class FileResult:
    name: str
    status: Status
    message: str
    article_id: int | None = None
    warnings: list[str] = field(default_factory=list)
    line: int | None = None

    def as_dict(self) -> dict:
        """For a job's stored report (dataclasses.asdict deep-copies, and costs 20x this)."""
        return {
            "name": self.name,
            "status": self.status,
            "message": self.message,
            "article_id": self.article_id,
            "warnings": list(self.warnings),
            "line": self.line,
        }


@dataclass
class ImportReport:
    results: list[FileResult] = field(default_factory=list)

    def _count(self, status: Status) -> int:
        return sum(1 for r in self.results if r.status == status)

    @property
    def imported(self) -> int:
        return self._count("imported")

    @property
    def duplicates(self) -> int:
        return self._count("duplicate")

    @property
    def refused(self) -> int:
        return self._count("refused")

    def summary(self) -> str:
        return f"imported {self.imported}, duplicates {self.duplicates}, refused {self.refused}"
