"""The import_articles command: per-file lines, warnings, the summary line, exit code, progress."""

from __future__ import annotations

import io
import json
import shutil

import pytest
from django.core.management import CommandError, call_command

from corpus.importers import import_paths
from corpus.models import Article
from tests.import_helpers import DEMO, PARAGRAPH, SECOND, write


def test_progress_is_reported_per_file(db, tmp_path):
    for n in range(3):
        write(tmp_path, f"{n}.txt", f"Title {n}\n\n{PARAGRAPH} {n}")
    calls = []
    import_paths([tmp_path], progress=lambda done, total: calls.append((done, total)))
    assert calls == [(1, 3), (2, 3), (3, 3)]


# --- the command -----------------------------------------------------------------------------------


def test_command_prints_refusals_and_duplicates_and_the_summary(db, tmp_path):
    folder = tmp_path / "corpus"
    shutil.copytree(DEMO, folder)
    write(folder, "broken.jsonl", json.dumps({"title": "T", "text": PARAGRAPH}) + "\n{oops\n")
    call_command("import_articles", str(folder / "000_616074d22a71f991.txt"), stdout=io.StringIO())

    out = io.StringIO()
    with pytest.raises(CommandError) as failure:
        call_command("import_articles", str(folder), stdout=out)
    lines = out.getvalue().splitlines()
    assert failure.value.returncode == 1
    assert lines[-1] == "imported 5, duplicates 1, refused 1"
    not_json = "not JSON: Expecting property name enclosed in double quotes (column 2)"
    assert f"{folder / 'broken.jsonl'}: line 2: {not_json}" in lines
    assert any(
        line.startswith(f"{folder / '000_616074d22a71f991.txt'}: skipped: duplicate of article")
        for line in lines
    )
    assert len(lines) == 3, "imported files are quiet at the default verbosity"


def test_command_lists_imported_files_at_verbosity_2_and_exits_zero(db, tmp_path):
    write(tmp_path, "a.txt", f"Title A\n\n{PARAGRAPH}")
    out = io.StringIO()
    call_command("import_articles", str(tmp_path), verbosity=2, stdout=out)
    lines = out.getvalue().splitlines()
    article = Article.objects.get()
    assert lines == [
        f"{tmp_path / 'a.txt'}: imported as article {article.pk}: Title A",
        "imported 1, duplicates 0, refused 0",
    ]


def test_command_prints_warnings(db, tmp_path):
    write(tmp_path, "old.txt", f"Caf\u00e9\n\n{PARAGRAPH}".encode("cp1252"))
    out = io.StringIO()
    call_command("import_articles", str(tmp_path), stdout=out)
    assert "warning: not UTF-8: read as Windows-1252" in out.getvalue()


def test_command_refuses_an_unknown_user(db, tmp_path):
    with pytest.raises(CommandError, match='no user named "nobody"'):
        call_command("import_articles", str(tmp_path), user="nobody")


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_command_shows_a_progress_bar_on_a_terminal_for_many_files(db, tmp_path):
    for n in range(12):
        write(tmp_path, f"{n:02d}.txt", f"Title {n}\n\n{PARAGRAPH} Number {n}.")
    terminal, out = Terminal(), io.StringIO()
    call_command("import_articles", str(tmp_path), stdout=out, stderr=terminal)
    assert "] 6/12 files" in terminal.getvalue()
    assert "[" + "#" * 30 + "] 12/12 files" in terminal.getvalue()
    assert out.getvalue().splitlines() == ["imported 12, duplicates 0, refused 0"]


def test_command_shows_no_progress_bar_when_not_on_a_terminal_or_for_few_files(db, tmp_path):
    for n in range(12):
        write(tmp_path / "many", f"{n:02d}.txt", f"Title {n}\n\n{PARAGRAPH} Number {n}.")
    write(tmp_path / "few", "one.txt", f"One\n\n{SECOND}")
    piped = io.StringIO()
    call_command("import_articles", str(tmp_path / "many"), stdout=io.StringIO(), stderr=piped)
    terminal = Terminal()
    call_command("import_articles", str(tmp_path / "few"), stdout=io.StringIO(), stderr=terminal)
    assert piped.getvalue() == terminal.getvalue() == ""
