"""Feedback students act on (issue 14): the whole-class feedback sheet, green-pen comments
that ask for a response, the word diff of a resubmission, and "new" marks until seen."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts import privacy
from exercises.models import FeedbackResponse, Grade, Question, Submission
from exercises.services import answering, grading
from tests import factories

from .desk import class_of, handed_in

pytestmark = pytest.mark.django_db(transaction=False)

# Measured 18 at 3 and at 30 pupils: the session and user, the assignment, the analytics
# report's counts, the bank, the feedback and comments, the wrong answers, the exemplars.
SHEET_QUERIES = 18


@pytest.fixture(autouse=True)
def _fast(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


class Returned:
    """A written answer, marked and released, its feedback and a comment on its words
    asking for a response, then returned for revision."""

    def __init__(self, *, green_pen=True):
        self.teacher = factories.DeskTeacherFactory()
        self.classroom = class_of(self.teacher)
        self.assignment = factories.AssignmentFactory(
            classroom=self.classroom, status="published", title="Trials"
        )
        self.question = factories.QuestionFactory(
            assignment=self.assignment, kind=Question.Kind.WRITTEN, points=10
        )
        self.submission = handed_in(self.assignment)
        self.student = self.submission.student
        self.answer = self.submission.answers.get()
        self.answer.response = {"text": "Duranty was in the courtroom and believed it."}
        self.answer.save()
        self.grade = factories.GradeFactory(
            answer=self.answer,
            score=4,
            feedback="Say why his presence matters.",
            response_required=green_pen,
        )
        self.comment = factories.AnchoredCommentFactory(
            answer=self.answer, response_required=green_pen
        )
        grading.release(Submission.objects.filter(pk=self.submission.pk))
        answering.reopen(self.submission)

    @property
    def page(self):
        return self.assignment.get_absolute_url()

    @property
    def respond_url(self):
        return reverse("exercises:respond", args=[self.assignment.pk])


def test_returning_work_keeps_the_answer_as_returned():
    work = Returned()
    work.answer.refresh_from_db()
    assert work.answer.returned_response == {
        "text": "Duranty was in the courtroom and believed it."
    }


def test_student_sees_green_pen_boxes_on_returned_work(client):
    work = Returned()
    client.force_login(work.student)
    page = client.get(work.page).content.decode()
    assert f'name="response-{work.answer.pk}-feedback"' in page
    assert f'name="response-{work.answer.pk}-{work.comment.pk}"' in page
    assert "Save my responses" in page


def test_no_response_box_where_the_teacher_asked_for_none(client):
    work = Returned(green_pen=False)
    client.force_login(work.student)
    assert "Save my responses" not in client.get(work.page).content.decode()


def test_student_saves_responses_and_the_teacher_reads_them_with_the_changes(client):
    work = Returned()
    client.force_login(work.student)
    response = client.post(
        work.respond_url,
        {
            f"response-{work.answer.pk}-feedback": "He saw the trial but not the torture.",
            f"response-{work.answer.pk}-{work.comment.pk}": "For the New York Times.",
        },
    )
    assert response.status_code == 302
    assert FeedbackResponse.objects.filter(answer=work.answer).count() == 2
    # The student revises and hands in again.
    question_url = reverse("exercises:save_answer", args=[work.assignment.pk, work.question.pk])
    saved = client.post(
        question_url,
        {"text": "Duranty was in the courtroom, but saw no torture.", "revision": 1},
    )
    assert saved.status_code == 302
    client.post(reverse("exercises:submit", args=[work.assignment.pk]))
    client.force_login(work.teacher)
    page = client.get(reverse("admin:exercises_workspace", args=[work.assignment.pk]))
    html = page.content.decode()
    assert "What the student changed since it was returned" in html
    assert "<del>" in html and "<ins>" in html
    assert "He saw the trial but not the torture." in html
    assert "For the New York Times." in html


def test_a_students_data_export_holds_their_responses_to_feedback(client):
    work = Returned()
    client.force_login(work.student)
    client.post(work.respond_url, {f"response-{work.answer.pk}-feedback": "My response."})
    data = privacy.export_student(work.student)
    answer = data["submissions"][0]["answers"][0]
    assert answer["responses_to_feedback"][0]["response"] == "My response."
    assert answer["as_returned_for_revision"]["text"].startswith("Duranty was")


def test_a_second_save_of_responses_replaces_the_first(client):
    work = Returned()
    client.force_login(work.student)
    name = f"response-{work.answer.pk}-feedback"
    client.post(work.respond_url, {name: "First try."})
    client.post(work.respond_url, {name: "Second try."})
    assert list(FeedbackResponse.objects.values_list("text", flat=True)) == ["Second try."]


@pytest.mark.parametrize(
    "fields",
    [
        {},
        {"response-abc-feedback": "x"},
        {"response-1-": "x"},
        {"response-999999-feedback": "x"},
        {"response-{answer}-999999": "x"},
        {"response-{answer}-feedback": "x" * 2001},
        {"response-{answer}-feedback": "nul\x00"},
    ],
)
def test_bad_responses_are_refused_with_400_and_given_back(client, fields):
    work = Returned()
    client.force_login(work.student)
    data = {name.format(answer=work.answer.pk): text for name, text in fields.items()}
    response = client.post(work.respond_url, data)
    assert response.status_code == 400
    assert not FeedbackResponse.objects.exists()
    if data and "\x00" not in next(iter(data.values())):
        assert next(iter(data.values()))[:100] in response.content.decode()


def test_handing_in_again_lists_green_pen_feedback_without_a_response(client):
    work = Returned()
    client.force_login(work.student)
    submit = reverse("exercises:submit", args=[work.assignment.pk])
    assert "not saved" in client.get(submit).content.decode()
    client.post(
        work.respond_url,
        {
            f"response-{work.answer.pk}-feedback": "Done.",
            f"response-{work.answer.pk}-{work.comment.pk}": "Done too.",
        },
    )
    assert "not saved" not in client.get(submit).content.decode()


def test_responses_to_an_assignment_id_past_any_row_are_404(client):
    work = Returned()
    client.force_login(work.student)
    url = reverse("exercises:respond", args=[2**63])
    assert client.post(url, {"response-1-feedback": "x"}).status_code == 404


def test_responses_cannot_be_written_once_handed_in_again(client):
    work = Returned()
    answering.submit(work.submission)
    client.force_login(work.student)
    name = f"response-{work.answer.pk}-feedback"
    assert client.post(work.respond_url, {name: "Too late."}).status_code == 400


def test_student_cannot_respond_on_another_students_work(client):
    work = Returned()
    other = factories.StudentFactory()
    factories.EnrollmentFactory(classroom=work.classroom, student=other)
    answering.open_submission(work.assignment, other)
    client.force_login(other)
    name = f"response-{work.answer.pk}-feedback"
    assert client.post(work.respond_url, {name: "Not mine."}).status_code == 400
    assert not FeedbackResponse.objects.exists()


def test_teacher_sets_green_pen_on_a_comment_in_the_workspace(client):
    work = Returned()
    client.force_login(work.teacher)
    url = reverse("admin:exercises_workspace_comments", args=[work.assignment.pk])
    client.post(
        url,
        {
            "answer": work.answer.pk,
            "field": "text",
            "quote": "believed",
            "comment": "Why did he?",
            "response_required": "on",
        },
    )
    assert work.answer.anchored_comments.get(comment="Why did he?").response_required


def test_teacher_sets_green_pen_on_feedback_in_the_workspace(client):
    work = Returned(green_pen=False)
    client.force_login(work.teacher)
    grade = Grade.objects.get(answer=work.answer)
    url = reverse("admin:exercises_workspace", args=[work.assignment.pk])
    prefix = f"answer-{work.answer.pk}"
    response = client.post(
        url,
        {
            "answer": work.answer.pk,
            f"{prefix}-version": grade.version,
            f"{prefix}-score": "4",
            f"{prefix}-initial-score": "4.00",
            f"{prefix}-feedback": grade.feedback,
            f"{prefix}-initial-feedback": grade.feedback,
            f"{prefix}-response_required": "on",
            f"{prefix}-initial-response_required": "False",
        },
        HTTP_ACCEPT="application/json",
    )
    assert response.status_code == 200, response.content
    assert Grade.objects.get(answer=work.answer).response_required


# "New" until seen -------------------------------------------------------------------------


def released_work():
    teacher = factories.DeskTeacherFactory()
    assignment = factories.AssignmentFactory(classroom=class_of(teacher), status="published")
    submission = handed_in(assignment)
    factories.GradeFactory(answer=submission.answers.get(), score=3)
    grading.release(Submission.objects.filter(pk=submission.pk))
    return submission


def test_released_marks_are_new_until_the_student_opens_them(client):
    submission = released_work()
    client.force_login(submission.student)
    dashboard = reverse("exercises:dashboard")
    assert "new-badge" in client.get(dashboard).content.decode()
    first = client.get(submission.assignment.get_absolute_url()).content.decode()
    assert "new-badge" in first
    submission.refresh_from_db()
    assert submission.feedback_seen_at is not None
    assert "new-badge" not in client.get(dashboard).content.decode()
    assert "new-badge" not in client.get(submission.assignment.get_absolute_url()).content.decode()


def test_a_mark_changed_after_the_student_looked_is_new_again(client):
    submission = released_work()
    client.force_login(submission.student)
    client.get(submission.assignment.get_absolute_url())
    Grade.objects.filter(answer__submission=submission).update(
        graded_at=timezone.now() + timedelta(seconds=5), score=4
    )
    assert "new-badge" in client.get(reverse("exercises:dashboard")).content.decode()


def test_unreleased_marks_are_never_new(client):
    teacher = factories.DeskTeacherFactory()
    assignment = factories.AssignmentFactory(classroom=class_of(teacher), status="published")
    submission = handed_in(assignment)
    factories.GradeFactory(answer=submission.answers.get(), score=3)
    client.force_login(submission.student)
    assert "new-badge" not in client.get(reverse("exercises:dashboard")).content.decode()
    assert "new-badge" not in client.get(assignment.get_absolute_url()).content.decode()


# The whole-class feedback sheet -----------------------------------------------------------


def sheet_class(pupils):
    teacher = factories.DeskTeacherFactory()
    classroom = class_of(teacher)
    assignment = factories.AssignmentFactory(classroom=classroom, status="published")
    rubric = factories.RubricFactory()
    criterion = factories.CriterionFactory(rubric=rubric, name="Provenance")
    level = factories.LevelFactory(criterion=criterion, name="Level 2", min_points=2, max_points=3)
    factories.QuestionFactory(
        assignment=assignment, kind=Question.Kind.WRITTEN, rubric=rubric, order=0, points=5
    )
    choice = factories.ChoiceQuestionFactory(assignment=assignment, order=1)
    bank = factories.CommentBankEntryFactory(
        owner=teacher, criterion=criterion, text="Say who wrote it and why."
    )
    for n in range(pupils):
        submission = handed_in(assignment, answers=1)
        answer = submission.answers.get()
        grade = factories.GradeFactory(
            answer=answer, score=n % 5, feedback=f"{bank.text} Then the context."
        )
        factories.CriterionGradeFactory(
            grade=grade,
            criterion=criterion,
            criterion_name="Provenance",
            level=level,
            level_name="Level 2",
        )
        factories.AnswerFactory(
            submission=submission, question=choice, response={"selected": ["b"]}, auto_score=0
        )
    return teacher, assignment


def sheet_url(assignment):
    return reverse("admin:exercises_feedback_sheet", args=[assignment.pk])


def test_feedback_sheet_lists_misconceptions_and_exemplars_without_names(client):
    teacher, assignment = sheet_class(4)
    client.force_login(teacher)
    response = client.get(sheet_url(assignment))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Say who wrote it and why." in html and "(4 answers)" in html
    assert "Exemplar A" in html and "Exemplar C" in html and "Exemplar D" not in html
    assert "Levels reached: Provenance" in html
    for submission in assignment.submissions.select_related("student"):
        assert submission.student.username not in html
        assert (submission.student.get_full_name() or "@@") not in html


def test_feedback_sheet_lists_the_common_wrong_answer_of_a_scored_question(client):
    teacher, assignment = sheet_class(3)
    choice = assignment.questions.get(kind=Question.Kind.CHOICE)
    chosen = next(o["text"] for o in choice.settings["options"] if o["id"] == "b")
    client.force_login(teacher)
    html = client.get(sheet_url(assignment)).content.decode()
    assert f"Answered <q>{chosen}</q>" in html


def test_feedback_sheet_prefers_the_answers_the_teacher_chose(client):
    teacher, assignment = sheet_class(3)
    question = assignment.questions.get(kind=Question.Kind.WRITTEN)
    chosen = question.answers.order_by("pk").first()
    chosen.response = {"text": "The one the teacher chose."}
    chosen.save()
    factories.FeaturedAnswerFactory(question=question, answer=chosen, order=0)
    client.force_login(teacher)
    html = client.get(sheet_url(assignment)).content.decode()
    assert "The one the teacher chose." in html and "Exemplar B" not in html


def test_feedback_sheet_of_another_teachers_class_is_404(client):
    _, assignment = sheet_class(1)
    client.force_login(factories.DeskTeacherFactory())
    assert client.get(sheet_url(assignment)).status_code == 404


@pytest.mark.parametrize("size", [3, 30])
def test_feedback_sheet_queries_do_not_grow(client, django_assert_max_num_queries, size):
    teacher, assignment = sheet_class(size)
    client.force_login(teacher)
    with django_assert_max_num_queries(SHEET_QUERIES):
        assert client.get(sheet_url(assignment)).status_code == 200
