"""Students' data rights: export everything purgeclass holds about one student, anonymise a
student (the teacher's records stay, under a pseudonym) or erase them (nothing stays).

What each keeps and removes is stated once, here, and shown on the admin's confirmation
page and in docs/privacy.md.
"""

from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialAccount
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone
from lti_tool.models import LtiUser

from exercises.models import (
    Answer,
    CriterionGrade,
    Enrollment,
    FeaturedAnswer,
    FeedbackResponse,
    Grade,
    Submission,
)

ANONYMISE_KEEPS = (
    "the student's enrolments, submissions, answers, grades, feedback and the history of "
    "each grade, under a pseudonym (former-student-<number>), so the class's markbook and "
    "analytics still add up"
)
ANONYMISE_REMOVES = (
    "name, username, e-mail address, password, single sign-on links and log-in records; "
    "the account can no longer log in"
)
ERASE_REMOVES = (
    "the account and everything of it: enrolments, submissions, answers, grades, feedback, "
    "the history of those grades, single sign-on links and log-in records"
)


class NotAStudent(Exception):
    """Staff and administrators are not anonymised or erased this way."""


def _when(value):
    return value.isoformat() if value else None


def _number(value):
    return None if value is None else str(value)


def _login_records(username):
    fields = ("ip_address", "user_agent", "attempt_time")
    return {
        "locked_out_attempts": [
            {**{f: _when(v) if f == "attempt_time" else v for f, v in row.items()}}
            for row in AccessAttempt.objects.filter(username=username).values(
                *fields, "failures_since_start"
            )
        ],
        "failed_logins": [
            {f: _when(v) if f == "attempt_time" else v for f, v in row.items()}
            for row in AccessFailureLog.objects.filter(username=username).values(
                *fields, "locked_out"
            )
        ],
        "logins": [
            {f: _when(v) if f in ("attempt_time", "logout_time") else v for f, v in row.items()}
            for row in AccessLog.objects.filter(username=username).values(*fields, "logout_time")
        ],
    }


def _grade(grade, history):
    return {
        "score": _number(grade.score),
        "feedback": grade.feedback,
        "override_reason": grade.override_reason,
        "graded_by": grade.graded_by.get_full_name() or grade.graded_by.username
        if grade.graded_by
        else None,
        "graded_at": _when(grade.graded_at),
        "criteria": [
            {
                "criterion": c.criterion_name,
                "level": c.level_name,
                "descriptor": c.level_descriptor,
                "points": _number(c.points),
            }
            for c in grade.criterion_grades.all()
        ],
        "history": [
            {
                "score": _number(h.score),
                "feedback": h.feedback,
                "changed_at": _when(h.history_date),
                "change": h.get_history_type_display(),
            }
            for h in history.get(grade.pk, ())
        ],
    }


def export_student(user):
    """Everything purgeclass holds about `user`, as JSON-ready data (a fixed number of
    queries, however much work the student has done)."""
    submissions = (
        Submission.objects.filter(student=user)
        .select_related("assignment__classroom")
        .prefetch_related(
            Prefetch(
                "answers",
                Answer.objects.select_related("question", "grade__graded_by")
                .prefetch_related(
                    Prefetch("grade__criterion_grades", CriterionGrade.objects.order_by("id")),
                    Prefetch(
                        "feedback_responses",
                        FeedbackResponse.objects.select_related("comment").order_by("id"),
                    ),
                )
                .order_by("question__order", "question_id"),
            )
        )
        .order_by("started_at", "pk")
    )
    submissions = list(submissions)
    grades = [a.grade.pk for s in submissions for a in s.answers.all() if hasattr(a, "grade")]
    history = {}
    for h in Grade.history.filter(id__in=grades).order_by("history_date", "history_id"):
        history.setdefault(h.id, []).append(h)
    featured = set(
        FeaturedAnswer.objects.filter(answer__submission__student=user).values_list(
            "answer_id", flat=True
        )
    )

    def answer(a):
        grade = a.grade if hasattr(a, "grade") else None
        return {
            "question": a.question.order,
            "kind": a.question.kind,
            "prompt": a.question.prompt,
            "response": a.response,
            "revision": a.revision,
            "saved_at": _when(a.saved_at),
            "auto_score": _number(a.auto_score),
            "grade": _grade(grade, history) if grade else None,
            "shown_to_the_class_anonymously": a.pk in featured,
            "as_returned_for_revision": a.returned_response,
            "responses_to_feedback": [
                {
                    "to": f"comment on “{r.comment.quote}”" if r.comment else "the feedback",
                    "response": r.text,
                    "saved_at": _when(r.saved_at),
                }
                for r in a.feedback_responses.all()
            ],
        }

    return {
        "format": "purgeclass student data, version 1",
        "exported_at": _when(timezone.now()),
        "account": {
            "username": user.username,
            "first_name": user.first_name,
            "last_name": user.last_name,
            "email": user.email,
            "date_joined": _when(user.date_joined),
            "last_login": _when(user.last_login),
            "is_active": user.is_active,
            "has_password": user.has_usable_password(),
            "groups": sorted(user.groups.values_list("name", flat=True)),
        },
        "single_sign_on": [
            {
                "provider": link.provider,
                "subject": link.uid,
                "linked_at": _when(link.date_joined),
                "last_login": _when(link.last_login),
                "claims": link.extra_data,
            }
            for link in SocialAccount.objects.filter(user=user).order_by("pk")
        ],
        "email_addresses": list(
            EmailAddress.objects.filter(user=user).order_by("pk").values("email", "verified")
        ),
        "learning_platform_accounts": [
            {
                "platform": link.registration.issuer,
                "subject": link.sub,
                "name": link.name,
                "email": link.email,
                "first_launch": _when(link.datetime_created),
            }
            for link in LtiUser.objects.filter(auth_user=user)
            .select_related("registration")
            .order_by("pk")
        ],
        # The accommodations' note is written for teachers, never shown on the student's
        # pages; it is still data about the student, so a copy of their data holds it.
        "enrolments": [
            {
                "class": e.classroom.name,
                "joined_at": _when(e.joined_at),
                "extra_time_percent": e.extra_time_percent,
                "extended_due_at": _when(e.extended_due_at),
                "accommodation_note": e.accommodation_note,
            }
            for e in Enrollment.objects.filter(student=user).select_related("classroom")
        ],
        "submissions": [
            {
                "assignment": s.assignment.title,
                "class": s.assignment.classroom.name,
                "status": s.status,
                "started_at": _when(s.started_at),
                "submitted_at": _when(s.submitted_at),
                "late": s.late,
                "time_limit_ends_at": _when(s.deadline),
                "handed_in_by_the_clock": s.timed_out,
                "released_at": _when(s.released_at),
                "feedback_seen_at": _when(s.feedback_seen_at),
                "answers": [answer(a) for a in s.answers.all()],
            }
            for s in submissions
        ],
        "log_in_records": _login_records(user.username),
    }


def _refuse_staff(user):
    if user.is_staff or user.is_superuser:
        raise NotAStudent(f"Nothing was changed: {user.username} is staff, not a student.")


def _forget_sign_ins(user, username):
    SocialAccount.objects.filter(user=user).delete()  # their tokens go with them
    # The LMS's copy of who they are (name, e-mail) would outlive the account: django-lti
    # only sets the link to NULL when the user goes. A later launch makes a new account.
    LtiUser.objects.filter(auth_user=user).delete()
    EmailAddress.objects.filter(user=user).delete()
    for model in (AccessAttempt, AccessFailureLog, AccessLog):
        model.objects.filter(username=username).delete()


def _admin_log_about(user):
    return LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(user), object_id=str(user.pk)
    )


@transaction.atomic
def anonymise_student(user):
    """Keep the student's work and grades for the teacher's records, under a pseudonym;
    remove who they were. The pseudonym is returned."""
    _refuse_staff(user)
    username = user.username
    pseudonym = f"former-student-{user.pk}"
    _forget_sign_ins(user, username)
    user.username = pseudonym
    user.first_name = user.last_name = user.email = ""
    user.is_active = False
    user.set_unusable_password()  # also ends the student's open sessions
    user.save()
    user.groups.clear()
    user.user_permissions.clear()
    # The admin's own log names the account by its old username.
    _admin_log_about(user).update(object_repr=pseudonym, change_message="")
    return pseudonym


@transaction.atomic
def erase_student(user):
    """Remove the student and everything of theirs; the grades' history too, which
    django-simple-history would otherwise keep after the grades are gone."""
    _refuse_staff(user)
    answers = list(Answer.objects.filter(submission__student=user).values_list("pk", flat=True))
    _forget_sign_ins(user, user.username)
    _admin_log_about(user).delete()
    username = user.username
    user.delete()
    # After the delete: deleting the grades adds a last "deleted" version to their history.
    Grade.history.filter(answer_id__in=answers).delete()
    return username
