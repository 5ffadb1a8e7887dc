"""The agreement report as CSV, JSON and a text table, and its disagreements as CSV.

The screen's downloads and `manage.py agreement` use these same functions, so the two give the same
bytes. CSV cells go through the one CSV-cell helper (annotations/export/csvcells.py): RFC 4180, CRLF,
spreadsheet formulas neutralised in text cells.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

from analysis.agreement import Disagreement, Figure, Report
from annotations.export.csvcells import csv_record, neutralise

REPORT_COLUMNS = (
    "section",
    "measure",
    "term",
    "coder_a",
    "coder_b",
    "a_count",
    "b_count",
    "matched",
    "precision",
    "recall",
    "f1",
    "units",
    "alpha",
    "agreement",
)
DISAGREEMENT_COLUMNS = (
    "article_id",
    "article_title",
    "coder_a",
    "a_span_id",
    "a_start",
    "a_end",
    "a_quote",
    "a_value",
    "coder_b",
    "b_span_id",
    "b_start",
    "b_end",
    "b_quote",
    "b_value",
)


def number(value: float | None) -> str:
    """Three decimals, as the screen shows them; empty when undefined."""
    return "" if value is None else f"{value:.3f}"


def figure_cells(figure: Figure) -> list:
    return [
        figure.section,
        figure.measure,
        neutralise(figure.term),
        neutralise(figure.coder_a),
        neutralise(figure.coder_b),
        figure.a_count,
        figure.b_count,
        figure.matched,
        number(figure.precision),
        number(figure.recall),
        number(figure.f1),
        figure.units,
        number(figure.alpha),
        number(figure.agreement),
    ]


def report_csv(report: Report) -> str:
    return csv_record(REPORT_COLUMNS) + "".join(csv_record(figure_cells(f)) for f in report.figures)


def report_json(report: Report) -> str:
    figures = [dict(zip(REPORT_COLUMNS, figure_cells(f), strict=True)) for f in report.figures]
    for raw, row in zip(report.figures, figures, strict=True):
        for name in ("precision", "recall", "f1", "alpha", "agreement"):
            value = getattr(raw, name)
            row[name] = None if value is None else round(value, 6)
        row["term"], row["coder_a"], row["coder_b"] = raw.term, raw.coder_a, raw.coder_b
        row["term_id"] = raw.term_id
    confusion = [
        {
            "coder_a": a,
            "coder_b": b,
            "field": name,
            "cells": [[va, vb, n] for (va, vb), n in sorted(cells.items())],
        }
        for (a, b, name), cells in report.confusion.items()
    ]
    document = {
        "scope": {"kind": report.scope.kind, "id": report.scope.pk, "label": report.scope.label},
        "coders": report.coders,
        "passages_compared": report.unit_count,
        "figures": figures,
        "confusion": confusion,
    }
    return json.dumps(document, ensure_ascii=False, indent=1) + "\n"


def report_table(report: Report) -> str:
    """A plain-text table for the terminal: one line per figure, figures right-aligned."""
    rows = [list(REPORT_COLUMNS)] + [
        [str(c) if c is not None else "" for c in figure_cells(f)] for f in report.figures
    ]
    widths = [max(len(row[i]) for row in rows) for i in range(len(REPORT_COLUMNS))]
    lines = [f"Agreement on {report.scope.label}: {', '.join(report.coders) or 'no analysts'}"]
    for row in rows:
        lines.append(
            "  ".join(
                cell.ljust(w) if i < 5 else cell.rjust(w)
                for i, (cell, w) in enumerate(zip(row, widths, strict=True))
            )
        )
    return "\n".join(lines) + "\n"


def disagreement_cells(d: Disagreement) -> list:
    cells = [d.article_id, neutralise(d.quotes.get("title", ""))]
    for coder, passage, side, value in ((d.coder_a, d.a, "a", d.a_value), (d.coder_b, d.b, "b", d.b_value)):
        cells += [
            neutralise(coder),
            passage.pk if passage else "",
            passage.start if passage else "",
            passage.end if passage else "",
            neutralise(d.quotes.get(side, "")),
            neutralise(value),
        ]
    return cells


def disagreements_csv(report: Report) -> Iterator[str]:
    yield csv_record(DISAGREEMENT_COLUMNS)
    for d in report.disagreements:
        yield csv_record(disagreement_cells(d))
