"""Every registered question kind on every surface: the student's page, autosave, hand-in,
the teacher's preview, authoring in the admin, the grading page, analytics, the gradebook
and the handed-in page that is printed.

Parametrised over the registry (`exercises.kinds.KINDS`): a new kind gets its rows here
without a line added. Each kind's valid question and answer come from its own hooks (the
`volume_*` ones that `generate_volume` uses), so the sample is the kind's, not this file's.
"""

import itertools
import random
import re

import pytest
from django.urls import reverse

from exercises.forms import answer_form
from exercises.kinds import KINDS
from exercises.models import Answer, Submission
from tests import factories
from tests.exercises.conftest import DAILY_WORKER, add_question, autosave
from tests.exercises.desk import class_of, fast_password_hashing

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures(fast_password_hashing.__name__)]


def filler():
    """`words(low, high)` for the kinds' hooks: distinct plain words on each call."""
    calls = itertools.count(1)
    return lambda low, high: " ".join([f"evidence{next(calls)}"] * low)


@pytest.fixture(params=sorted(KINDS))
def world(request):
    """A class, a student and an assignment with one question of the kind, and a valid
    answer to it (as a response and as the answer form's fields)."""
    kind = request.param
    rules = KINDS[kind]
    teacher = factories.DeskTeacherFactory()
    classroom = class_of(teacher)
    student = factories.StudentFactory()
    factories.EnrollmentFactory(classroom=classroom, student=student)
    assignment = factories.AssignmentFactory(classroom=classroom)
    unit = factories.UnitFactory()
    sources = [
        factories.SourceFactory(unit=unit, text=DAILY_WORKER, visual=rules.needs_image)
        for _ in range(4)
    ]
    for order, source in enumerate(sources):
        factories.AssignmentSourceFactory(assignment=assignment, source=source, order=order)
    rng, words = random.Random(1936), filler()
    chosen = rules.volume_sources(rng, sources)
    settings = rules.clean_settings(rules.volume_settings(rng, words))
    key = rules.clean_key(rules.volume_key(rng, settings, chosen), settings, chosen)
    question = add_question(
        assignment, kind, chosen, settings=settings, key=key, prompt=f"PROMPT-OF-{kind}", points=4
    )
    response = question.clean_response(rules.volume_response(rng, words, settings, chosen), chosen)
    form = answer_form(question, chosen, response=response)
    fields = {name: value for name, value in form.initial.items() if name in form.fields}
    fields.pop("revision", None)
    return type(
        "World",
        (),
        dict(
            kind=kind,
            rules=rules,
            teacher=teacher,
            student=student,
            assignment=assignment,
            question=question,
            sources=chosen,
            settings=settings,
            key=key,
            response=response,
            fields=fields,
        ),
    )


def handed_in(client, world):
    client.force_login(world.student)
    assert autosave(client, world.question, 0, **world.fields).status_code == 200
    client.post(reverse("exercises:submit", args=[world.assignment.pk]))
    return Submission.objects.get(assignment=world.assignment, student=world.student)


def test_student_page_shows_the_kinds_input(client, world):
    client.force_login(world.student)
    response = client.get(world.assignment.get_absolute_url())
    html = response.content.decode()
    assert response.status_code == 200
    assert f"PROMPT-OF-{world.kind}" in html
    assert f'id="q{world.question.pk}-' in html  # the kind's answer form's inputs


def test_autosave_keeps_a_valid_answer_as_the_kinds_rules_clean_it(client, world):
    client.force_login(world.student)
    response = autosave(client, world.question, 0, **world.fields)
    assert response.status_code == 200, response.content
    answer = Answer.objects.get(question=world.question, submission__student=world.student)
    assert answer.response == world.response
    assert world.rules.is_answered(answer.response)


def test_handing_in_keeps_the_answer_and_scores_objective_kinds(client, world):
    submission = handed_in(client, world)
    assert submission.status == Submission.Status.SUBMITTED
    answer = submission.answers.get()
    expected = world.question.auto_score(world.response, world.sources)
    assert answer.auto_score == expected
    assert (expected is not None) == world.rules.objective


def test_handed_in_page_shows_and_prints_the_read_only_answer(client, world):
    handed_in(client, world)
    html = client.get(world.assignment.get_absolute_url()).content.decode()
    assert f"PROMPT-OF-{world.kind}" in html
    assert f'id="q{world.question.pk}-' not in html  # no inputs: the answer.html template


def test_teacher_preview_shows_the_question_with_inputs_that_try_it(client, world):
    client.force_login(world.teacher)
    url = reverse("exercises:assignment_preview", args=[world.assignment.pk])
    response = client.get(url)
    html = response.content.decode()
    assert response.status_code == 200
    assert f"PROMPT-OF-{world.kind}" in html and f'action="{url}#question-' in html


def test_a_teachers_try_in_the_preview_is_checked_shown_with_its_key_and_not_saved(client, world):
    client.force_login(world.teacher)
    url = reverse("exercises:assignment_preview", args=[world.assignment.pk])
    data = {**world.fields, "question": world.question.pk, "revision": 0}
    html = client.post(url, data).content.decode()
    assert "<strong>Key:</strong>" in html
    if world.question.rules.objective:
        assert "Automatic score:" in html
    else:
        assert "not scored automatically" in html
    assert not world.question.answers.exists()


def test_authoring_in_the_admin_round_trips_settings_and_key(client, world):
    client.force_login(world.teacher)
    url = reverse("admin:exercises_question_change", args=[world.question.pk])
    page = client.get(url)
    assert page.status_code == 200
    form = page.context["adminform"].form
    data = {"_save": "Save"}
    for name in form.fields:
        value = form[name].value()
        if value is None or value is False:
            continue
        data[name] = value
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    world.question.refresh_from_db()
    assert (world.question.settings, world.question.key) == (world.settings, world.key)


def test_grading_page_shows_the_answer(client, world):
    submission = handed_in(client, world)
    client.force_login(world.teacher)
    response = client.get(reverse("admin:exercises_submission_change", args=[submission.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert f"PROMPT-OF-{world.kind}" in html
    assert "desk-" in html


def test_analytics_show_the_question(client, world):
    handed_in(client, world)
    client.force_login(world.teacher)
    response = client.get(reverse("exercises:analytics", args=[world.assignment.pk]))
    assert response.status_code == 200
    assert f"PROMPT-OF-{world.kind}" in response.content.decode()


def test_gradebook_has_the_students_row(client, world):
    handed_in(client, world)
    client.force_login(world.teacher)
    url = reverse("admin:exercises_assignment_gradebook", args=[world.assignment.pk])
    response = client.get(url)
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    assert response.status_code == 200
    assert world.student.last_name in body


def test_the_students_page_and_the_analytics_load_the_kinds_styles_and_no_other_kinds(
    client, world
):
    own = KINDS[world.kind].stylesheet
    others = {
        kind.stylesheet for kind in KINDS.values() if kind.stylesheet and kind.stylesheet != own
    }
    client.force_login(world.student)
    student_page = client.get(world.assignment.get_absolute_url()).content.decode()
    client.force_login(world.teacher)
    analytics = client.get(reverse("exercises:analytics", args=[world.assignment.pk]))
    for html in (student_page, analytics.content.decode()):
        linked = set(re.findall(r'href="/static/(css/kinds/[^"]+)"', html))
        assert linked == ({own} if own else set())
        assert not linked & others
