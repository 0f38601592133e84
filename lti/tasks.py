"""Background work (django-tasks, database backend: no new server; `manage.py db_worker`)."""

from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from django_tasks import task

from . import services
from .models import GradePassback


def retry_delay(attempts):
    """Wait longer after each failure: 1, 2, 4, 8 ... minutes (LTI_PASSBACK_RETRY_SECONDS)."""
    return timedelta(seconds=settings.LTI_PASSBACK_RETRY_SECONDS * 2 ** (attempts - 1))


@task()
def send_score(passback_id):
    """Send one released score to the LMS; on failure, record why and try again later."""
    passback = (
        GradePassback.objects.select_related("link", "lti_user__registration")
        .filter(pk=passback_id)
        .first()
    )
    if passback is None or passback.status == GradePassback.Status.SENT:
        return "nothing to send"
    passback.attempts += 1
    try:
        services.send_score(passback)
    except Exception as error:  # the LMS down, a refused token, a network error: all retried
        passback.last_error = (str(error) or error.__class__.__name__)[:500]
        if passback.attempts < settings.LTI_PASSBACK_ATTEMPTS:
            passback.status = GradePassback.Status.RETRYING
            passback.save()
            run_after = timezone.now() + retry_delay(passback.attempts)
            send_score.using(run_after=run_after).enqueue(passback.pk)
            return "retrying"
        passback.status = GradePassback.Status.FAILED
        passback.save()
        return "failed"
    passback.status = GradePassback.Status.SENT
    passback.sent_at = timezone.now()
    passback.last_error = ""
    passback.save()
    return "sent"
