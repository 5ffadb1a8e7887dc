"""backup and restore: a backup restored into an emptied database gives back every row of every table."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tests.project_world import build_project, exports, table_rows

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_restored_backup_has_every_row_of_every_table(alice, bob, charlie, tmp_path):
    build_project(alice, bob, charlie)
    exported = exports()  # first: the export stores sentence starts an article lacks
    before = table_rows()
    assert before["annotations_claim"] and before["annotations_change"] and before["django_session"] == []
    path = tmp_path / "marginalia.backup"
    call_command("backup", str(path))
    call_command("flush", interactive=False)
    assert table_rows()["annotations_span"] == []
    call_command("restore", str(path), yes=True)
    assert table_rows() == before
    assert exports() == exported


def test_restore_refuses_a_file_that_is_no_backup(db, tmp_path):
    path = tmp_path / "notes.txt"
    path.write_text("not a database")
    with pytest.raises(CommandError):
        call_command("restore", str(path), yes=True)
    with pytest.raises(CommandError, match="No backup file"):
        call_command("restore", str(tmp_path / "missing"), yes=True)
