"""The answer form's frame (`{% answer_form_open q %}`, written in Python) is byte for byte
what the template wrote before it: on the student's page, in the teacher's preview, with a
restored revision, with and without an owner token."""

import pytest
from django.template import Context, Template
from django.urls import reverse

from exercises.services import answering
from exercises.views import AssignmentPage

from .conftest import build_world

# The frame as _question.html wrote it, up to the answer's inputs.
TEMPLATE_FRAME = Template(
    """<form method="post" action="{% if page.preview %}{% url 'exercises:assignment_preview' assignment.pk %}#question-{{ q.pk }}{% else %}{% url 'exercises:save_answer' assignment.pk q.pk %}{% endif %}" class="answer-form" data-question="{{ q.pk }}" data-control-fields="{{ q.form.CONTROL_FIELDS|join:' ' }}"{% if submission %} data-draft-key="purgeclass:draft:{{ submission.pk }}:{{ q.pk }}"{% endif %}{% if q.restored_revision %} data-restored-revision="{{ q.restored_revision }}"{% endif %} novalidate>
      {% csrf_token %}
      {{ q.form.revision }}
      {% if page.preview %}<input type="hidden" name="question" value="{{ q.pk }}">{% endif %}
      {% if owner_token %}<input type="hidden" name="owner" value="{{ owner_token }}">{% endif %}
      <div class="answer-conflict" hidden></div>"""  # noqa: E501
)
PYTHON_FRAME = Template("{% load question_heads %}{% answer_form_open q %}")


def frames(page, **context):
    for q in page.questions:
        values = {"page": page, "assignment": page.assignment, "q": q, **context}
        yield TEMPLATE_FRAME.render(Context(values)), PYTHON_FRAME.render(Context(values))


@pytest.mark.parametrize("owner_token", ["", 'owner:1:"<&>"'])
def test_answer_frame_is_the_templates_on_the_students_page(db, owner_token):
    world = build_world()
    submission, _ = answering.open_submission(world.assignment, world.student)
    page = AssignmentPage(world.assignment, submission)
    page.questions[0].restored_revision = 3
    context = {"submission": submission, "owner_token": owner_token, "csrf_token": "TOKEN"}
    checked = 0
    for template_html, python_html in frames(page, **context):
        assert python_html == template_html
        checked += 1
    assert checked == len(world.q)
    assert 'data-restored-revision="3"' in next(frames(page, **context))[1]
    if owner_token:
        assert 'value="owner:1:&quot;&lt;&amp;&gt;&quot;"' in next(frames(page, **context))[1]


def test_answer_frame_is_the_templates_in_the_teachers_preview(db):
    world = build_world()
    page = AssignmentPage(world.assignment, preview=True)
    context = {"submission": None, "csrf_token": "TOKEN"}
    checked = 0
    for template_html, python_html in frames(page, **context):
        assert python_html == template_html
        assert 'name="question"' in python_html and "data-draft-key" not in python_html
        checked += 1
    assert checked == len(world.q)


def test_preview_and_student_pages_still_show_every_answer_form(client, db):
    world = build_world()
    client.force_login(world.student)
    html = client.get(world.assignment.get_absolute_url()).content.decode()
    assert html.count('class="answer-form"') == len(world.q)
    assert html.count('name="csrfmiddlewaretoken"') >= len(world.q)
    client.force_login(world.teacher)
    preview = client.get(reverse("exercises:assignment_preview", args=[world.assignment.pk]))
    assert preview.content.decode().count('name="question" value=') == len(world.q)
