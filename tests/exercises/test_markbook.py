"""The class markbook (desk), finding students for follow-up work and setting it, and a
student's own progress page."""

import csv
import io
import itertools
from datetime import timedelta
from decimal import Decimal
from urllib.parse import urlencode

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from exercises.models import (
    Answer,
    Assignment,
    CriterionGrade,
    Enrollment,
    Grade,
    Rubric,
    Skill,
    Submission,
)
from tests import factories

pytestmark = pytest.mark.django_db
YEARS = itertools.count()


class ClassYear:
    """A class's year of work: each assignment has a corroboration question marked
    without a rubric (out of 4) and a question marked with a sourcing criterion (out of 2).
    Everything is written in bulk, so that a class of 300 is quick to make."""

    def __init__(self, students=3, assignments=3):
        self.teacher = factories.DeskTeacherFactory()
        self.classroom = factories.ClassroomFactory(teachers=[self.teacher], name="10H")
        User = get_user_model()
        made = next(YEARS)
        self.students = User.objects.bulk_create(
            User(username=f"pupil{made}-{n}", first_name=f"Pupil{n:03}", last_name=f"Surname{n:03}")
            for n in range(students)
        )
        Enrollment.objects.bulk_create(
            Enrollment(classroom=self.classroom, student=s) for s in self.students
        )
        rubric = factories.RubricFactory()
        self.criterion = factories.CriterionFactory(rubric=rubric, skill=Skill.SOURCING)
        for order, name in enumerate(["Basic", "Emergent", "Proficient"]):
            factories.LevelFactory(
                criterion=self.criterion, order=order, name=name, min_points=order, max_points=order
            )
        start = timezone.now() - timedelta(days=100)
        self.assignments = []
        self.questions = []
        for n in range(assignments):
            assignment = factories.AssignmentFactory(
                classroom=self.classroom, title=f"Trial {n + 1}", opens_at=start + timedelta(n)
            )
            tagged = factories.QuestionFactory(
                assignment=assignment, points=4, skill=Skill.CORROBORATION, order=0
            )
            rubric_question = factories.QuestionFactory(
                assignment=assignment, points=2, rubric=rubric, order=1
            )
            self.assignments.append(assignment)
            self.questions.append((tagged, rubric_question))

    def mark(self, student, index, corroboration, sourcing, released=True, feedback=""):
        """The student's work on assignment `index`, marked: `corroboration` of 4 and
        `sourcing` of 2 (None: not marked yet)."""
        self.mark_many([(student, index, corroboration, sourcing)], released, feedback)

    def mark_many(self, marks, released=True, feedback=""):
        now = timezone.now()
        submissions = Submission.objects.bulk_create(
            Submission(
                assignment=self.assignments[index],
                student=student,
                status=Submission.Status.SUBMITTED,
                submitted_at=now,
                released_at=now if released else None,
            )
            for student, index, _, _ in marks
        )
        answers = []
        for submission, (_, index, corroboration, _) in zip(submissions, marks, strict=True):
            tagged, rubric_question = self.questions[index]
            answers.append(Answer(submission=submission, question=tagged, auto_score=corroboration))
            answers.append(Answer(submission=submission, question=rubric_question))
        answers = Answer.objects.bulk_create(answers)
        grades = Grade.objects.bulk_create(
            Grade(answer=answer, score=sourcing, feedback=feedback, graded_at=now)
            for answer, (_, _, _, sourcing) in zip(answers[1::2], marks, strict=True)
        )
        CriterionGrade.objects.bulk_create(
            CriterionGrade(
                grade=grade,
                criterion=self.criterion,
                criterion_name="Sourcing",
                level_name="x",
                band_min=sourcing,
                band_max=sourcing,
                points=sourcing,
            )
            for grade, (_, _, _, sourcing) in zip(grades, marks, strict=True)
            if sourcing is not None
        )


def markbook_url(classroom, **query):
    url = reverse("admin:exercises_markbook_class", args=[classroom.pk])
    if query:
        url += "?" + urlencode(query)
    return url


@pytest.fixture
def year():
    return ClassYear()


@pytest.fixture
def as_teacher(client, year):
    client.force_login(year.teacher)
    return client


def test_markbook_shows_each_students_marks_and_percentages(as_teacher, year):
    first, second, _ = year.students
    year.mark(first, 0, corroboration=3, sourcing=2)  # 5 of 6
    year.mark(second, 0, corroboration=1, sourcing=None)  # a criterion still to mark

    response = as_teacher.get(markbook_url(year.classroom))

    assert response.status_code == 200
    page = response.content.decode()
    assert '5 <span class="markbook-percent">(83%)</span>' in page
    assert "awaiting marking" in page
    assert "no work" in page


def test_markbook_sorts_by_an_assignments_percentage_and_says_so(as_teacher, year):
    low, high, none = year.students
    year.mark(low, 0, corroboration=0, sourcing=0)
    year.mark(high, 0, corroboration=4, sourcing=2)
    column = f"a{year.assignments[0].pk}"

    response = as_teacher.get(markbook_url(year.classroom, o=f"-{column}"))

    rows = [row.name for row in response.context["rows"]]
    assert rows == [high.get_full_name(), low.get_full_name(), none.get_full_name()]
    page = response.content.decode()
    assert 'aria-sort="descending"' in page
    assert f"o={column}" in page  # the heading's link now sorts the other way


def test_markbook_of_another_teachers_class_is_not_found(client, year):
    other = factories.DeskTeacherFactory()
    client.force_login(other)

    assert client.get(markbook_url(year.classroom)).status_code == 404
    csv_url = reverse("admin:exercises_markbook_csv", args=[year.classroom.pk])
    assert client.get(csv_url).status_code == 404


def test_markbook_index_lists_only_the_teachers_classes(as_teacher, year):
    factories.ClassroomFactory(name="Someone else's 11B")

    page = as_teacher.get(reverse("admin:exercises_markbook")).content.decode()

    assert "Markbook of 10H" in page
    assert "11B" not in page


def test_markbook_csv_has_marks_percentages_and_names_as_text(as_teacher, year):
    student = year.students[0]
    student.last_name = "=HYPERLINK(1)"
    student.save()
    year.mark(student, 0, corroboration=4, sourcing=1)

    response = as_teacher.get(reverse("admin:exercises_markbook_csv", args=[year.classroom.pk]))

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"), newline="")))
    assert rows[0][3:5] == ["Trial 1 (marks)", "Trial 1 (%)"]
    mine = next(row for row in rows if row[2] == student.username)
    assert mine[0] == "'=HYPERLINK(1)"
    assert mine[3:5] == ["5", "83"]
    assert rows[0][-4:] == [
        "Sourcing (last level)",
        "Contextualization (last level)",
        "Corroboration (last level)",
        "Close reading (last level)",
    ]
    assert mine[-4:] == ["Emergent", "", "Proficient", ""]


def test_markbook_shows_the_last_three_levels_per_skill_and_the_trend_in_words(client):
    year = ClassYear(students=1, assignments=4)
    as_teacher = client
    as_teacher.force_login(year.teacher)
    student = year.students[0]
    # Corroboration 4/4, then 0/4, 2/4, 4/4: the last three rise from Basic to Proficient.
    for index, score in enumerate([4, 0, 2, 4]):
        year.mark(student, index, corroboration=score, sourcing=2 - (index > 0) * 2)

    response = as_teacher.get(markbook_url(year.classroom))

    record = response.context["rows"][0].skill(Skill.CORROBORATION)
    assert [entry.level_label for entry in record.last()] == ["Basic", "Emergent", "Proficient"]
    assert record.trend_words == "Improving"
    assert response.context["rows"][0].skill(Skill.SOURCING).trend_words == "Steady"
    page = response.content.decode()
    assert "Improving" in page and "Steady" in page


def test_filter_finds_students_below_a_level_on_a_skill_in_their_last_assignments(as_teacher, year):
    weak, once_weak, strong = year.students
    for index in range(3):
        year.mark(weak, index, corroboration=1, sourcing=2)  # Basic each time
        year.mark(once_weak, index, corroboration=1 if index else 4, sourcing=2)
        year.mark(strong, index, corroboration=4, sourcing=0)

    found = as_teacher.get(
        markbook_url(year.classroom, skill=Skill.CORROBORATION, below=1, last=3)
    ).context["weak"]
    assert [row.student for row in found] == [weak]

    found = as_teacher.get(
        markbook_url(year.classroom, skill=Skill.CORROBORATION, below=1, last=2)
    ).context["weak"]
    assert [row.student for row in found] == [weak, once_weak]


def test_a_filter_with_a_bad_value_is_refused_with_the_reason(as_teacher, year):
    response = as_teacher.get(markbook_url(year.classroom, skill="gossip", below=9, last=0))

    assert response.status_code == 400
    assert response.context["finder"].errors.keys() == {"skill", "below", "last"}


def test_follow_up_work_is_a_draft_copy_set_for_the_chosen_students_only(as_teacher, year):
    chosen, _, _ = year.students
    original = year.assignments[0]

    response = as_teacher.post(
        reverse("admin:exercises_markbook_follow_up", args=[year.classroom.pk]),
        {"assignment": original.pk, "students": [chosen.pk]},
    )

    copy = Assignment.objects.get(title="Trial 1 (follow-up)")
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:exercises_assignment_change", args=[copy.pk])
    assert copy.status == Assignment.Status.DRAFT
    assert list(copy.chosen_students.all()) == [chosen]
    assert copy.questions.count() == 2


def test_follow_up_for_a_student_of_another_class_is_refused_and_nothing_is_made(as_teacher, year):
    stranger = factories.EnrollmentFactory().student

    response = as_teacher.post(
        reverse("admin:exercises_markbook_follow_up", args=[year.classroom.pk]),
        {"assignment": year.assignments[0].pk, "students": [year.students[0].pk, stranger.pk]},
    )

    assert response.status_code == 400
    assert "students" in response.context["follow_up"].errors
    assert not Assignment.objects.filter(title__endswith="(follow-up)").exists()


def _follow_up(year, chosen):
    copy = Assignment.objects.create(
        classroom=year.classroom, title="Corroboration again", status=Assignment.Status.PUBLISHED
    )
    question = factories.QuestionFactory(assignment=copy)
    copy.chosen_students.set([chosen])
    return copy, question


def test_a_student_not_chosen_for_follow_up_work_cannot_see_or_open_it(client, year):
    chosen, left_out, _ = year.students
    copy, question = _follow_up(year, chosen)
    client.force_login(left_out)

    assert "Corroboration again" not in client.get(reverse("exercises:dashboard")).content.decode()
    assert client.get(copy.get_absolute_url()).status_code == 404
    assert client.post(reverse("exercises:start", args=[copy.pk])).status_code == 404
    saved = client.post(
        reverse("exercises:save_answer", args=[copy.pk, question.pk]),
        {"revision": 0, "text": "Mine"},
    )
    assert saved.status_code == 404
    assert client.post(reverse("exercises:submit", args=[copy.pk])).status_code == 404
    assert not Submission.objects.filter(assignment=copy).exists()


def test_a_student_chosen_for_follow_up_work_sees_and_opens_it(client, year):
    chosen = year.students[0]
    copy, _ = _follow_up(year, chosen)
    client.force_login(chosen)

    assert "Corroboration again" in client.get(reverse("exercises:dashboard")).content.decode()
    assert client.get(copy.get_absolute_url()).status_code == 200


def test_the_markbook_says_follow_up_work_is_not_set_for_the_others(as_teacher, year):
    _follow_up(year, year.students[0])

    page = as_teacher.get(markbook_url(year.classroom)).content.decode()

    assert page.count("not set") == 2


# A student's own progress ---------------------------------------------------------------------


def test_progress_shows_the_students_levels_with_their_teachers_comments(client, year):
    student = year.students[0]
    year.mark(student, 0, corroboration=1, sourcing=1, feedback="Compare Vyshinsky with Orlov.")
    year.mark(student, 1, corroboration=4, sourcing=2, feedback="Much better weighing.")
    client.force_login(student)

    response = client.get(reverse("exercises:progress"))

    records = {record.skill: record for record in response.context["records"]}
    assert [e.level_label for e in records[Skill.CORROBORATION].evidence] == [
        "Basic",
        "Proficient",
    ]
    assert records[Skill.SOURCING].evidence[0].comments == ["Compare Vyshinsky with Orlov."]
    page = response.content.decode()
    assert "Much better weighing." in page
    assert "Improving" in page


def test_progress_leaves_out_unreleased_work(client, year):
    student = year.students[0]
    year.mark(student, 0, corroboration=4, sourcing=2, released=False, feedback="NOT YET SEEN")
    client.force_login(student)

    response = client.get(reverse("exercises:progress"))

    assert response.context["records"] == []
    assert "NOT YET SEEN" not in response.content.decode()


def test_progress_shows_only_the_students_own_work(client, year):
    me, classmate, _ = year.students
    year.mark(classmate, 0, corroboration=4, sourcing=2, feedback="CLASSMATE'S FEEDBACK")
    client.force_login(me)

    response = client.get(reverse("exercises:progress"))

    assert response.context["records"] == []
    assert "CLASSMATE" not in response.content.decode()


def test_progress_needs_a_login(client):
    response = client.get(reverse("exercises:progress"))

    assert response.status_code == 302
    assert reverse("login") in response["Location"]


def test_a_share_of_marks_reads_as_a_level_on_the_three_point_scale():
    from exercises.progress import SkillLevel

    assert SkillLevel.of_share(0, 2) == SkillLevel.BASIC
    assert SkillLevel.of_share(1, 2) == SkillLevel.EMERGENT
    assert SkillLevel.of_share(2, 3) == SkillLevel.PROFICIENT
    assert SkillLevel.of_share(Decimal("0.6"), 2) == SkillLevel.BASIC
    assert SkillLevel.of_share(1, 0) is None


# Queries ----------------------------------------------------------------------------------------

SIZES = [(3, 3), (3, 30), (300, 3)]
MARKBOOK_QUERIES = 14


@pytest.mark.parametrize(("students", "assignments"), SIZES)
def test_markbook_queries_stay_the_same_for_any_class_size(
    client, django_assert_max_num_queries, students, assignments
):
    year = ClassYear(students=students, assignments=assignments)
    year.mark_many(
        [(s, i, 2, 1) for s in year.students for i in range(assignments)], feedback="Fine."
    )
    client.force_login(year.teacher)
    url = markbook_url(year.classroom, skill=Skill.CORROBORATION, below=2, last=3)

    with django_assert_max_num_queries(MARKBOOK_QUERIES):
        response = client.get(url)
    assert response.status_code == 200
    assert len(response.context["rows"]) == students
    with django_assert_max_num_queries(MARKBOOK_QUERIES):
        assert client.get(reverse("admin:exercises_markbook_csv", args=[year.classroom.pk]))


PROGRESS_QUERIES = 5


@pytest.mark.parametrize("assignments", [3, 30])
def test_progress_queries_stay_the_same_for_any_number_of_assignments(
    client, django_assert_max_num_queries, assignments
):
    year = ClassYear(students=3, assignments=assignments)
    student = year.students[0]
    year.mark_many([(student, i, 2, 1) for i in range(assignments)], feedback="Fine.")
    client.force_login(student)

    with django_assert_max_num_queries(PROGRESS_QUERIES):
        response = client.get(reverse("exercises:progress"))
    assert len(response.context["records"][0].evidence) == assignments


# Tagging in the desk --------------------------------------------------------------------------


def test_a_teacher_tags_a_question_and_a_rubrics_criteria_with_skills_in_the_desk(as_teacher, year):
    tagged, rubric_question = year.questions[0]
    # A teacher edits their own rubrics in place (others' they copy first).
    Rubric.objects.filter(pk=rubric_question.rubric_id).update(owner=year.teacher)

    question_page = as_teacher.get(
        reverse("admin:exercises_question_change", args=[tagged.pk])
    ).content.decode()
    rubric_page = as_teacher.get(
        reverse("admin:exercises_rubric_change", args=[rubric_question.rubric_id])
    ).content.decode()

    assert 'name="skill"' in question_page and 'name="objective"' in question_page
    assert 'name="criteria-0-skill"' in rubric_page
    assert 'name="criteria-0-objective"' in rubric_page
