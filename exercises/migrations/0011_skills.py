"""Tag rubric criteria and questions with a historical-thinking skill and an exam's
assessment objective, for the markbook and students' progress across the year."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('exercises', '0010_comment_bank_and_anchored_comments'),
    ]

    operations = [
        migrations.AddField(
            model_name='criterion',
            name='objective',
            field=models.CharField(blank=True, help_text="Optional: the exam's assessment objective, e.g. “AO3 sources”.", max_length=100, verbose_name='assessment objective'),
        ),
        migrations.AddField(
            model_name='criterion',
            name='skill',
            field=models.CharField(blank=True, choices=[('sourcing', 'Sourcing'), ('contextualization', 'Contextualization'), ('corroboration', 'Corroboration'), ('close_reading', 'Close reading')], help_text="The historical-thinking skill this shows, for the markbook and students' progress.", max_length=20, verbose_name='historical-thinking skill'),
        ),
        migrations.AddField(
            model_name='question',
            name='objective',
            field=models.CharField(blank=True, help_text="Optional: the exam's assessment objective, e.g. “AO3 sources”.", max_length=100, verbose_name='assessment objective'),
        ),
        migrations.AddField(
            model_name='question',
            name='skill',
            field=models.CharField(blank=True, choices=[('sourcing', 'Sourcing'), ('contextualization', 'Contextualization'), ('corroboration', 'Corroboration'), ('close_reading', 'Close reading')], help_text="The historical-thinking skill this shows, for the markbook and students' progress.", max_length=20, verbose_name='historical-thinking skill'),
        ),
    ]
