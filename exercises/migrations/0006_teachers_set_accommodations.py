"""Teachers set their students' accommodations (extra time, an extended due date, a note)
on the enrolment: the group may now change enrolments. The admin lets them change only
those fields, never the class or the student."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

TEACHERS = "Teachers"


def grant(apps, schema_editor):
    app_config = apps.get_app_config("exercises")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=TEACHERS)
    group.permissions.add(
        *Permission.objects.filter(content_type__app_label="exercises", codename="change_enrollment")
    )


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group in Group.objects.filter(name=TEACHERS):
        group.permissions.remove(
            *Permission.objects.filter(
                content_type__app_label="exercises", codename="change_enrollment"
            )
        )


class Migration(migrations.Migration):
    dependencies = [("exercises", "0005_timed_work_and_accommodations")]

    operations = [migrations.RunPython(grant, revoke)]
