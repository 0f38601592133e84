"""A question's inputs (`{% answer_inputs q %}`), while unanswered, come from a cache keyed by
the question's version: byte for byte what the kind's input template writes in the page's
whole context, for every kind, answered or not; an answer is never cached, and is shown at
once; one student's answer never reaches another's page."""

import pytest
from django.core.cache import cache
from django.template import Context, Template
from django.template.loader import get_template, render_to_string
from django.test import RequestFactory

from exercises.forms import answer_form
from exercises.services import answering
from exercises.templatetags.question_heads import inputs_key
from exercises.views import AssignmentPage
from tests import factories
from tests.exercises.conftest import autosave, build_world
from tests.exercises.test_every_kind import fast_password_hashing, filler, world  # noqa: F401

INPUTS = Template("{% load question_heads %}{% answer_inputs q %}")


def included(q, page, submission, user):
    """What `{% include q.input_template with form=q.form %}` wrote in the page's context."""
    request = RequestFactory().get("/")
    request.user = user
    context = {
        "page": page,
        "assignment": page.assignment,
        "submission": submission,
        "owner_token": "OWNER",
        "q": q,
        "form": q.form,
    }
    return render_to_string(q.input_template, context, request=request)


@pytest.mark.django_db
@pytest.mark.parametrize("answered", [False, True], ids=["unanswered", "answered"])
def test_every_kinds_inputs_are_what_its_template_writes_in_the_whole_page(
    client,
    world,  # noqa: F811
    answered,
):
    client.force_login(world.student)
    if answered:
        assert autosave(client, world.question, 0, **world.fields).status_code == 200
    submission, _ = answering.open_submission(world.assignment, world.student)
    page = AssignmentPage(world.assignment, submission)
    (q,) = page.questions
    key = inputs_key(q, get_template(q.input_template))
    cache.delete(key)
    rendered = INPUTS.render(Context({"q": q}))  # rendered, then cached if unanswered
    assert rendered == included(q, page, submission, world.student)
    if answered:  # the student's own: never cached
        assert cache.get(key) is None
    else:
        assert cache.get(key) == rendered
        assert INPUTS.render(Context({"q": q})) == rendered  # from the cache
    assert f'id="q{world.question.pk}-' in rendered or world.kind == "highlight"


@pytest.mark.django_db
def test_inputs_with_errors_are_the_students_own_and_not_cached(world):  # noqa: F811
    submission, _ = answering.open_submission(world.assignment, world.student)
    page = AssignmentPage(world.assignment, submission)
    (q,) = page.questions
    q.form = answer_form(q.question, q.sources, {"revision": "not a number"})
    assert not q.form.is_valid()
    key = inputs_key(q, get_template(q.input_template))
    cache.delete(key)
    rendered = INPUTS.render(Context({"q": q}))
    assert rendered == included(q, page, submission, world.student)
    assert cache.get(key) is None


def test_saved_answer_is_shown_at_once_and_never_on_another_students_page(client, db):
    one = build_world()
    question = one.q["written"]
    client.force_login(one.student)
    before = client.get(one.assignment.get_absolute_url()).content.decode()
    assert "MY-OWN-WORDS" not in before  # the empty inputs are now cached
    saved = autosave(client, question, 0, text="MY-OWN-WORDS on the trials.")
    assert saved.status_code == 200, saved.content
    assert (
        "MY-OWN-WORDS on the trials."
        in client.get(one.assignment.get_absolute_url()).content.decode()
    )
    classmate = factories.StudentFactory()
    factories.EnrollmentFactory(classroom=one.classroom, student=classmate)
    client.force_login(classmate)
    theirs = client.get(one.assignment.get_absolute_url()).content.decode()
    assert theirs.count('class="answer-form"') == len(one.q)
    assert "MY-OWN-WORDS" not in theirs
    # The same question at the same revision, another answer: their own words only.
    assert autosave(client, question, 0, text="THEIR-WORDS on the trials.").status_code == 200
    theirs = client.get(one.assignment.get_absolute_url()).content.decode()
    assert "THEIR-WORDS on the trials." in theirs
    assert "MY-OWN-WORDS" not in theirs


def test_edited_question_setting_is_shown_at_once_in_its_inputs(client, db):
    one = build_world()
    question = one.q["matrix"]
    client.force_login(one.student)
    assert (
        "The confessions were genuine."
        in client.get(one.assignment.get_absolute_url()).content.decode()
    )
    question.settings = {**question.settings, "claim": "EDITED CLAIM: the trials were staged."}
    question.save()
    html = client.get(one.assignment.get_absolute_url()).content.decode()
    assert "EDITED CLAIM: the trials were staged." in html
    assert "The confessions were genuine." not in html
