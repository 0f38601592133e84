"""The "Teachers" group: what a teacher may do in the admin.

A teacher is a staff user in this group. Which classes they see is not a permission: the
admin narrows every list and page to the classes they teach (exercises/admin.py).
Sources and rubrics are shared teaching material: every teacher may read the sources and
write rubrics.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

TEACHERS = "Teachers"

PERMISSIONS = {
    "exercises": {
        "classroom": ["add", "change", "view"],
        "enrollment": ["add", "delete", "view"],
        "assignment": ["add", "change", "delete", "view"],
        "assignmentsource": ["add", "change", "delete", "view"],
        "question": ["add", "change", "delete", "view"],
        "questionsource": ["add", "change", "delete", "view"],
        "submission": ["change", "view"],
        "answer": ["view"],
        "grade": ["add", "change", "view"],
        "historicalgrade": ["view"],
        "criteriongrade": ["add", "change", "delete", "view"],
        "featuredanswer": ["add", "change", "delete", "view"],
        "rubric": ["add", "change", "view"],
        "criterion": ["add", "change", "delete", "view"],
        "level": ["add", "change", "delete", "view"],
    },
    "sources": {
        "unit": ["view"],
        "author": ["view"],
        "source": ["view"],
    },
}


def create_teachers_group(apps, schema_editor):
    # Permissions are normally created after all migrations have run (post_migrate); on a
    # fresh database they do not exist yet, so create them now for the apps concerned.
    for app_label in PERMISSIONS:
        app_config = apps.get_app_config(app_label)
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=TEACHERS)
    for app_label, models in PERMISSIONS.items():
        for model, actions in models.items():
            codenames = [f"{action}_{model}" for action in actions]
            permissions = Permission.objects.filter(
                content_type__app_label=app_label,
                content_type__model=model,
                codename__in=codenames,
            )
            found = set(permissions.values_list("codename", flat=True))
            missing = set(codenames) - found
            if missing:
                raise RuntimeError(f"Permissions missing for the Teachers group: {missing}")
            group.permissions.add(*permissions)


def remove_teachers_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=TEACHERS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("exercises", "0002_featured_answers"),
        ("sources", "0001_initial"),
    ]

    operations = [migrations.RunPython(create_teachers_group, remove_teachers_group)]
