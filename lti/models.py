"""What purgeclass keeps about the LMS, beside django-lti's registrations, deployments,
contexts, users and resource links (app `lti_tool`).

- `LaunchValue`: PyLTI1p3's short-lived launch data (nonces issued at login, launch
  bodies), in the database so that every app server sees what another one stored.
- `UsedNonce`: the one-time record of a launch's nonce. PyLTI1p3 checks that a nonce was
  issued but never consumes it; a launch posted twice is refused here.
- `CourseLink`: an LMS course (LTI context) is one purgeclass class.
- `AssignmentLink`: an LMS activity (resource link) opens one assignment; its gradebook
  column (AGS line item) receives the released scores.
- `GradePassback`: the state of one student's score on its way to the LMS gradebook.
"""

from django.db import models
from django.utils import timezone
from lti_tool.models import LtiContext, LtiResourceLink, LtiUser

from exercises.models import Assignment, Classroom, Submission


class LaunchValue(models.Model):
    """One key of PyLTI1p3's launch data storage, until it expires."""

    key = models.CharField(max_length=255, unique=True)
    value = models.JSONField()
    expires_at = models.DateTimeField(null=True, blank=True, db_index=True)

    def __str__(self):
        return self.key


class UsedNonce(models.Model):
    """A launch's nonce, recorded when the launch is accepted: the same one is refused."""

    issuer = models.CharField(max_length=255)
    nonce = models.CharField(max_length=255)
    used_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["issuer", "nonce"], name="lti_nonce_used_once")
        ]

    def __str__(self):
        return f"{self.issuer}: {self.nonce}"


class CourseLink(models.Model):
    """An LMS course and the purgeclass class its roster fills."""

    context = models.OneToOneField(LtiContext, on_delete=models.CASCADE, related_name="+")
    classroom = models.ForeignKey(Classroom, on_delete=models.CASCADE, related_name="lms_courses")
    roster_synced_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return f"{self.context} → {self.classroom}"


class AssignmentLink(models.Model):
    """An LMS activity that opens an assignment, and the gradebook column it reports to."""

    resource_link = models.OneToOneField(
        LtiResourceLink, on_delete=models.CASCADE, related_name="+"
    )
    assignment = models.ForeignKey(
        Assignment, on_delete=models.CASCADE, related_name="lms_activities"
    )
    lineitem_url = models.URLField(max_length=500, blank=True)

    def __str__(self):
        return f"{self.resource_link} → {self.assignment}"


class GradePassback(models.Model):
    """One student's released score on its way to one LMS gradebook column."""

    class Status(models.TextChoices):
        PENDING = "pending", "waiting to be sent"
        SENT = "sent", "sent to the LMS"
        RETRYING = "retrying", "failed, retrying"
        FAILED = "failed", "failed"

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="+")
    link = models.ForeignKey(AssignmentLink, on_delete=models.CASCADE, related_name="passbacks")
    lti_user = models.ForeignKey(LtiUser, on_delete=models.CASCADE, related_name="+")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    score_given = models.DecimalField(max_digits=8, decimal_places=2, null=True, blank=True)
    score_maximum = models.DecimalField(max_digits=8, decimal_places=2, null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)
    queued_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["submission", "link"], name="lti_one_passback")
        ]

    def __str__(self):
        return f"{self.submission} → {self.link}: {self.status}"

    @property
    def summary(self):
        """What the teacher reads: "sent to the LMS 12:03", "failed: ..., retrying"."""
        if self.status == self.Status.SENT:
            return f"sent to the LMS {timezone.localtime(self.sent_at):%H:%M}"
        if self.status == self.Status.RETRYING:
            return f"failed: {self.last_error}, retrying"
        if self.status == self.Status.FAILED:
            return f"failed: {self.last_error}"
        return "waiting to be sent to the LMS"
