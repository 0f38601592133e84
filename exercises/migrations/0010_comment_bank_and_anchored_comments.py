"""The marking workspace's comment bank (a teacher's reusable comments per rubric
criterion and level) and comments anchored to words of an answer; teachers may keep a
bank and anchor comments (the "Teachers" group gets those permissions)."""

from django.contrib.auth.management import create_permissions

import django.core.validators
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


TEACHERS = "Teachers"
PERMISSIONS = {
    "commentbankentry": ["add", "change", "delete", "view"],
    "anchoredcomment": ["add", "delete", "view"],
}


def _permissions(apps):
    Permission = apps.get_model("auth", "Permission")
    return Permission.objects.filter(
        content_type__app_label="exercises",
        codename__in=[f"{a}_{model}" for model, actions in PERMISSIONS.items() for a in actions],
    )


def grant(apps, schema_editor):
    app_config = apps.get_app_config("exercises")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    group, _ = apps.get_model("auth", "Group").objects.get_or_create(name=TEACHERS)
    group.permissions.add(*_permissions(apps))


def revoke(apps, schema_editor):
    for group in apps.get_model("auth", "Group").objects.filter(name=TEACHERS):
        group.permissions.remove(*_permissions(apps))


class Migration(migrations.Migration):
    dependencies = [
        ("exercises", "0009_rubric_owner_and_sharing"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="AnchoredComment",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("field", models.CharField(max_length=40)),
                ("start", models.PositiveIntegerField()),
                ("end", models.PositiveIntegerField()),
                ("quote", models.TextField()),
                ("comment", models.TextField(max_length=1000)),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                (
                    "answer",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="anchored_comments",
                        to="exercises.answer",
                    ),
                ),
                (
                    "author",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "ordering": ["answer", "field", "start", "id"],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(("end__gt", models.F("start"))), name="anchor_not_empty"
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="CommentBankEntry",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "code",
                    models.CharField(
                        help_text="Typed as #code in a feedback box to insert the comment, e.g. P1.",
                        max_length=12,
                        validators=[
                            django.core.validators.RegexValidator(
                                "^[A-Za-z0-9]{1,12}$",
                                "A code is one to twelve letters or digits, e.g. P1.",
                            )
                        ],
                    ),
                ),
                ("text", models.TextField(max_length=1000)),
                ("updated_at", models.DateTimeField(auto_now=True)),
                (
                    "criterion",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="bank_comments",
                        to="exercises.criterion",
                    ),
                ),
                (
                    "level",
                    models.ForeignKey(
                        blank=True,
                        help_text="Leave empty to offer it at every level of the criterion.",
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="bank_comments",
                        to="exercises.level",
                    ),
                ),
                (
                    "owner",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="comment_bank",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name": "bank comment",
                "verbose_name_plural": "comment bank",
                "ordering": ["criterion", "level__order", "code"],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("owner", "code"), name="bank_comment_code_unique"
                    )
                ],
            },
        ),
        migrations.RunPython(grant, revoke),
    ]
