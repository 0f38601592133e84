"""The assignment builder over HTTP: adding, saving with its key, moving and publishing,
as JSON (the page's script) and as plain form posts (no script); bad input is a 400."""

import pytest
from django.urls import reverse

from exercises.models import Assignment, Question
from tests import factories
from tests.exercises.desk import class_of, fast_password_hashing, log_in

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures(fast_password_hashing.__name__)]

JSON = {"HTTP_ACCEPT": "application/json"}
QUERIES = 11  # the session, the user, the assignment, its questions, their sources, the lists


def page(assignment):
    return reverse("admin:exercises_assignment_builder", args=[assignment.pk])


@pytest.fixture
def teacher():
    return factories.DeskTeacherFactory()


@pytest.fixture
def assignment(teacher):
    return factories.AssignmentFactory(classroom=class_of(teacher), status=Assignment.Status.DRAFT)


@pytest.fixture
def desk(client, teacher):
    return log_in(client, teacher)


def test_the_builder_shows_the_questions_numbered_from_one(desk, assignment):
    factories.QuestionFactory(assignment=assignment, order=7, prompt="Why was Bukharin tried?")
    response = desk.get(page(assignment))
    assert response.status_code == 200
    assert b'Question <span class="builder-number">1</span>' in response.content


def test_adding_a_question_of_a_kind_answers_with_its_form(desk, assignment):
    response = desk.post(page(assignment), {"action": "add", "kind": "highlight"}, **JSON)
    assert response.status_code == 201
    question = Question.objects.get(assignment=assignment)
    assert question.kind == "highlight"
    assert f'id="question-{question.pk}"' in response.json()["html"]


def test_an_unknown_kind_or_action_is_a_bad_request_and_adds_nothing(desk, assignment):
    assert desk.post(page(assignment), {"action": "add", "kind": "poem"}, **JSON).status_code == 400
    assert desk.post(page(assignment), {"action": "explode"}).status_code == 400
    assert not Question.objects.filter(assignment=assignment).exists()


def test_a_highlight_key_is_saved_from_the_selected_words(desk, assignment):
    source = factories.SourceFactory()
    question = factories.QuestionFactory(
        assignment=assignment, kind="highlight", settings={"instruction": ""}, key={}
    )
    prefix = f"q{question.pk}"
    response = desk.post(
        page(assignment),
        {
            "action": "save",
            "question": question.pk,
            f"{prefix}-prompt": "Mark the words that make the accused look guilty.",
            f"{prefix}-chosen_sources": [source.pk],
            f"{prefix}-instruction": "",
            f"{prefix}-key_passages": "wreckers and spies",
            f"{prefix}-points": "5",
        },
        **JSON,
    )
    assert response.status_code == 200, response.content
    question.refresh_from_db()
    start = source.text.index("wreckers and spies")
    [passage] = question.key["ranges"]
    assert (passage["start"], passage["end"]) == (start, start + len("wreckers and spies"))


def test_a_key_quoting_words_not_in_the_source_is_refused_with_the_reason(desk, assignment):
    source = factories.SourceFactory()
    question = factories.QuestionFactory(
        assignment=assignment, kind="highlight", settings={"instruction": ""}, key={}
    )
    prefix = f"q{question.pk}"
    data = {
        "action": "save",
        "question": question.pk,
        f"{prefix}-prompt": "Mark the words.",
        f"{prefix}-chosen_sources": [source.pk],
        f"{prefix}-key_passages": "words nobody wrote",
        f"{prefix}-points": "5",
    }
    response = desk.post(page(assignment), data, **JSON)
    assert response.status_code == 400
    assert "is not in Source" in " ".join(response.json()["errors"]["key_passages"])
    assert desk.post(page(assignment), data).status_code == 400  # without the script too


def test_moving_a_question_up_renumbers_them_without_gaps(desk, assignment):
    first = factories.QuestionFactory(assignment=assignment, order=3)
    second = factories.QuestionFactory(assignment=assignment, order=9)
    response = desk.post(
        page(assignment), {"action": "move", "question": second.pk, "position": "1"}
    )
    assert response.status_code == 302
    assert list(assignment.questions.values_list("pk", "order")) == [(second.pk, 0), (first.pk, 1)]


def test_an_unfinished_assignment_is_not_published(desk, assignment):
    factories.QuestionFactory(assignment=assignment, kind="highlight", settings={}, key={})
    response = desk.post(page(assignment), {"action": "publish"}, **JSON)
    assert response.status_code == 400
    assert "Question 1" in " ".join(response.json()["problems"])
    assignment.refresh_from_db()
    assert assignment.status == Assignment.Status.DRAFT


def test_a_finished_assignment_is_published(desk, assignment):
    factories.QuestionFactory(assignment=assignment)
    response = desk.post(page(assignment), {"action": "publish"}, **JSON)
    assert response.json() == {"published": True}
    assignment.refresh_from_db()
    assert assignment.status == Assignment.Status.PUBLISHED


def test_another_teacher_cannot_open_the_builder(client, assignment):
    other = log_in(client, factories.DeskTeacherFactory())
    assert other.get(page(assignment)).status_code == 404


def preview(assignment):
    return reverse("exercises:assignment_preview", args=[assignment.pk])


def test_a_teachers_try_in_the_preview_is_scored_with_the_key_and_not_saved(desk, assignment):
    question = factories.QuestionFactory(
        assignment=assignment,
        kind="choice",
        points=4,
        settings={
            "options": [{"id": "a", "text": "Walter Duranty"}, {"id": "b", "text": "Trotsky"}],
            "multiple": False,
        },
        key={"correct": ["a"]},
    )
    response = desk.post(
        preview(assignment), {"question": question.pk, "revision": 0, "selected": "a"}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Automatic score: 4 of 4 marks." in html
    assert "Back to editing the questions" in html
    assert not question.answers.exists()


def test_the_preview_shows_no_key_until_the_teacher_tries_a_question(desk, assignment):
    factories.QuestionFactory(assignment=assignment)
    assert "Automatic score" not in desk.get(preview(assignment)).content.decode()
    assert "<strong>Key:</strong>" not in desk.get(preview(assignment)).content.decode()


def test_a_try_naming_no_question_of_the_assignment_is_a_bad_request(desk, assignment):
    assert desk.post(preview(assignment), {"question": "999999"}).status_code == 400


@pytest.mark.parametrize("questions", [2, 12])
def test_the_builder_reads_a_fixed_number_of_queries_however_many_questions(
    desk, assignment, questions, django_assert_max_num_queries
):
    sources = factories.SourceFactory.create_batch(3)
    for _ in range(questions):
        question = factories.QuestionFactory(
            assignment=assignment, kind="highlight", settings={"instruction": ""}, key={}
        )
        factories.QuestionSourceFactory(question=question, source=sources[0])
    factories.RubricFactory()
    desk.get(page(assignment))  # the session and the user, once
    with django_assert_max_num_queries(QUERIES):
        assert desk.get(page(assignment)).status_code == 200


def test_the_builder_loads_the_key_widget_of_every_kind_that_has_one(desk, assignment):
    factories.QuestionFactory(
        assignment=assignment,
        kind="image_regions",
        settings={"rows": 2, "columns": 3, "instruction": ""},
        key={"cells": ["B2"]},
    )
    html = desk.get(page(assignment)).content.decode()
    for kind in ("highlight", "matrix", "sequence", "grouping", "image_regions"):
        assert f"js/kinds/{kind}-builder.js" in html
    # The question's key as toggle buttons on its grid, the key's cell pressed.
    assert html.count('class="regions-cell"') == 6
    assert 'data-cell="B2" aria-pressed="true"' in html
    assert 'data-cell="A1" aria-pressed="false"' in html


def test_deleting_a_question_nobody_answered_renumbers_the_rest_from_zero(desk, assignment):
    first, second, third = (
        factories.QuestionFactory(assignment=assignment, order=order) for order in (2, 5, 9)
    )
    response = desk.post(page(assignment), {"action": "delete", "question": second.pk}, **JSON)
    assert response.status_code == 200
    assert response.json() == {"deleted": True, "questions": 2}
    assert list(assignment.questions.values_list("pk", "order")) == [(first.pk, 0), (third.pk, 1)]


def test_deleting_without_the_script_comes_back_to_the_page(desk, assignment):
    question = factories.QuestionFactory(assignment=assignment)
    response = desk.post(page(assignment), {"action": "delete", "question": question.pk})
    assert response.status_code == 302
    assert not Question.objects.filter(pk=question.pk).exists()


def test_an_answered_question_is_not_deleted_and_the_teacher_is_told_why(desk, assignment):
    answer = factories.AnswerFactory(submission__assignment=assignment)
    for headers in (JSON, {}):
        response = desk.post(
            page(assignment), {"action": "delete", "question": answer.question_id}, **headers
        )
        assert response.status_code == 400
        assert "Students have answered this question, so it is not deleted" in (
            response.content.decode()
        )
    assert Question.objects.filter(pk=answer.question_id).exists()
    assert "it can no longer be deleted" in desk.get(page(assignment)).content.decode()


@pytest.mark.parametrize("action", ["delete", "change_kind", "move", "save"])
@pytest.mark.parametrize("question", ["", "abc", "999999"])
def test_an_action_on_no_question_of_the_assignment_is_a_bad_request(
    desk, assignment, action, question
):
    response = desk.post(
        page(assignment),
        {"action": action, "question": question, "kind": "written", "position": "1"},
        **JSON,
    )
    assert response.status_code == 400
    assert response.json()["error"]


def test_a_question_of_another_assignment_is_neither_deleted_nor_changed(desk, assignment):
    elsewhere = factories.QuestionFactory()  # another teacher's class
    for action in ("delete", "change_kind"):
        data = {"action": action, "question": elsewhere.pk, "kind": "choice"}
        assert desk.post(page(assignment), data, **JSON).status_code == 400
    elsewhere.refresh_from_db()
    assert elsewhere.kind == "written"


def test_another_teacher_can_neither_delete_nor_change_a_kind_on_the_builder(client, assignment):
    question = factories.QuestionFactory(assignment=assignment)
    other = log_in(client, factories.DeskTeacherFactory())
    for action in ("delete", "change_kind"):
        data = {"action": action, "question": question.pk, "kind": "choice"}
        assert other.post(page(assignment), data, **JSON).status_code == 404
    question.refresh_from_db()
    assert question.kind == "written"


def test_a_student_cannot_reach_the_builders_actions(client, assignment):
    question = factories.QuestionFactory(assignment=assignment)
    student = log_in(client, factories.StudentFactory())
    response = student.post(page(assignment), {"action": "delete", "question": question.pk})
    assert response.status_code in (302, 403)
    assert Question.objects.filter(pk=question.pk).exists()


def test_changing_the_kind_of_an_unanswered_question_clears_its_key_and_sends_its_new_form(
    desk, assignment
):
    question = factories.QuestionFactory(assignment=assignment, prompt="Which source?")
    response = desk.post(
        page(assignment),
        {"action": "change_kind", "question": question.pk, "kind": "grouping"},
        **JSON,
    )
    assert response.status_code == 200
    question.refresh_from_db()
    assert (question.kind, question.key, question.prompt) == ("grouping", {}, "Which source?")
    html = response.json()["html"]
    assert 'data-kind="grouping"' in html
    assert f'name="q{question.pk}-groups"' in html
    assert "exercises/kinds/grouping" not in html  # the widget itself, not its path
    assert "data-placements" in html


def test_an_answered_question_keeps_its_kind_and_the_teacher_is_told_why(desk, assignment):
    answer = factories.AnswerFactory(submission__assignment=assignment)
    response = desk.post(
        page(assignment),
        {"action": "change_kind", "question": answer.question_id, "kind": "choice"},
        **JSON,
    )
    assert response.status_code == 400
    assert response.json()["error"] == Question.KIND_LOCKED
    assert Question.objects.get(pk=answer.question_id).kind == "written"


def test_an_unknown_kind_to_change_to_is_a_bad_request(desk, assignment):
    question = factories.QuestionFactory(assignment=assignment)
    data = {"action": "change_kind", "question": question.pk, "kind": "poem"}
    assert desk.post(page(assignment), data, **JSON).status_code == 400
    assert desk.post(page(assignment), data).status_code == 400
    question.refresh_from_db()
    assert question.kind == "written"
