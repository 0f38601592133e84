"""Grading a submission on one page: bounds, rubric levels, history, graders side by side."""

from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from exercises.models import CriterionGrade, Grade, Submission
from tests import factories
from tests.exercises.desk import class_of, fast_password_hashing, handed_in, log_in

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures(fast_password_hashing.__name__)]


@pytest.fixture
def teacher():
    return factories.DeskTeacherFactory(first_name="Tamsin", last_name="Teacher")


@pytest.fixture
def assignment(teacher):
    return factories.AssignmentFactory(classroom=class_of(teacher))


@pytest.fixture
def submission(assignment):
    return handed_in(assignment)


@pytest.fixture
def answer(submission):
    return submission.answers.get()


@pytest.fixture
def as_teacher(client, teacher):
    return log_in(client, teacher)


def page_url(submission):
    return reverse("admin:exercises_submission_change", args=[submission.pk])


def grading_data(submission, changes=None, versions=None, **extra):
    """POST data for the grading page: each answer's form as loaded (with the values it was
    loaded with, which the page carries), with `changes` ({answer: {field: value}}) typed
    in. `versions` overrides the version a form carries."""
    data = dict(extra)
    for answer in submission.answers.all():
        prefix = f"answer-{answer.pk}-"
        grade = Grade.objects.filter(answer=answer).first()
        data[prefix + "version"] = (versions or {}).get(answer, grade.version if grade else 0)
        loaded = {"score": "", "feedback": "", "override_reason": ""}
        if grade:
            loaded.update(
                score="" if grade.score is None else str(grade.score),
                feedback=grade.feedback,
                override_reason=grade.override_reason,
            )
            for given in grade.criterion_grades.all():
                loaded[f"level_{given.criterion_id}"] = given.level_id
                loaded[f"points_{given.criterion_id}"] = str(given.points)
        for field, value in loaded.items():
            data[prefix + field] = value
            data["initial-" + prefix + field] = value
        for field, value in ((changes or {}).get(answer) or {}).items():
            data[prefix + field] = value
    return data


def grade(client, submission, answer, **fields):
    return client.post(page_url(submission), grading_data(submission, {answer: fields}))


# Scores


def test_score_above_the_questions_points_is_refused(as_teacher, submission, answer):
    response = grade(as_teacher, submission, answer, score="6")
    assert response.status_code == 200
    assert "Give a score from 0 to 5: this question is worth 5 points." in response.content.decode()
    assert not Grade.objects.exists()


def test_negative_score_is_refused(as_teacher, submission, answer):
    response = grade(as_teacher, submission, answer, score="-1")
    assert "Give a score from 0 to 5" in response.content.decode()
    assert not Grade.objects.exists()


def test_score_and_feedback_are_saved_with_their_grader(as_teacher, teacher, submission, answer):
    response = grade(as_teacher, submission, answer, score="4.5", feedback="Name the enquiry.")
    assert response.status_code == 302
    saved = Grade.objects.get(answer=answer)
    assert (saved.score, saved.feedback, saved.graded_by, saved.version) == (
        Decimal("4.5"),
        "Name the enquiry.",
        teacher,
        1,
    )


# Rubric levels


@pytest.fixture
def rubric_answer(teacher, submission, answer):
    """The answer's question is marked with a one-criterion levels-of-response rubric of
    the teacher's own."""
    criterion = factories.CriterionFactory(name="Sourcing", rubric__owner=teacher)
    factories.LevelFactory(criterion=criterion, name="Basic", min_points=0, max_points=2, order=0)
    factories.LevelFactory(
        criterion=criterion, name="Proficient", min_points=3, max_points=5, order=1
    )
    question = answer.question
    question.rubric = criterion.rubric
    question.save()
    answer.criterion = criterion
    return answer


def level(answer, name):
    return answer.criterion.levels.get(name=name)


def test_choosing_a_level_fills_in_the_score_from_its_band(as_teacher, submission, rubric_answer):
    proficient = level(rubric_answer, "Proficient")
    grade(
        as_teacher,
        submission,
        rubric_answer,
        **{f"level_{rubric_answer.criterion.pk}": proficient.pk},
    )
    saved = Grade.objects.get(answer=rubric_answer)
    assert saved.score == 5
    given = saved.criterion_grades.get()
    assert (
        given.criterion_name,
        given.level_name,
        given.band_min,
        given.band_max,
        given.points,
    ) == (
        "Sourcing",
        "Proficient",
        3,
        5,
        5,
    )


def test_a_mark_within_the_band_needs_no_reason(as_teacher, submission, rubric_answer):
    criterion = rubric_answer.criterion
    response = grade(
        as_teacher,
        submission,
        rubric_answer,
        **{
            f"level_{criterion.pk}": level(rubric_answer, "Proficient").pk,
            f"points_{criterion.pk}": "4",
        },
    )
    assert response.status_code == 302
    assert Grade.objects.get(answer=rubric_answer).score == 4


def test_a_mark_outside_the_band_needs_a_reason(as_teacher, submission, rubric_answer):
    criterion = rubric_answer.criterion
    fields = {
        f"level_{criterion.pk}": level(rubric_answer, "Basic").pk,
        f"points_{criterion.pk}": "4",
    }
    response = grade(as_teacher, submission, rubric_answer, **fields)
    page = response.content.decode()
    assert "Sourcing: 4 is outside the band of “Basic” (0–2)" in page
    assert "Give a reason for the override." in page
    assert not Grade.objects.exists()

    response = grade(
        as_teacher, submission, rubric_answer, override_reason="Strong on Duranty", **fields
    )
    assert response.status_code == 302
    saved = Grade.objects.get(answer=rubric_answer)
    assert (saved.score, saved.override_reason) == (4, "Strong on Duranty")


def test_a_score_other_than_the_levels_total_needs_a_reason(as_teacher, submission, rubric_answer):
    criterion = rubric_answer.criterion
    response = grade(
        as_teacher,
        submission,
        rubric_answer,
        score="1",
        **{f"level_{criterion.pk}": level(rubric_answer, "Proficient").pk},
    )
    assert "The levels chosen add up to 5, not 1." in response.content.decode()
    assert not Grade.objects.exists()


def test_editing_the_rubric_later_never_rewrites_an_old_grade(
    as_teacher, submission, rubric_answer
):
    criterion = rubric_answer.criterion
    proficient = level(rubric_answer, "Proficient")
    grade(as_teacher, submission, rubric_answer, **{f"level_{criterion.pk}": proficient.pk})

    levels = list(criterion.levels.order_by("order"))
    data = {
        "rubric": criterion.rubric_id,
        "order": 0,
        "name": "Sourcing",
        "description": "",
        "levels-TOTAL_FORMS": len(levels),
        "levels-INITIAL_FORMS": len(levels),
    }
    for i, lv in enumerate(levels):
        renamed = lv.pk == proficient.pk
        data.update(
            {
                f"levels-{i}-id": lv.pk,
                f"levels-{i}-criterion": criterion.pk,
                f"levels-{i}-order": lv.order,
                f"levels-{i}-name": "Secure" if renamed else lv.name,
                f"levels-{i}-descriptor": "Reworded" if renamed else lv.descriptor,
                f"levels-{i}-min_points": 4 if renamed else lv.min_points,
                f"levels-{i}-max_points": 5 if renamed else lv.max_points,
            }
        )
    response = as_teacher.post(
        reverse("admin:exercises_criterion_change", args=[criterion.pk]), data
    )
    assert response.status_code == 302
    proficient.refresh_from_db()
    assert proficient.name == "Secure"

    # Re-saving the grade's feedback keeps the level as it was given.
    grade(as_teacher, submission, rubric_answer, feedback="Now with feedback")
    given = CriterionGrade.objects.get()
    assert (given.level_name, given.band_min, given.band_max, given.points) == (
        "Proficient",
        3,
        5,
        5,
    )
    assert Grade.objects.get().score == 5
    page = as_teacher.get(page_url(submission)).content.decode()
    assert "Given: Proficient (3–5), 5 marks" in page


# History


def test_every_change_of_a_grade_is_kept_with_who_when_and_what_before(
    as_teacher, client, submission, answer, teacher
):
    grade(as_teacher, submission, answer, score="3", feedback="First look")
    colleague = factories.DeskTeacherFactory(first_name="Cora", last_name="Colleague")
    submission.assignment.classroom.teachers.add(colleague)
    log_in(client, colleague)
    grade(client, submission, answer, score="4", feedback="Second look")

    first, second = Grade.history.filter(answer=answer).order_by("history_date")
    assert (first.score, first.feedback, first.history_user) == (3, "First look", teacher)
    assert (second.score, second.feedback, second.history_user) == (4, "Second look", colleague)
    assert second.prev_record == first

    page = client.get(page_url(submission)).content.decode()
    assert "Cora Colleague" in page
    assert "score: “3” → “4”" in page
    assert "feedback: “First look” → “Second look”" in page


# Graders side by side


def test_a_stale_grade_is_refused_and_the_other_graders_work_is_kept(
    as_teacher, client, submission, answer
):
    colleague = factories.DeskTeacherFactory(first_name="Cora", last_name="Colleague")
    submission.assignment.classroom.teachers.add(colleague)
    loaded = grading_data(submission)  # the page as the first grader loaded it: version 0

    log_in(client, colleague)
    grade(client, submission, answer, score="2", feedback="Cora's view")

    log_in(client, submission.assignment.classroom.teachers.first())
    loaded[f"answer-{answer.pk}-score"] = "4"
    loaded[f"answer-{answer.pk}-feedback"] = "My view"
    response = as_teacher.post(page_url(submission), loaded)

    assert response.status_code == 200
    page = response.content.decode()
    assert "Nothing was saved: someone else graded 1 of these answers" in page
    assert "Cora Colleague" in page and "Cora&#x27;s view" in page
    assert 'value="4"' in page and "My view</textarea>" in page
    saved = Grade.objects.get(answer=answer)
    assert (saved.score, saved.feedback, saved.version) == (2, "Cora's view", 1)


def test_saving_again_after_a_conflict_replaces_the_other_grade_knowingly(
    as_teacher, submission, answer
):
    factories.GradeFactory(answer=answer, score=2, version=1)
    data = grading_data(submission, {answer: {"score": "4"}}, versions={answer: 0})
    data[f"initial-answer-{answer.pk}-score"] = ""  # loaded before the other grade existed
    refused = as_teacher.post(page_url(submission), data)
    form = refused.context["rows"][0][2]
    assert form.conflict.score == 2
    again = {**form.data.dict()}  # the refused page as it was shown, sent again unchanged
    response = as_teacher.post(page_url(submission), again)
    assert response.status_code == 302
    assert Grade.objects.get(answer=answer).score == 4


def test_a_conflict_on_one_answer_saves_nothing_of_the_page(as_teacher, assignment):
    submission = handed_in(assignment, answers=2)
    first, second = submission.answers.order_by("question__order")
    factories.GradeFactory(answer=first, score=1, version=1)
    data = grading_data(
        submission, {first: {"score": "5"}, second: {"score": "5"}}, versions={first: 0}
    )
    as_teacher.post(page_url(submission), data)
    assert Grade.objects.get(answer=first).score == 1
    assert not Grade.objects.filter(answer=second).exists()


def test_answers_left_untouched_do_not_conflict(as_teacher, assignment):
    submission = handed_in(assignment, answers=2)
    first, second = submission.answers.order_by("question__order")
    loaded = grading_data(submission)
    factories.GradeFactory(answer=first, score=1, version=1)  # a colleague, meanwhile
    loaded[f"answer-{second.pk}-score"] = "5"
    response = as_teacher.post(page_url(submission), loaded)
    assert response.status_code == 302
    assert Grade.objects.get(answer=first).score == 1
    assert Grade.objects.get(answer=second).score == 5


# Moving on


def test_save_and_grade_next_goes_to_the_next_ungraded_submission(as_teacher, assignment):
    current = handed_in(assignment)
    graded_already = handed_in(assignment)
    factories.GradeFactory(answer=graded_already.answers.get(), score=2)
    factories.SubmissionFactory(assignment=assignment)  # still in progress
    waiting = handed_in(assignment)
    data = grading_data(current, {current.answers.get(): {"score": "3"}}, _grade_next="1")
    response = as_teacher.post(page_url(current), data)
    assert response["Location"] == page_url(waiting)


def test_save_and_grade_next_returns_to_the_list_when_all_are_graded(
    as_teacher, submission, answer
):
    response = as_teacher.post(
        page_url(submission), grading_data(submission, {answer: {"score": "3"}}, _grade_next="1")
    )
    assert response["Location"] == (
        reverse("admin:exercises_submission_changelist")
        + f"?assignment__id__exact={submission.assignment_id}"
    )


# Actions


def act(client, action, submissions):
    return client.post(
        reverse("admin:exercises_submission_changelist"),
        {"action": action, "_selected_action": [s.pk for s in submissions]},
    )


def test_release_shows_handed_in_grades_only(as_teacher, assignment, submission, answer):
    factories.GradeFactory(answer=answer, score=2)
    in_progress = factories.SubmissionFactory(assignment=assignment)
    act(as_teacher, "release_grades", [submission, in_progress])
    submission.refresh_from_db()
    in_progress.refresh_from_db()
    assert submission.is_released and not submission.release_seen
    assert not in_progress.is_released


def test_released_grades_can_be_hidden_again(as_teacher, submission, answer):
    factories.GradeFactory(answer=answer, score=2)
    act(as_teacher, "release_grades", [submission])
    submission.refresh_from_db()
    assert submission.is_released
    act(as_teacher, "withdraw_release", [submission])
    submission.refresh_from_db()
    assert not submission.is_released


def test_return_for_revision_makes_the_work_editable_and_keeps_grades(
    as_teacher, submission, answer
):
    factories.GradeFactory(answer=answer, score=2)
    act(as_teacher, "return_for_revision", [submission])
    submission.refresh_from_db()
    assert submission.status == Submission.Status.RETURNED
    assert submission.is_editable
    assert Grade.objects.get(answer=answer).score == 2


def test_scoring_objective_questions_fills_automatic_scores(as_teacher, assignment):
    question = factories.QuestionFactory(
        assignment=assignment,
        kind="choice",
        points=2,
        settings={"options": [{"id": "1", "text": "Exile"}, {"id": "2", "text": "Dock"}]},
        key={"correct": ["2"]},
    )
    submission = handed_in(assignment, answers=0)
    right = factories.AnswerFactory(
        submission=submission, question=question, response={"selected": ["2"]}
    )
    act(as_teacher, "score_objective", [submission])
    right.refresh_from_db()
    assert right.auto_score == 2


# The list


def test_list_shows_totals_and_who_graded(as_teacher, submission, answer):
    factories.GradeFactory(
        answer=answer,
        score=Decimal("3.5"),
        graded_by=factories.DeskTeacherFactory(first_name="Cora", last_name="Colleague"),
    )
    page = as_teacher.get(reverse("admin:exercises_submission_changelist")).content.decode()
    assert "3.5" in page
    assert "Cora Colleague" in page


@pytest.mark.parametrize("graded, shown", [("yes", "graded"), ("no", "waiting")])
def test_graded_filter(as_teacher, assignment, graded, shown):
    done = handed_in(assignment, student=factories.StudentFactory(last_name="Gradedone"))
    factories.GradeFactory(answer=done.answers.get(), score=1)
    handed_in(assignment, student=factories.StudentFactory(last_name="Waitingone"))
    url = reverse("admin:exercises_submission_changelist") + f"?graded={graded}"
    page = as_teacher.get(url).content.decode()
    assert ("Gradedone" in page) == (shown == "graded")
    assert ("Waitingone" in page) == (shown == "waiting")


# How answers are shown


def test_highlight_answer_is_shown_marked_beside_the_keys_marks(as_teacher, assignment):
    source = factories.SourceFactory(text="The nest of wreckers and spies has been exposed.")
    question = factories.QuestionFactory(
        assignment=assignment,
        kind="highlight",
        settings={"instruction": "Mark loaded words"},
        key={"ranges": [{"start": 4, "end": 30, "quote": "nest of wreckers and spies"}]},
    )
    factories.QuestionSourceFactory(question=question, source=source)
    submission = handed_in(assignment, answers=0)
    factories.AnswerFactory(
        submission=submission,
        question=question,
        response={"ranges": [{"start": 31, "end": 48, "quote": "has been exposed."}]},
    )
    page = as_teacher.get(page_url(submission)).content.decode()
    assert "The nest of wreckers and spies <mark>has been exposed.</mark>" in page
    assert "The <mark>nest of wreckers and spies</mark> has been exposed." in page


def test_matrix_answer_is_a_table_against_the_key(as_teacher, assignment):
    first, second = factories.SourceFactory(number=4), factories.SourceFactory(number=9)
    question = factories.QuestionFactory(
        assignment=assignment,
        kind="matrix",
        settings={"claim": "Guilty as charged"},
        key={"verdicts": {str(first.pk): "supports", str(second.pk): "challenges"}},
    )
    factories.QuestionSourceFactory(question=question, source=first, order=0)
    factories.QuestionSourceFactory(question=question, source=second, order=1)
    submission = handed_in(assignment, answers=0)
    factories.AnswerFactory(
        submission=submission,
        question=question,
        response={"verdicts": {str(first.pk): "supports", str(second.pk): "silent"}},
    )
    page = as_teacher.get(page_url(submission)).content.decode()
    assert "Claim: Guilty as charged" in page
    assert "<td>Says nothing about it</td><td>Challenges the claim</td><td>✗" in page


def test_choice_answer_marks_the_correct_options(as_teacher, assignment):
    question = factories.QuestionFactory(
        assignment=assignment,
        kind="choice",
        settings={"options": [{"id": "1", "text": "Exile"}, {"id": "2", "text": "Dock"}]},
        key={"correct": ["2"]},
    )
    submission = handed_in(assignment, answers=0)
    factories.AnswerFactory(submission=submission, question=question, response={"selected": ["1"]})
    page = as_teacher.get(page_url(submission)).content.decode()
    assert "<strong>chosen:</strong> Exile</li>" in page
    assert 'Dock <span class="desk-correct">✓ correct</span>' in page


def test_opvl_answer_shows_its_four_parts(as_teacher, assignment):
    question = factories.QuestionFactory(
        assignment=assignment, kind="opvl", settings={"enquiry": "E"}
    )
    submission = handed_in(assignment, answers=0)
    factories.AnswerFactory(
        submission=submission,
        question=question,
        response={"origin": "NYT, 1936", "purpose": "Report", "value": "V", "limitation": "L"},
    )
    page = as_teacher.get(page_url(submission)).content.decode()
    for label, text in [
        ("Origin", "NYT, 1936"),
        ("Purpose", "Report"),
        ("Value", "V"),
        ("Limitation", "L"),
    ]:
        assert f'<dt>{label}</dt><dd class="desk-text">{text}</dd>' in page


# Speed: the same number of queries for 3 submissions or 30, 3 answers or 30


def filled_assignment(teacher, size):
    assignment = factories.AssignmentFactory(classroom=class_of(teacher))
    criterion = factories.CriterionFactory()
    chosen = factories.LevelFactory(criterion=criterion)
    for _ in range(size):
        submission = handed_in(assignment, answers=size)
    for answer in submission.answers.select_related("question"):
        answer.question.rubric = criterion.rubric
        answer.question.save()
        factories.CriterionGradeFactory(
            grade=factories.GradeFactory(answer=answer, graded_by=teacher),
            criterion=criterion,
            level=chosen,
        )
    return assignment, submission


@pytest.mark.parametrize("size", [3, 30])
def test_submission_list_runs_a_fixed_number_of_queries(
    as_teacher, teacher, size, django_assert_max_num_queries
):
    filled_assignment(teacher, size)
    with django_assert_max_num_queries(10):
        response = as_teacher.get(reverse("admin:exercises_submission_changelist"))
    assert response.status_code == 200


@pytest.mark.parametrize("size", [3, 30])
def test_grading_page_runs_a_fixed_number_of_queries(
    as_teacher, teacher, size, django_assert_max_num_queries
):
    _, submission = filled_assignment(teacher, size)
    with django_assert_max_num_queries(17):
        response = as_teacher.get(page_url(submission))
    assert response.status_code == 200
    assert response.content.decode().count("desk-answer-body") == size


def test_student_sees_feedback_only_once_released(as_teacher, submission, answer):
    grade(as_teacher, submission, answer, score="4", feedback="Name the enquiry first.")
    student_page = reverse("exercises:assignment", args=[submission.assignment_id])
    student = log_in(Client(), submission.student)
    assert "Name the enquiry first." not in student.get(student_page).content.decode()
    act(as_teacher, "release_grades", [submission])
    assert "Name the enquiry first." in student.get(student_page).content.decode()


def test_save_and_grade_next_follows_the_lists_order_and_filters(as_teacher, assignment):
    from datetime import timedelta
    from urllib.parse import quote

    from django.utils import timezone

    now = timezone.now()
    pupils = {}
    for name, hours_ago in (("Adams", 3), ("Brown", 2), ("Clark", 4), ("Davis", 1)):
        pupils[name] = handed_in(assignment, factories.StudentFactory(last_name=name))
        pupils[name].submitted_at = now - timedelta(hours=hours_ago)
        pupils[name].save()
    elsewhere = factories.AssignmentFactory(classroom=assignment.classroom)
    handed_in(elsewhere, factories.StudentFactory(last_name="Baker"))  # filtered out
    # The list of this assignment sorted by the students' names (column 1), as the teacher
    # saw it: Adams, Brown, Clark, Davis.
    filters = quote(f"assignment__id__exact={assignment.pk}&o=1")
    brown = pupils["Brown"]
    url = page_url(brown) + f"?_changelist_filters={filters}"
    data = grading_data(brown, {brown.answers.get(): {"score": "3"}}, _grade_next="1")

    response = as_teacher.post(url, data)

    assert response["Location"] == page_url(pupils["Clark"]) + f"?_changelist_filters={filters}"


def test_by_assignment_filter_names_each_assignments_class(as_teacher, teacher):
    for name in ("Year 12 History", "Year 13 History"):
        trials = factories.AssignmentFactory(
            classroom=class_of(teacher, name=name), title="The Moscow trials"
        )
        handed_in(trials)
    page = as_teacher.get(reverse("admin:exercises_submission_changelist")).content.decode()
    assert "The Moscow trials (Year 12 History)" in page
    assert "The Moscow trials (Year 13 History)" in page
