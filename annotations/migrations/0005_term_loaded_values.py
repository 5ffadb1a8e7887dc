"""Term.loaded_values: what the operator's vocabulary files last gave each term, the base of the
loader's three-way rule (annotations/vocabulary/curation.py).

For a database loaded before this field existed, the base is rebuilt from the history: the values the
loader's own changes ("Loaded … from FILE", "Updated … from FILE: …") last wrote, and the term's names
less those the team added, plus those the team removed. A term no load created (added on a screen,
proposed from the reader) gets no base: a later load keeps whatever of it differs from the file.

It also repairs what the old loader did to merged terms (issue 7, item 4): a term that a load brought
back although it was merged is retired again (a merged term is always retired).
"""

import re

from django.db import migrations, models

from annotations.folding import fold

LOADER_SUMMARY = re.compile(r"^(Loaded|Updated) .* from \S")
FIELDS = ("label", "actor_type", "country", "code", "description", "parent")


def rebuild(apps, schema_editor):
    Term = apps.get_model("annotations", "Term")
    Alias = apps.get_model("annotations", "Alias")
    Change = apps.get_model("annotations", "Change")
    history: dict[int, list] = {}
    for change in Change.objects.filter(term__isnull=False).order_by("at", "pk"):
        history.setdefault(change.term_id, []).append(change)
    names: dict[int, list[str]] = {}
    for term_id, key in Alias.objects.order_by("pk").values_list("term_id", "key"):
        names.setdefault(term_id, []).append(key)
    slugs = dict(Term.objects.values_list("pk", "slug"))
    changed = []
    for term in Term.objects.all():
        changes = history.get(term.pk, [])
        loads = [c for c in changes if c.object_type == "term" and LOADER_SUMMARY.match(c.summary)]
        if not any(c.action == "create" for c in loads):
            continue
        team = [c for c in changes if c not in loads]
        base = {}
        for name in FIELDS:
            written = [c.after[name] for c in loads if isinstance(c.after, dict) and name in c.after]
            stored = slugs.get(term.parent_id) if name == "parent" else getattr(term, name)
            base[name] = written[-1] if written else stored
        mappings = [c.after["mappings"] for c in loads if isinstance(c.after, dict) and "mappings" in c.after]
        base["mappings"] = mappings[-1] if mappings else (term.mappings or {})
        retirements = [c for c in team if c.object_type == "term" and c.action in ("retire", "restore", "merge")]
        retired = [c.after["retired"] for c in loads if isinstance(c.after, dict) and "retired" in c.after]
        base["retired"] = retired[-1] if retired else (False if retirements else term.retired_at is not None)
        merged_by_team = any(
            c.action == "merge" and isinstance(c.before, dict) and "merged_into" in c.before for c in team
        )
        base["merged_into"] = None if merged_by_team else slugs.get(term.merged_into_id)
        keys = list(names.get(term.pk, []))
        for c in team:
            if c.object_type == "alias" and c.action == "create" and isinstance(c.after, dict):
                keys = [key for key in keys if key != fold(c.after.get("name", ""))]
            elif c.object_type == "alias" and c.action == "delete" and isinstance(c.before, dict):
                keys.append(fold(c.before.get("name", "")))
            elif c.action == "merge" and isinstance(c.after, dict):
                moved = [fold(name) for name in c.after.get("aliases_moved", [])]
                if "merged_from" in c.after:  # names that came here with a merged term
                    keys = [key for key in keys if key not in moved]
                else:  # names that left with the merge
                    keys += [key for key in moved if key not in keys]
        base["names"] = keys
        term.loaded_values = base
        changed.append(term)
    Term.objects.bulk_update(changed, ["loaded_values"], batch_size=1000)
    Term.objects.filter(merged_into__isnull=False, retired_at__isnull=True).update(
        retired_at=models.F("updated_at")
    )


class Migration(migrations.Migration):
    dependencies = [
        ("annotations", "0004_leads_permissions"),
    ]

    operations = [
        migrations.AddField(
            model_name="term",
            name="loaded_values",
            field=models.JSONField(blank=True, default=dict, editable=False),
        ),
        migrations.RunPython(rebuild, migrations.RunPython.noop),
    ]
