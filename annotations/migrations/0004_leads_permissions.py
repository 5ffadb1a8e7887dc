"""The leads group holds the vocabulary's permissions, as the README says (issue 7).

- Creates the `leads` group if missing and gives it add/change/view on terms and add/change/delete/view
  on aliases. `annotations.permissions.can_curate_vocabulary` checks `annotations.change_term`.
- Permissions are normally created after all migrations (post_migrate); on a fresh database they do
  not exist yet, so this creates the ones it needs (the same rows post_migrate would create).
- Terms that `load_demo` loaded from the seed while it ran as the demo analyst belonged to that analyst,
  who could then edit the whole seed: they are the shared vocabulary's (created_by empty), as
  `load_demo` now loads them.
"""

from django.db import migrations

LEAD_PERMISSIONS = {
    "term": ["add", "change", "view"],
    "alias": ["add", "change", "delete", "view"],
}
VERBOSE = {"term": "term", "alias": "alias"}
DEMO_USERNAME = "analyst"
SEED_FILE = "seed_vocabulary.json"


def grant(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    group, _ = Group.objects.get_or_create(name="leads")
    for model, actions in LEAD_PERMISSIONS.items():
        content_type, _ = ContentType.objects.get_or_create(app_label="annotations", model=model)
        for action in actions:
            permission, _ = Permission.objects.get_or_create(
                content_type=content_type,
                codename=f"{action}_{model}",
                defaults={"name": f"Can {action} {VERBOSE[model]}"},
            )
            group.permissions.add(permission)


def seed_terms_to_the_vocabulary(apps, schema_editor):
    Change = apps.get_model("annotations", "Change")
    Term = apps.get_model("annotations", "Term")
    loaded_by_demo = Change.objects.filter(
        object_type="term",
        action="create",
        actor__username=DEMO_USERNAME,
        summary__startswith="Loaded ",
        summary__endswith=f" from {SEED_FILE}",
    ).values("object_id")
    Term.objects.filter(pk__in=loaded_by_demo, created_by__username=DEMO_USERNAME).update(created_by=None)


class Migration(migrations.Migration):
    dependencies = [
        ("annotations", "0003_claims"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.RunPython(grant, migrations.RunPython.noop),
        migrations.RunPython(seed_terms_to_the_vocabulary, migrations.RunPython.noop),
    ]
