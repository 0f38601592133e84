"""The tool's pages: login initiation, launch, deep-link picker, dynamic registration, the
tool's keys, and what the teacher sees of the LMS (passback states, roster sync)."""

import logging
from urllib.parse import urlencode, urlsplit

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required, user_passes_test
from django.db import transaction
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from lti_tool.models import Key, LtiRegistration

from exercises.models import Assignment

from . import registration, services
from .launch import LaunchRefused, current_key, oidc_login_redirect, validated_launch
from .models import CourseLink, GradePassback

log = logging.getLogger(__name__)

DEEP_LINK_SESSION_KEY = "lti_deep_link"


def refused(request, reason, status=403):
    """A launch or registration that cannot go on: a plain page saying why."""
    return render(request, "lti/refused.html", {"reason": reason}, status=status)


@require_GET
def jwks(request):
    """The tool's public keys, for the platforms to check what the tool signs."""
    current_key()
    return JsonResponse(Key.objects.as_jwks())


@csrf_exempt  # posted by the LMS, from another site
@xframe_options_exempt
@require_http_methods(["GET", "POST"])
def login_initiation(request):
    """OIDC third-party login initiation: the first step of every launch."""
    params = request.POST if request.method == "POST" else request.GET
    if not params.get("iss") or not params.get("login_hint"):
        return refused(request, "The LMS's login request lacks its issuer or login hint.", 400)
    try:
        return oidc_login_redirect(request, request.build_absolute_uri(reverse("lti:launch")))
    except LaunchRefused as error:
        return refused(request, f"purgeclass does not know this LMS: {error}", 400)


@csrf_exempt  # posted by the LMS, from another site
@xframe_options_exempt
@require_POST
def launch(request):
    """The signed launch: validated, recorded, and the person signed in and sent on."""
    if not request.POST.get("id_token") or not request.POST.get("state"):
        return refused(request, "The launch lacks its token or state.", 400)
    try:
        with transaction.atomic():
            message_launch = validated_launch(request)
            launched = services.accept_launch(message_launch)
    except LaunchRefused as error:
        log.warning("LTI launch refused: %s", error)
        return refused(request, str(error))
    login(request, launched.user, backend="django.contrib.auth.backends.ModelBackend")
    body = message_launch.get_launch_data()
    if message_launch.is_deep_link_launch():
        request.session[DEEP_LINK_SESSION_KEY] = {
            "registration": message_launch.get_tool_conf().registration.pk,
            "deployment_id": body["https://purl.imsglobal.org/spec/lti/claim/deployment_id"],
            "settings": body["https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings"],
            "course_link": launched.course_link.pk if launched.course_link else None,
        }
        return redirect("lti:deep_link")
    if launched.instructor:
        _sync_roster_quietly(request, launched.course_link)
        return redirect("lti:assignment_lms", pk=launched.assignment.pk)
    return redirect(launched.assignment.get_absolute_url())


def _sync_roster_quietly(request, course_link):
    """A teacher's launch brings the roster in; an LMS without the service is no error."""
    if not course_link.context.memberships_url:
        return
    try:
        students, teachers = services.sync_roster(course_link)
    except Exception as error:  # the LMS unreachable: the teacher can sync again later
        log.warning("LTI roster sync failed: %s", error)
        messages.warning(request, f"The LMS's class list could not be read: {error}")
    else:
        messages.success(
            request, f"Class list from the LMS: {students} students, {teachers} teachers."
        )


@xframe_options_exempt
@login_required
@require_http_methods(["GET", "POST"])
def deep_link(request):
    """The instructor picks the assignment an LMS activity opens; the signed answer goes
    back to the LMS in a form the browser posts (a button, and a script that presses it)."""
    pending = request.session.get(DEEP_LINK_SESSION_KEY)
    if not pending:
        return refused(request, "Open this page from your LMS's activity picker.", 400)
    course_link = CourseLink.objects.filter(pk=pending["course_link"]).first()
    assignments = services.assignments_to_link(request.user, course_link)
    error = None
    if request.method == "POST":
        assignment = assignments.filter(pk=request.POST.get("assignment") or 0).first()
        if assignment is None:
            error = "Choose one of the assignments listed."
        else:
            registration_ = get_object_or_404(LtiRegistration, pk=pending["registration"])
            settings_ = pending["settings"]
            token = services.deep_link_response_jwt(
                registration_,
                pending["deployment_id"],
                settings_,
                assignment,
                request.build_absolute_uri(reverse("lti:launch")),
            )
            del request.session[DEEP_LINK_SESSION_KEY]
            return_url = settings_["deep_link_return_url"]
            response = render(
                request,
                "lti/deep_link_return.html",
                {"return_url": return_url, "jwt": token, "assignment": assignment},
            )
            parts = urlsplit(return_url)
            response._csp_update = {"form-action": [f"{parts.scheme}://{parts.netloc}"]}
            return response
    return render(
        request,
        "lti/deep_link.html",
        {"assignments": assignments, "error": error},
        status=400 if error else 200,
    )


@login_required
@require_GET
def assignment_lms(request, pk):
    """For the assignment's teacher: sharing it (Google Classroom), the LMS courses of its
    class, and where each student's released score is on its way to the LMS gradebook."""
    assignment = get_object_or_404(Assignment.objects.for_teacher(request.user), pk=pk)
    passbacks = (
        GradePassback.objects.filter(link__assignment=assignment)
        .select_related("submission__student")
        .order_by("submission__student__last_name", "submission__student__username")
    )
    courses = CourseLink.objects.filter(classroom=assignment.classroom).select_related("context")
    return render(
        request,
        "lti/assignment_lms.html",
        {
            "assignment": assignment,
            "passbacks": passbacks,
            "courses": courses,
            "classroom_share_url": google_classroom_share_url(request, assignment),
        },
    )


def google_classroom_share_url(request, assignment):
    """Google Classroom's plain share link: a page of Google's, no script of theirs here."""
    return "https://classroom.google.com/share?" + urlencode(
        {
            "url": request.build_absolute_uri(assignment.get_absolute_url()),
            "title": assignment.title,
            "itemtype": "assignment",
        }
    )


@login_required
@require_POST
def sync_roster(request, pk):
    """The teacher asks for the LMS course's class list again."""
    assignment = get_object_or_404(Assignment.objects.for_teacher(request.user), pk=pk)
    courses = CourseLink.objects.filter(classroom=assignment.classroom).select_related(
        "context__deployment__registration"
    )
    if not courses:
        messages.info(request, "This class is not linked to an LMS course.")
    for course_link in courses:
        _sync_roster_quietly(request, course_link)
    return redirect("lti:assignment_lms", pk=assignment.pk)


@xframe_options_exempt
@user_passes_test(lambda user: user.is_superuser)
@require_http_methods(["GET", "POST"])
def register(request):
    """LTI Dynamic Registration: the LMS administrator pastes one URL; purgeclass reads the
    platform's configuration, registers itself there, and keeps the registration only
    once the platform has accepted it."""
    params = request.POST if request.method == "POST" else request.GET
    config_url = params.get("openid_configuration", "")
    token = params.get("registration_token", "")
    try:
        platform = registration.platform_configuration(config_url)
    except registration.RegistrationRefused as error:
        return refused(request, str(error), 400)
    if request.method == "GET":
        return render(
            request,
            "lti/register.html",
            {"platform": platform, "config_url": config_url, "token": token},
        )
    try:
        saved = registration.register(request, platform, token)
    except registration.RegistrationRefused as error:
        return refused(request, str(error), 400)
    return render(request, "lti/registered.html", {"registration": saved})
