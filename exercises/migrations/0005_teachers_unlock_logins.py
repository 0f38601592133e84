"""Teachers unlock their students' logins and set their accommodations: both need change
permission on enrolments.

Lifting a lock-out changes what a student can do, so seeing the enrolment is not enough. On
the enrolment's own page a teacher changes only the accommodations (extra time, an extended
due date, a note), never the class or the student (exercises/admin.py).
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

TEACHERS = "Teachers"
CODENAME = "change_enrollment"


def _permission(apps):
    Permission = apps.get_model("auth", "Permission")
    return Permission.objects.filter(content_type__app_label="exercises", codename=CODENAME)


def grant(apps, schema_editor):
    app_config = apps.get_app_config("exercises")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    group, _ = apps.get_model("auth", "Group").objects.get_or_create(name=TEACHERS)
    group.permissions.add(*_permission(apps))


def revoke(apps, schema_editor):
    for group in apps.get_model("auth", "Group").objects.filter(name=TEACHERS):
        group.permissions.remove(*_permission(apps))


class Migration(migrations.Migration):
    dependencies = [("exercises", "0004_teachers_import_source_packs")]

    operations = [migrations.RunPython(grant, revoke)]
