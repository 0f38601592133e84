"""Teachers import source packs: they may add and correct units, sources and authors.

Deleting stays with staff, because assignments of other classes point at those sources.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

TEACHERS = "Teachers"
SOURCE_PERMISSIONS = [
    f"{action}_{model}" for model in ("unit", "source", "author") for action in ("add", "change")
]


def grant(apps, schema_editor):
    app_config = apps.get_app_config("sources")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=TEACHERS)
    group.permissions.add(
        *Permission.objects.filter(
            content_type__app_label="sources", codename__in=SOURCE_PERMISSIONS
        )
    )


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group in Group.objects.filter(name=TEACHERS):
        group.permissions.remove(
            *Permission.objects.filter(
                content_type__app_label="sources", codename__in=SOURCE_PERMISSIONS
            )
        )


class Migration(migrations.Migration):
    dependencies = [
        ("exercises", "0003_teachers_group"),
        ("sources", "0001_initial"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
