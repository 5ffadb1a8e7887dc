"""The public entry points: files and folders, browser uploads, pasted text."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from pathlib import Path

from django.core.files.uploadedfile import UploadedFile

from corpus.importers.decoding import _basename, _decode
from corpus.importers.drafts import Draft, Refusal, _set_metadata
from corpus.importers.manifest import MANIFEST_NAME, _load_manifest, _parse_manifest
from corpus.importers.reading import _read_bytes, _read_path, _read_upload, _walk
from corpus.importers.report import FileResult, ImportReport, Progress
from corpus.importers.saving import _run


def import_paths(
    paths: Iterable[Path | str], user=None, progress: Progress | None = None, *, background: bool = False
) -> ImportReport:
    """Import files and folders (recursively); a folder's manifest.csv supplies its files' metadata.
    The articles are analysed before this returns unless `background` (then a task per file does it)."""
    files = list(_walk(paths))
    manifests: dict[Path, dict[str, dict[str, str]]] = {}
    report = ImportReport()

    def inputs() -> Iterator[list[Draft | FileResult]]:
        for done, (path, shown) in enumerate(files, start=1):
            if path is None:
                yield [FileResult(shown, "refused", "no such file or folder")]
            else:
                folder = path.parent
                if folder not in manifests:
                    manifests[folder], problem = _load_manifest(folder, shown_folder=Path(shown).parent)
                    if problem:
                        yield [problem]
                yield list(_read_path(path, shown, manifests[folder].get(path.name)))
            if progress:
                progress(done, len(files))

    _run(inputs(), report, user, background=background)
    return report


def import_uploads(files: Iterable[UploadedFile], user=None, *, background: bool = False) -> ImportReport:
    """Import files uploaded in the browser, in this process; an uploaded manifest.csv supplies the
    others' metadata. (The Import page hands uploads to a job instead: corpus.import_jobs.)"""
    uploads = list(files)
    manifest: dict[str, dict[str, str]] = {}
    report = ImportReport()
    for upload in uploads:
        if _basename(upload.name) == MANIFEST_NAME:
            try:
                manifest = _parse_manifest(_decode(_read_upload(upload))[0])
            except Refusal as refusal:
                report.results.append(FileResult(_basename(upload.name), "refused", str(refusal)))

    def inputs() -> Iterator[list[Draft | FileResult]]:
        for upload in uploads:
            name = _basename(upload.name)
            if name == MANIFEST_NAME:
                continue
            try:
                data = _read_upload(upload)
            except Refusal as refusal:
                yield [FileResult(name, "refused", str(refusal))]
                continue
            yield list(_read_bytes(data, name, name, manifest.get(name)))

    _run(inputs(), report, user, background=background)
    return report


def import_text(
    *,
    title: str,
    text: str,
    user=None,
    source: str = "",
    authors: str | list[str] = "",
    published: dt.date | str | None = None,
    url: str = "",
    background: bool = False,
) -> ImportReport:
    """Import pasted text under the given title (analysed now, or by a task if `background`)."""
    report = ImportReport()
    name = "pasted text"
    draft = Draft(name=name, text=text)
    try:
        _set_metadata(
            draft, {"title": title, "source": source, "authors": authors, "published": published, "url": url}
        )
        if not text.strip():
            raise Refusal("no text to import")
        if not draft.title:
            raise Refusal("a title is needed for pasted text")
    except Refusal as refusal:
        report.results.append(FileResult(name, "refused", str(refusal)))
        return report
    _run([[draft]], report, user, background=background)
    return report
