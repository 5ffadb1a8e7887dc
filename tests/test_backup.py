"""backup and restore: a backup restored into an emptied database gives back every row of every table, and
the vocabulary's version moves on, so nothing compiled before the restore is reused."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from annotations.models import VocabularyVersion
from annotations.suggestions import vocabulary_index
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
    after = table_rows()
    (version,) = after.pop("annotations_vocabularyversion")
    assert after == {name: rows for name, rows in before.items() if name != "annotations_vocabularyversion"}
    assert exports() == exported
    # Bumped: the stamp is new and the number one more than the backup's.
    (backed_up,) = before["annotations_vocabularyversion"]
    assert version[0] == backed_up[0] and version[1] == backed_up[1] + 1 and version[2] != backed_up[2]


def test_after_a_restore_every_process_compiles_the_vocabulary_again(alice, bob, charlie, tmp_path):
    build_project(alice, bob, charlie)
    path = tmp_path / "marginalia.backup"
    call_command("backup", str(path))
    compiled, version = vocabulary_index(), VocabularyVersion.key()
    call_command("restore", str(path), yes=True)  # the same vocabulary, written past its save methods
    assert VocabularyVersion.key() != version
    assert vocabulary_index() is not compiled


def test_restore_refuses_a_file_that_is_no_backup(db, tmp_path):
    path = tmp_path / "notes.txt"
    path.write_text("not a database")
    with pytest.raises(CommandError):
        call_command("restore", str(path), yes=True)
    with pytest.raises(CommandError, match="No backup file"):
        call_command("restore", str(tmp_path / "missing"), yes=True)
