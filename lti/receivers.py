"""purgeclass's own events that concern the LMS."""

from django.db import transaction
from django.dispatch import receiver

from exercises.signals import grades_released

from . import services, tasks


@receiver(grades_released)
def pass_released_grades_back(sender, submissions, **kwargs):
    """Queue each released score of an LMS-linked assignment for the LMS gradebook."""
    for passback in services.queue_passbacks(submissions):
        transaction.on_commit(lambda pk=passback.pk: tasks.send_score.enqueue(pk))
