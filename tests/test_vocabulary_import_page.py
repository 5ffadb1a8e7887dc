"""The vocabulary's Import page, from an empty vocabulary: a file loads and the page reports what it did;
a file of another kind is refused, naming it."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from annotations.models import Term


def term(slug: str) -> Term:
    return Term.objects.get(slug=slug)


def test_import_page_loads_a_csv_and_shows_the_report(alice_client, db):
    upload = SimpleUploadedFile(
        "team.csv",
        b"kind,id,label,code,parent,aliases,description\n"
        b"state,iran,Iran,IRN,,Iran; Tehran,\n"
        b"person,khamenei,Ali Khamenei,IRNGOV,iran,Khamenei,\n"
        b"person,ghost,Ghost,,nobody,,\n",
        content_type="text/csv",
    )
    response = alice_client.post(reverse("annotations:vocabulary-import"), {"file": upload})
    html = response.content.decode()
    assert "actors 2, events 0: created 2" in html
    assert "refused: line 4 (id “ghost”): unknown parent “nobody”" in html
    assert term("khamenei").parent.slug == "iran"


def test_import_refuses_other_file_types(alice_client, db):
    upload = SimpleUploadedFile("terms.xlsx", b"PK\x03\x04", content_type="application/octet-stream")
    response = alice_client.post(reverse("annotations:vocabulary-import"), {"file": upload})
    assert response.status_code == 400
    assert "terms.xlsx: use a .json or .csv file." in response.content.decode()
    assert Term.objects.count() == 0
