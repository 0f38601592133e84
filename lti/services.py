"""LMS use cases: a launch's people and class, the roster, deep linking, grade passback.

Each function takes what the launch or the platform said and makes purgeclass's own
records agree: users, class enrolments, teachers, assignment links.
"""

import hashlib
import re
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db.models import Sum
from django.utils import timezone
from lti_tool.models import LtiLaunch, LtiMembership, LtiUser
from lti_tool.utils import sync_data_from_launch
from pylti1p3.assignments_grades import AssignmentsGradesService
from pylti1p3.deep_link import DeepLink
from pylti1p3.deep_link_resource import DeepLinkResource
from pylti1p3.grade import Grade
from pylti1p3.lineitem import LineItem
from pylti1p3.names_roles import NamesRolesProvisioningService
from pylti1p3.service_connector import ServiceConnector

from exercises import selectors
from exercises.demo import TEACHERS_GROUP
from exercises.models import Assignment, Enrollment, Question, Submission

from .launch import LaunchRefused, current_key
from .models import AssignmentLink, CourseLink, GradePassback

SCORE_SCOPE = "https://purl.imsglobal.org/spec/lti-ags/scope/score"
CUSTOM_ASSIGNMENT = "purgeclass_assignment"


# People -----------------------------------------------------------------------------------


def _username(lti_user):
    """A stable username for an LMS user: readable when the LMS's id is short and plain."""
    sub = lti_user.sub
    if re.fullmatch(r"[\w.@+-]{1,100}", sub):
        return f"lti{lti_user.registration_id}-{sub}"
    return f"lti{lti_user.registration_id}-{hashlib.sha256(sub.encode()).hexdigest()[:32]}"


def _existing_account(lti_user, *, instructor):
    """The account the school already made for this person: the one account with the
    e-mail the LMS gives, of the same kind (a teacher's for an instructor, a student's for
    a learner). Never an administrator's: an LMS cannot sign anyone in as one."""
    if not lti_user.email:
        return None
    accounts = list(
        get_user_model().objects.filter(
            email__iexact=lti_user.email, is_superuser=False, is_staff=instructor
        )[:2]
    )
    return accounts[0] if len(accounts) == 1 else None


def account_for(lti_user, *, instructor):
    """The purgeclass account of an LMS user, made on first sight; LMS instructors (and only
    they) become staff in the Teachers group. An account is never demoted here: a teacher
    who is also enrolled somewhere as a learner stays a teacher."""
    user = lti_user.auth_user
    if user is None:
        user = _existing_account(lti_user, instructor=instructor)
    if user is None:
        user, _ = get_user_model().objects.get_or_create(username=_username(lti_user))
    if lti_user.auth_user_id != user.pk:
        lti_user.auth_user = user
        lti_user.save(update_fields=["auth_user"])
    changed = []
    for field, value in (
        ("first_name", lti_user.given_name),
        ("last_name", lti_user.family_name),
        ("email", lti_user.email),
    ):
        if value and getattr(user, field) != value[:150]:
            setattr(user, field, value[:150])
            changed.append(field)
    if not user.password:
        user.set_unusable_password()  # they sign in through the LMS only
        changed.append("password")
    if instructor and not user.is_staff:
        user.is_staff = True
        changed.append("is_staff")
    if changed:
        user.save(update_fields=changed)
    if instructor:
        group, _ = Group.objects.get_or_create(name=TEACHERS_GROUP)
        user.groups.add(group)
    return user


def place_in_class(user, classroom, *, instructor):
    """An instructor teaches the class; anyone else is enrolled in it as a student."""
    if instructor:
        classroom.teachers.add(user)
    else:
        Enrollment.objects.get_or_create(classroom=classroom, student=user)


def _is_instructor(membership):
    return membership.is_instructor or membership.is_administrator


# Launches ---------------------------------------------------------------------------------


class Launched:
    """What a validated launch led to: who, as what, and where they go next."""

    def __init__(self, user, instructor, course_link=None, assignment=None):
        self.user = user
        self.instructor = instructor
        self.course_link = course_link
        self.assignment = assignment


def accept_launch(message_launch):
    """Record a validated launch: the LMS user, course, membership and activity (django-lti),
    then purgeclass's account, class and assignment. Call inside the launch's transaction.
    """
    launch = LtiLaunch(message_launch)
    sync_data_from_launch(launch)
    membership = launch.membership
    instructor = _is_instructor(membership)
    user = account_for(launch.user, instructor=instructor)
    course_link = (
        CourseLink.objects.filter(context=launch.context).select_related("classroom").first()
    )
    if launch.is_deep_link_launch:
        if not instructor:
            raise LaunchRefused("Only the course's instructors can add purgeclass activities.")
        return Launched(user, instructor, course_link)
    if not launch.is_resource_launch:
        raise LaunchRefused("purgeclass does not handle this kind of LMS message.")
    link = _assignment_link(launch, course_link)
    if course_link is None:
        course_link = CourseLink.objects.create(
            context=launch.context, classroom=link.assignment.classroom
        )
    place_in_class(user, course_link.classroom, instructor=instructor)
    return Launched(user, instructor, course_link, link.assignment)


def _assignment_link(launch, course_link):
    """The assignment an LMS activity opens: as first linked, or as the deep link named it."""
    resource_link = launch.resource_link
    lineitem_url = (launch.ags_claim or {}).get("lineitem", "")
    link = AssignmentLink.objects.filter(resource_link=resource_link).first()
    if link is None:
        wanted = launch.get_custom_claim(CUSTOM_ASSIGNMENT) or ""
        assignment = (
            Assignment.objects.filter(pk=int(wanted)).select_related("classroom").first()
            if wanted.isdigit()
            else None
        )
        if assignment is None:
            raise LaunchRefused(
                "This LMS activity is not linked to a purgeclass assignment. Your teacher can "
                "add it again through purgeclass's assignment picker."
            )
        if course_link is not None and assignment.classroom_id != course_link.classroom_id:
            raise LaunchRefused("This assignment belongs to another class than this course.")
        link = AssignmentLink.objects.create(
            resource_link=resource_link, assignment=assignment, lineitem_url=lineitem_url
        )
    elif lineitem_url and link.lineitem_url != lineitem_url:
        link.lineitem_url = lineitem_url
        link.save(update_fields=["lineitem_url"])
    return link


# Deep linking -----------------------------------------------------------------------------


def assignments_to_link(user, course_link):
    """What the teacher may pick: their classes' assignments, or only the linked class's."""
    assignments = Assignment.objects.for_teacher(user).select_related("classroom")
    if course_link is not None:
        assignments = assignments.filter(classroom=course_link.classroom)
    return assignments.order_by("classroom__name", "title")


def maximum_score(assignment):
    total = Question.objects.filter(assignment=assignment).aggregate(total=Sum("points"))["total"]
    return total or Decimal(0)


def deep_link_response_jwt(registration, deployment_id, dl_settings, assignment, launch_url):
    """The signed LtiDeepLinkingResponse naming one assignment, with its gradebook column."""
    current_key()
    lineitem = (
        LineItem()
        .set_label(assignment.title)
        .set_score_maximum(float(maximum_score(assignment)))
        .set_resource_id(f"purgeclass-assignment-{assignment.pk}")
    )
    resource = (
        DeepLinkResource()
        .set_url(launch_url)
        .set_title(assignment.title)
        .set_custom_params({CUSTOM_ASSIGNMENT: str(assignment.pk)})
        .set_lineitem(lineitem)
    )
    deep_link = DeepLink(registration.to_registration(), deployment_id, dl_settings)
    return deep_link.get_response_jwt([resource])


# Roster -----------------------------------------------------------------------------------


def sync_roster(course_link):
    """The LMS course's roster (Names and Role Provisioning) into the class: learners are
    enrolled, instructors teach it. Nobody is removed: a student who left the course keeps
    their work in purgeclass. Returns (students, teachers) counted from the roster."""
    context = course_link.context
    registration = context.deployment.registration
    current_key()
    connector = ServiceConnector(registration.to_registration())
    service = NamesRolesProvisioningService(
        connector, {"context_memberships_url": context.memberships_url}
    )
    members = service.get_members()
    context.update_memberships(members)
    memberships = LtiMembership.objects.filter(context=context, is_active=True).select_related(
        "user__auth_user"
    )
    students = teachers = 0
    for membership in memberships:
        instructor = _is_instructor(membership)
        if not instructor and not membership.is_learner:
            continue  # mentors, observers: not part of the class
        user = account_for(membership.user, instructor=instructor)
        place_in_class(user, course_link.classroom, instructor=instructor)
        teachers += instructor
        students += not instructor
    course_link.roster_synced_at = timezone.now()
    course_link.save(update_fields=["roster_synced_at"])
    return students, teachers


# Grade passback ---------------------------------------------------------------------------


def queue_passbacks(submissions):
    """Released submissions of LMS-linked assignments get a passback each; returns them.
    The sending is a background task (lti.tasks), so a release never waits for the LMS."""
    submissions = list(submissions.select_related("assignment"))
    if not submissions:
        return []
    links = AssignmentLink.objects.filter(
        assignment__in={s.assignment_id for s in submissions}
    ).select_related("resource_link__context__deployment")
    queued = []
    for link in links:
        registration_id = link.resource_link.context.deployment.registration_id
        students = {s.student_id: s for s in submissions if s.assignment_id == link.assignment_id}
        lti_users = LtiUser.objects.filter(registration_id=registration_id, auth_user__in=students)
        for lti_user in lti_users:
            passback, _ = GradePassback.objects.update_or_create(
                submission=students[lti_user.auth_user_id],
                link=link,
                defaults={
                    "lti_user": lti_user,
                    "status": GradePassback.Status.PENDING,
                    "attempts": 0,
                    "last_error": "",
                    "queued_at": timezone.now(),
                },
            )
            queued.append(passback)
    return queued


def send_score(passback):
    """Send one released score and a short comment to the LMS gradebook (AGS)."""
    submission = selectors.with_scores(Submission.objects.filter(pk=passback.submission_id)).get()
    maximum = maximum_score(submission.assignment)
    given = submission.total if submission.total is not None else Decimal(0)
    registration = passback.lti_user.registration
    current_key()
    connector = ServiceConnector(registration.to_registration())
    service = AssignmentsGradesService(
        connector, {"scope": [SCORE_SCOPE], "lineitem": passback.link.lineitem_url}
    )
    grade = (
        Grade()
        .set_score_given(float(given))
        .set_score_maximum(float(maximum))
        .set_activity_progress("Completed")
        .set_grading_progress("FullyGraded")
        .set_timestamp(timezone.now().isoformat())
        .set_user_id(passback.lti_user.sub)
        .set_comment(
            f"{given.normalize():f} of {maximum.normalize():f} marks in purgeclass, "
            "where the feedback is."
        )
    )
    service.put_grade(grade)
    passback.score_given, passback.score_maximum = given, maximum
