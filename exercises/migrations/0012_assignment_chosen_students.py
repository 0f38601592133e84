"""Follow-up work: an assignment may be set for a few students of its class only."""

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("exercises", "0011_skills"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='assignment',
            name='chosen_students',
            field=models.ManyToManyField(blank=True, help_text='Leave empty to set the work for the whole class.', related_name='assignments_chosen_for', to=settings.AUTH_USER_MODEL, verbose_name='set for these students only'),
        ),
    ]
