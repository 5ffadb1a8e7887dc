"""Plain helpers shared by the importer test modules (tests/test_import_*.py)."""

from __future__ import annotations

from pathlib import Path

DEMO = Path(__file__).resolve().parent.parent / "corpus" / "demo"

PARAGRAPH = (
    "Iran launched a series of missile strikes against US military bases in Iraq on Wednesday, "
    "in retaliation for the killing of General Qasem Soleimani."
)
SECOND = "Both sides then signalled that they wanted to avoid a wider war, officials said."


def write(folder: Path, name: str, content: str | bytes) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, str):
        content = content.encode("utf-8")
    path.write_bytes(content)
    return path


def only(report):
    assert len(report.results) == 1, report.results
    return report.results[0]


def assert_normalised(body: str) -> None:
    assert "\r" not in body
    assert "\n\n\n" not in body
    for paragraph in body.split("\n\n"):
        assert paragraph, "empty paragraph"
        assert paragraph == paragraph.strip(), f"paragraph not stripped: {paragraph[:40]!r}"
        for line in paragraph.split("\n"):
            assert line == line.rstrip()
