"""The marking workspace (exercises/desk/workspace.py): marking a class's answers on one
page, the comment bank, comments on words, and the "To mark" page."""

import pytest
from django.urls import reverse

from exercises.models import AnchoredComment, CriterionGrade, Grade, Question, Submission
from tests import factories

from .desk import class_of, handed_in

pytestmark = pytest.mark.django_db(transaction=False)

JSON = {"HTTP_ACCEPT": "application/json"}


@pytest.fixture(autouse=True)
def _fast(fast_password_hashing):
    pass


@pytest.fixture
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


class Marking:
    """A teacher's class: a written question marked with a two-criterion rubric (levels
    worth 0-1, 2-3, 4-5) and two pupils who handed in."""

    def __init__(self, pupils=2):
        self.teacher = factories.DeskTeacherFactory()
        self.classroom = class_of(self.teacher, name="13B")
        self.assignment = factories.AssignmentFactory(classroom=self.classroom, title="Trials")
        self.rubric = factories.RubricFactory()
        self.criteria = []
        for order, name in enumerate(["Provenance", "Argument"]):
            criterion = factories.CriterionFactory(rubric=self.rubric, name=name, order=order)
            for level_order, (low, high) in enumerate([(0, 1), (2, 3), (4, 5)]):
                factories.LevelFactory(
                    criterion=criterion,
                    order=level_order,
                    name=f"Level {level_order + 1}",
                    min_points=low,
                    max_points=high,
                )
            self.criteria.append(criterion)
        self.question = factories.QuestionFactory(
            assignment=self.assignment,
            kind=Question.Kind.WRITTEN,
            points=10,
            rubric=self.rubric,
            order=0,  # first, whatever the factory's sequence has reached
        )
        self.submissions = [handed_in(self.assignment) for _ in range(pupils)]
        self.answers = [s.answers.get() for s in self.submissions]

    @property
    def url(self):
        return reverse("admin:exercises_workspace", args=[self.assignment.pk])

    def level(self, criterion, number):
        return criterion.levels.order_by("order")[number - 1]

    def post(self, answer, levels=(2, 3), version=0, **fields):
        prefix = f"answer-{answer.pk}"
        data = {"answer": answer.pk, f"{prefix}-version": version}
        for criterion, number in zip(self.criteria, levels, strict=True):
            level = self.level(criterion, number)
            data[f"{prefix}-level_{criterion.pk}"] = level.pk
            data[f"{prefix}-points_{criterion.pk}"] = level.max_points
        for name, value in fields.items():
            data[f"{prefix}-{name}"] = value
        return data


@pytest.fixture
def marking():
    return Marking()


def test_teacher_sees_every_handed_in_answer_with_level_buttons(client, marking):
    client.force_login(marking.teacher)
    page = client.get(marking.url)
    assert page.status_code == 200
    html = page.content.decode()
    for answer in marking.answers:
        assert f'id="answer-{answer.pk}"' in html
    assert html.count('type="radio"') == 2 * 3 * 2  # two answers, two criteria, three levels
    assert 'data-max="5"' in html


def test_levels_saved_as_json_give_the_score_and_keep_the_rubrics_words(client, marking):
    client.force_login(marking.teacher)
    answer = marking.answers[0]
    response = client.post(marking.url, marking.post(answer, (2, 3), feedback="Good."), **JSON)
    assert response.status_code == 200, response.content
    assert response.json() == {
        "saved": True,
        "changed": True,
        "version": 1,
        "score": "8",
        "feedback": "Good.",
    }
    grade = Grade.objects.get(answer=answer)
    assert grade.score == 8
    given = CriterionGrade.objects.filter(grade=grade).order_by("criterion__order")
    assert [cg.level_name for cg in given] == ["Level 2", "Level 3"]


def test_saving_without_javascript_comes_back_to_the_answer(client, marking):
    client.force_login(marking.teacher)
    answer = marking.answers[1]
    response = client.post(marking.url, marking.post(answer))
    assert response.status_code == 302
    assert response["Location"].endswith(f"#answer-{answer.pk}")
    assert Grade.objects.get(answer=answer).score == 8


def test_a_second_click_of_save_is_not_a_conflict(client, marking):
    client.force_login(marking.teacher)
    data = marking.post(marking.answers[0], feedback="Once.")
    assert client.post(marking.url, data, **JSON).json()["saved"]
    again = client.post(marking.url, data, **JSON)
    assert again.status_code == 200
    assert Grade.objects.get(answer=marking.answers[0]).version == 1


def test_a_save_over_another_graders_newer_grade_is_refused(client, marking):
    client.force_login(marking.teacher)
    answer = marking.answers[0]
    factories.GradeFactory(answer=answer, score=1, version=3, graded_by=factories.TeacherFactory())
    response = client.post(marking.url, marking.post(answer, version=2), **JSON)
    assert response.status_code == 409
    assert response.json()["conflict"] is True
    assert Grade.objects.get(answer=answer).score == 1


def test_a_mark_outside_the_band_needs_a_reason_which_the_student_reads(client, marking):
    client.force_login(marking.teacher)
    answer = marking.answers[0]
    data = marking.post(answer)
    data[f"answer-{answer.pk}-points_{marking.criteria[0].pk}"] = 5  # band of level 2 is 2-3
    refused = client.post(marking.url, data, **JSON)
    assert refused.status_code == 400
    assert "override_reason" in refused.json()["errors"]
    data[f"answer-{answer.pk}-override_reason"] = "Exceptional use of Source 5."
    assert client.post(marking.url, data, **JSON).status_code == 200
    submission = answer.submission
    Submission.objects.filter(pk=submission.pk).update(released_at="2026-01-01T00:00Z")
    client.force_login(submission.student)
    page = client.get(reverse("exercises:assignment", args=[marking.assignment.pk]))
    assert "Exceptional use of Source 5." in page.content.decode()


@pytest.mark.parametrize(
    "change",
    [
        {"answer": "abc"},
        {"answer": "1" * 30},
        {"answer": "7\x00"},
    ],
)
def test_a_tampered_answer_id_is_a_bad_request(client, marking, change):
    client.force_login(marking.teacher)
    data = {**marking.post(marking.answers[0]), **change}
    assert client.post(marking.url, data, **JSON).status_code == 400
    assert not Grade.objects.exists()


def test_another_classs_answer_cannot_be_marked_here(client, marking):
    other = Marking()
    client.force_login(marking.teacher)
    data = marking.post(other.answers[0])
    data["answer"] = other.answers[0].pk
    assert client.post(marking.url, data, **JSON).status_code == 404
    other_url = reverse("admin:exercises_workspace", args=[other.assignment.pk])
    assert client.get(other_url).status_code == 404
    assert not Grade.objects.exists()


@pytest.mark.parametrize(
    "fields",
    [
        {"score": "11"},
        {"score": "-1"},
        {"score": "1e400"},
        {"feedback": "Nul\x00here"},
        {"version": "x"},
    ],
)
def test_out_of_range_marks_and_nul_bytes_are_refused_and_nothing_is_saved(client, marking, fields):
    client.force_login(marking.teacher)
    answer = marking.answers[0]
    data = marking.post(answer, override_reason="Because.")
    for name, value in fields.items():
        data[f"answer-{answer.pk}-{name}"] = value
    assert client.post(marking.url, data, **JSON).status_code == 400
    assert client.post(marking.url, data).status_code == 400
    assert not Grade.objects.exists()


def test_a_level_of_another_criterion_is_refused(client, marking):
    client.force_login(marking.teacher)
    answer = marking.answers[0]
    data = marking.post(answer)
    data[f"answer-{answer.pk}-level_{marking.criteria[0].pk}"] = marking.level(
        marking.criteria[1], 1
    ).pk
    assert client.post(marking.url, data, **JSON).status_code == 400


def test_a_bank_code_typed_in_the_feedback_is_replaced_by_the_comment(client, marking):
    factories.CommentBankEntryFactory(
        owner=marking.teacher,
        criterion=marking.criteria[0],
        code="P1",
        text="Provenance not linked to the enquiry.",
    )
    client.force_login(marking.teacher)
    answer = marking.answers[0]
    client.post(marking.url, marking.post(answer, feedback="#p1 Otherwise clear. #X9"), **JSON)
    assert (
        Grade.objects.get(answer=answer).feedback
        == "Provenance not linked to the enquiry. Otherwise clear. #X9"
    )


def test_another_teachers_bank_is_neither_offered_nor_listed(client, marking):
    theirs = factories.CommentBankEntryFactory(
        criterion=marking.criteria[0], code="T1", text="THEIR-PRIVATE-COMMENT"
    )
    client.force_login(marking.teacher)
    assert "THEIR-PRIVATE-COMMENT" not in client.get(marking.url).content.decode()
    listing = client.get(reverse("admin:exercises_commentbankentry_changelist"))
    assert listing.status_code == 200
    assert "THEIR-PRIVATE-COMMENT" not in listing.content.decode()
    change = reverse("admin:exercises_commentbankentry_change", args=[theirs.pk])
    assert client.get(change).status_code == 302  # the admin's "doesn't exist"


def test_a_teacher_adds_a_bank_comment_that_is_theirs(client, marking):
    client.force_login(marking.teacher)
    response = client.post(
        reverse("admin:exercises_commentbankentry_add"),
        {"criterion": marking.criteria[0].pk, "level": "", "code": "P2", "text": "Use dates."},
    )
    assert response.status_code == 302, response.content
    assert marking.teacher.comment_bank.get().code == "P2"


def test_anonymous_marking_shows_candidates_until_every_answer_is_marked(client, marking):
    client.force_login(marking.teacher)
    names = [s.student.get_full_name() for s in marking.submissions]
    html = client.get(marking.url + "?anonymous=1").content.decode()
    assert "Candidate 1" in html and "Candidate 2" in html
    assert not any(name in html for name in names)
    # The choice is kept: the next visit without it in the address is still anonymous.
    assert "Candidate 1" in client.get(marking.url).content.decode()
    for answer in marking.answers:
        client.post(marking.url, marking.post(answer), **JSON)
    html = client.get(marking.url).content.decode()
    assert all(name in html for name in names)


def test_by_student_puts_each_script_together(client, marking):
    second = factories.QuestionFactory(
        assignment=marking.assignment, kind=Question.Kind.WRITTEN, order=1
    )
    for submission in marking.submissions:
        factories.AnswerFactory(submission=submission, question=second)
    client.force_login(marking.teacher)
    by_student = client.get(marking.url + "?by=student").context["rows"]
    owners = [row["answer"].submission_id for row in by_student]
    assert owners == sorted(owners, key=owners.index) and len(set(owners[:2])) == 1
    by_question = client.get(marking.url + "?by=question").context["rows"]
    assert [row["answer"].question_id for row in by_question][:2] == [marking.question.pk] * 2


def test_a_comment_on_words_is_shown_to_the_student_after_release(client, marking):
    client.force_login(marking.teacher)
    answer = marking.answers[0]  # "Duranty was in the courtroom."
    comments = reverse("admin:exercises_workspace_comments", args=[marking.assignment.pk])
    response = client.post(
        comments,
        {
            "answer": answer.pk,
            "field": "text",
            "quote": "the courtroom",
            "start": 15,
            "comment": "Which trial?",
        },
        **JSON,
    )
    assert response.status_code == 200, response.content
    assert "<mark" in response.json()["html"]
    student = client.__class__()
    student.force_login(answer.submission.student)
    page = reverse("exercises:assignment", args=[marking.assignment.pk])
    assert "Which trial?" not in student.get(page).content.decode()
    Submission.objects.filter(pk=answer.submission_id).update(released_at="2026-01-01T00:00Z")
    client.post(marking.url, marking.post(answer), **JSON)
    html = student.get(page).content.decode()
    assert "Which trial?" in html
    assert "the courtroom</mark>" in html


def test_a_comment_follows_its_words_when_the_student_revises(client, marking):
    answer = marking.answers[0]
    comment = factories.AnchoredCommentFactory(
        answer=answer, start=15, end=28, quote="the courtroom", comment="Which trial?"
    )
    answer.response = {"text": "In August 1936 Duranty was in the courtroom."}
    answer.save()
    client.force_login(marking.teacher)
    html = client.get(marking.url).content.decode()
    assert f'aria-describedby="ws-c-{answer.pk}-text-1">the courtroom</mark>' in html
    answer.response = {"text": "Duranty was there."}
    answer.save()
    html = client.get(marking.url).content.decode()
    assert "On words since removed" in html and comment.comment in html


@pytest.mark.parametrize(
    "fields, status",
    [
        ({"quote": "not in the answer", "comment": "x"}, 400),
        ({"quote": "Duranty", "comment": ""}, 400),
        ({"quote": "Duranty", "comment": "a\x00b"}, 400),
        ({"quote": "Duranty", "comment": "x", "field": "origin"}, 400),
        ({"quote": "Duranty", "comment": "x", "answer": "abc"}, 400),
    ],
)
def test_bad_comments_are_refused(client, marking, fields, status):
    client.force_login(marking.teacher)
    comments = reverse("admin:exercises_workspace_comments", args=[marking.assignment.pk])
    data = {"answer": marking.answers[0].pk, "field": "text", **fields}
    assert client.post(comments, data, **JSON).status_code == status
    assert not AnchoredComment.objects.exists()


def test_another_classs_answer_takes_no_comment_here(client, marking):
    other = Marking()
    client.force_login(marking.teacher)
    comments = reverse("admin:exercises_workspace_comments", args=[marking.assignment.pk])
    data = {"answer": other.answers[0].pk, "field": "text", "quote": "Duranty", "comment": "x"}
    assert client.post(comments, data, **JSON).status_code == 404
    assert not AnchoredComment.objects.exists()


def test_to_mark_counts_waiting_work_and_names_pupils_who_have_not_started(client, marking):
    idle = factories.StudentFactory(first_name="Idle", last_name="Pupil")
    factories.EnrollmentFactory(classroom=marking.classroom, student=idle)
    client.force_login(marking.teacher)
    page = client.get(reverse("admin:exercises_to_mark"))
    assert page.status_code == 200
    assignment = page.context["classes"][0][1][0]
    assert (assignment.waiting, assignment.handed_in, assignment.not_started) == (2, 2, 1)
    assert "Idle Pupil" in page.content.decode()
    assert "Question 1 (Written answer): 2 to mark" in page.content.decode()


@pytest.mark.parametrize("size", [1, 3])
def test_to_mark_and_workspace_queries_do_not_grow_with_the_class(
    client, django_assert_max_num_queries, size
):
    teacher = factories.DeskTeacherFactory()
    for _ in range(size):
        marking = Marking(pupils=size * 4)
        marking.classroom.teachers.add(teacher)
        factories.EnrollmentFactory(classroom=marking.classroom)
    client.force_login(teacher)
    with django_assert_max_num_queries(12):
        assert client.get(reverse("admin:exercises_to_mark")).status_code == 200
    with django_assert_max_num_queries(24):
        assert client.get(marking.url).status_code == 200


def test_saving_an_unchanged_unmarked_answer_saves_nothing(client, marking):
    client.force_login(marking.teacher)
    answer = marking.answers[0]
    data = {"answer": answer.pk, f"answer-{answer.pk}-version": 0}
    response = client.post(marking.url, data, **JSON)
    assert response.status_code == 200
    assert response.json()["changed"] is False
    assert not Grade.objects.exists()


@pytest.mark.parametrize("value", ["²", "１", "-1", "\x00", "99999999999"])
def test_odd_places_in_the_address_are_ignored(client, marking, value):
    client.force_login(marking.teacher)
    response = client.get(marking.url, {"at": value, "question": value, "by": value})
    assert response.status_code == 200
    assert client.post(marking.url, {"answer": value}, **JSON).status_code == 400


def test_an_answer_to_another_question_of_the_assignment_saves_from_a_filtered_page(
    client, marking
):
    other = factories.QuestionFactory(assignment=marking.assignment, kind=Question.Kind.WRITTEN)
    client.force_login(marking.teacher)
    url = f"{marking.url}?question={other.pk}"
    assert client.post(url, marking.post(marking.answers[0]), **JSON).status_code == 200
    assert Grade.objects.get(answer=marking.answers[0]).score == 8
