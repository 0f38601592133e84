"""The student's pages cost the same number of queries for 3 or 30 of everything."""

import itertools

import pytest
from django.urls import reverse
from django.utils import timezone

from exercises.models import Answer, Question
from exercises.services import answering
from tests import factories

from .conftest import add_question

# Session, user, assignment, submission, "feedback seen" mark, questions, their sources,
# answers with grades, criterion grades (only when some answer has them), the teacher's
# comments on words, the student's responses to feedback, the reading list.
ASSIGNMENT_PAGE_QUERIES = 12
ASSIGNMENT_PAGE_WITH_COMMENTS = ASSIGNMENT_PAGE_QUERIES
DASHBOARD_QUERIES = 4
SUBMIT_QUERIES = 15
KIND_SETUP = {
    Question.Kind.RATING: ({"enquiry": "E", "min_justification": 0}, {"rating": 2}, 1),
    Question.Kind.COMPARISON: ({"enquiry": "E", "min_justification": 0}, {}, 2),
    Question.Kind.OPVL: ({"enquiry": "E"}, {}, 1),
    Question.Kind.HIGHLIGHT: ({"instruction": "Mark"}, {"ranges": [{"start": 0, "end": 4}]}, 1),
    Question.Kind.MATRIX: ({"claim": "C"}, {}, None),
    Question.Kind.CHOICE: (
        {"multiple": False, "options": [{"id": "a", "text": "A"}, {"id": "b", "text": "B"}]},
        {"correct": ["a"]},
        0,
    ),
    Question.Kind.WRITTEN: ({"length": "short", "min_length": 0}, {}, 0),
}


def released_assignment_with(size):
    """`size` sources and `size` questions (every kind), all answered, graded, released."""
    classroom = factories.ClassroomFactory()
    student = factories.StudentFactory()
    factories.EnrollmentFactory(classroom=classroom, student=student)
    assignment = factories.AssignmentFactory(classroom=classroom)
    unit = factories.UnitFactory()
    sources = [factories.SourceFactory(unit=unit) for _ in range(size)]
    for order, source in enumerate(sources):
        factories.AssignmentSourceFactory(assignment=assignment, source=source, order=order)
    kinds = itertools.cycle(KIND_SETUP)
    submission, _ = answering.open_submission(assignment, student)
    for n in range(size):
        kind = next(kinds)
        settings, key, source_count = KIND_SETUP[kind]
        used = sources if source_count is None else sources[n % 2 : n % 2 + source_count]
        question = add_question(assignment, kind, used, settings=settings, key=key)
        answer = factories.AnswerFactory(submission=submission, question=question, response={})
        grade = factories.GradeFactory(answer=answer)
        factories.CriterionGradeFactory(grade=grade)
    answering.submit(submission)
    submission.released_at = timezone.now()
    submission.save()
    return student, assignment


@pytest.mark.parametrize("size", [3, 30])
def test_assignment_page_queries_do_not_grow(client, db, django_assert_max_num_queries, size):
    student, assignment = released_assignment_with(size)
    client.force_login(student)
    with django_assert_max_num_queries(ASSIGNMENT_PAGE_QUERIES):
        response = client.get(assignment.get_absolute_url())
    assert response.status_code == 200
    assert response.content.decode().count('class="question card') == size


@pytest.mark.parametrize("size", [3, 30])
def test_comments_on_words_cost_one_query_for_every_answer(
    client, db, django_assert_max_num_queries, size
):
    student, assignment = released_assignment_with(size)
    commented = 0
    for answer in Answer.objects.filter(submission__student=student).select_related("question"):
        for field in list(answer.question.rules.text_fields)[:1]:  # kinds with words only
            answer.response = {field: "Duranty wrote for The New York Times."}
            answer.save()
            factories.AnchoredCommentFactory(answer=answer, field=field, comment="COMMENT-ON-WORDS")
            commented += 1
    client.force_login(student)
    with django_assert_max_num_queries(ASSIGNMENT_PAGE_WITH_COMMENTS):
        response = client.get(assignment.get_absolute_url())
    assert commented and response.content.decode().count("COMMENT-ON-WORDS") == commented


@pytest.mark.parametrize("size", [3, 30])
def test_assignment_page_being_answered_queries_do_not_grow(
    client, db, django_assert_max_num_queries, size
):
    student, assignment = released_assignment_with(size)
    submission = student.submissions.get()
    answering.reopen(submission)
    client.force_login(student)
    with django_assert_max_num_queries(ASSIGNMENT_PAGE_QUERIES):
        response = client.get(assignment.get_absolute_url())
    assert response.content.decode().count('class="answer-form"') == size


@pytest.mark.parametrize("size", [3, 30])
def test_dashboard_queries_do_not_grow(client, db, django_assert_max_num_queries, size):
    student = factories.StudentFactory()
    classroom = factories.ClassroomFactory()
    factories.EnrollmentFactory(classroom=classroom, student=student)
    for n in range(size):
        assignment = factories.AssignmentFactory(classroom=classroom)
        question = factories.QuestionFactory(assignment=assignment)
        if n % 2:
            submission = factories.SubmissionFactory(
                assignment=assignment, student=student, released_at=timezone.now()
            )
            factories.GradeFactory(
                answer=factories.AnswerFactory(submission=submission, question=question)
            )
    client.force_login(student)
    with django_assert_max_num_queries(DASHBOARD_QUERIES):
        response = client.get(reverse("exercises:dashboard"))
    assert response.content.decode().count('class="card mb-3 assignment-row"') == size


@pytest.mark.parametrize("size", [3, 30])
def test_submitting_queries_do_not_grow(client, db, django_assert_max_num_queries, size):
    student, assignment = released_assignment_with(size)
    submission = student.submissions.get()
    answering.reopen(submission)
    Answer.objects.all().delete()
    client.force_login(student)
    with django_assert_max_num_queries(SUBMIT_QUERIES):
        client.post(reverse("exercises:submit", args=[assignment.pk]))
    assert Answer.objects.count() == size


# Timed work: the clock and the accommodations are read in the queries already made.
# After the first save, at most: the session, the user, the question with its sources (a
# question without sources needs one more), and one UPDATE that also locks and checks the
# submission (answering._update_own_answer): no transaction of its own, no read-back.
AUTOSAVE_QUERIES = 5
AUTOSAVE_QUERIES_WITH_SOURCES = 4


def timed_assignment_with(size, *, started=True):
    """`released_assignment_with(size)` reopened as timed work with a running clock, for a
    student with extra time and an extended due date."""
    student, assignment = released_assignment_with(size)
    assignment.time_limit = 60
    assignment.due_at = timezone.now() + timezone.timedelta(days=1)
    assignment.save()
    Enrollment = assignment.classroom.enrollments.model
    Enrollment.objects.filter(student=student).update(
        extra_time_percent=25,
        extended_due_at=timezone.now() + timezone.timedelta(days=2),
        accommodation_note="Extra time",
    )
    submission = student.submissions.get()
    submission.status = submission.Status.IN_PROGRESS
    submission.released_at = None
    submission.deadline = timezone.now() + timezone.timedelta(minutes=75)
    submission.save()
    return student, assignment


@pytest.mark.parametrize("size", [3, 30])
def test_timed_assignment_page_queries_do_not_grow(client, db, django_assert_max_num_queries, size):
    student, assignment = timed_assignment_with(size)
    client.force_login(student)
    with django_assert_max_num_queries(ASSIGNMENT_PAGE_QUERIES):
        response = client.get(assignment.get_absolute_url())
    html = response.content.decode()
    assert html.count('class="answer-form"') == size
    assert 'class="timed-clock' in html


@pytest.mark.parametrize("timed", [False, True])
@pytest.mark.parametrize("size", [8, 30])  # every kind from 7 questions on
@pytest.mark.parametrize(
    "kind, data",
    [
        (Question.Kind.RATING, {"rating": "3", "justification": "Saved within the time."}),
        (Question.Kind.HIGHLIGHT, {"ranges": '[{"start": 0, "end": 4}]'}),
    ],
)
def test_autosave_after_the_first_costs_four_queries_with_sources(
    client, db, django_assert_num_queries, size, timed, kind, data
):
    if timed:
        student, assignment = timed_assignment_with(size)
    else:
        student, assignment = released_assignment_with(size)
        answering.reopen(student.submissions.get())
    question = assignment.questions.filter(kind=kind).first()
    revision = Answer.objects.get(question=question).revision
    client.force_login(student)
    with django_assert_num_queries(AUTOSAVE_QUERIES_WITH_SOURCES):
        response = client.post(
            reverse("exercises:save_answer", args=[assignment.pk, question.pk]),
            {"revision": revision, **data},
            HTTP_ACCEPT="application/json",
        )
    assert response.status_code == 200, response.content
    assert response.json()["ok"] is True
    assert response.json()["revision"] == revision + 1
    assert Answer.objects.get(question=question).revision == revision + 1


def test_autosave_of_a_question_without_sources_costs_five_queries(
    client, db, django_assert_num_queries
):
    student, assignment = released_assignment_with(8)
    answering.reopen(student.submissions.get())
    question = assignment.questions.filter(kind=Question.Kind.WRITTEN).first()
    assert not question.question_sources.exists()
    revision = Answer.objects.get(question=question).revision
    client.force_login(student)
    with django_assert_num_queries(AUTOSAVE_QUERIES):
        response = client.post(
            reverse("exercises:save_answer", args=[assignment.pk, question.pk]),
            {"revision": revision, "text": "The trials were staged."},
            HTTP_ACCEPT="application/json",
        )
    assert response.status_code == 200, response.content
    assert response.json()["revision"] == revision + 1


@pytest.mark.parametrize("timed", [False, True])
def test_first_save_of_an_answer_costs_four_queries_with_sources(
    client, db, django_assert_num_queries, timed
):
    # A third of a class's saves are the first of an answer: one INSERT that locks and
    # checks the submission (answering._insert_own_answer), like the UPDATE after it.
    if timed:
        student, assignment = timed_assignment_with(8)
    else:
        student, assignment = released_assignment_with(8)
        answering.reopen(student.submissions.get())
    question = assignment.questions.filter(kind=Question.Kind.RATING).first()
    Answer.objects.filter(question=question).delete()
    client.force_login(student)
    with django_assert_num_queries(AUTOSAVE_QUERIES_WITH_SOURCES):
        response = client.post(
            reverse("exercises:save_answer", args=[assignment.pk, question.pk]),
            {"revision": 0, "rating": "3", "justification": "First thoughts."},
            HTTP_ACCEPT="application/json",
        )
    assert response.status_code == 200, response.content
    assert response.json()["revision"] == 1
    answer = Answer.objects.get(question=question)
    assert (answer.revision, answer.response["rating"]) == (1, 3)


def test_first_save_from_a_second_tab_is_refused_as_stale_not_duplicated(client, db):
    student, assignment = released_assignment_with(8)
    answering.reopen(student.submissions.get())
    question = assignment.questions.filter(kind=Question.Kind.RATING).first()
    stored = Answer.objects.get(question=question)
    client.force_login(student)
    response = client.post(
        reverse("exercises:save_answer", args=[assignment.pk, question.pk]),
        {"revision": 0, "rating": "1", "justification": "From a tab opened before."},
        HTTP_ACCEPT="application/json",
    )
    assert response.status_code == 409 and response.json()["conflict"] is True
    assert Answer.objects.filter(question=question).count() == 1
    assert Answer.objects.get(question=question).response == stored.response
