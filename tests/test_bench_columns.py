"""The benchmarks that COPY rows straight into PostgreSQL (bench/export.py, bench/claims_export.py) name
every NOT NULL column of the tables they fill: the database has no defaults of its own, so a model field
added without a COPY column would break `make bench`, not a test. This test breaks instead."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.db.models.fields import NOT_PROVIDED

from bench.claims_export import CLAIM_COLUMNS
from bench.export import COLUMNS


def model_of(table: str):
    return next(model for model in apps.get_models() if model._meta.db_table == table)


def required_columns(table: str) -> set[str]:
    """Columns the database refuses to leave empty: not null, and no default in the database."""
    return {
        field.column
        for field in model_of(table)._meta.concrete_fields
        if not field.null and field.db_default is NOT_PROVIDED
    }


@pytest.mark.parametrize(
    "table, columns",
    [(table, columns) for table, columns in {**COLUMNS, **CLAIM_COLUMNS}.items()],
)
def test_the_bench_loaders_fill_every_required_column(table, columns):
    missing = required_columns(table) - set(columns)
    assert not missing, f"bench COPY into {table} lacks {sorted(missing)}"
    unknown = set(columns) - {field.column for field in model_of(table)._meta.concrete_fields}
    assert not unknown, f"bench COPY into {table} names columns the model lacks: {sorted(unknown)}"


def test_the_export_bench_marks_its_articles_analysed():
    # An article with analysed_at empty shows as "analysing" and is analysed again by resume_jobs.
    assert "analysed_at" in COLUMNS["corpus_article"]
