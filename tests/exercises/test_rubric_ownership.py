"""Rubric ownership: one teacher's edits never change a rubric another teacher's questions
use. A teacher edits in place only their own rubric used by no one else's class; otherwise
they make their own copy, which takes over their classes' questions only."""

import pytest
from django.urls import reverse

from exercises.models import Criterion, CriterionGrade, Level, Rubric
from tests import factories
from tests.exercises.desk import class_of, fast_password_hashing, log_in

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures(fast_password_hashing.__name__)]


def rubric_with_level(**kwargs):
    rubric = factories.RubricFactory(**kwargs)
    factories.LevelFactory(criterion=factories.CriterionFactory(rubric=rubric, name="Sourcing"))
    return rubric


def question_of(teacher, rubric):
    assignment = factories.AssignmentFactory(classroom=class_of(teacher))
    return factories.QuestionFactory(assignment=assignment, rubric=rubric)


def change(client, rubric, **fields):
    """POST the rubric's page as the admin's form sends it, with its criteria unchanged."""
    criteria = list(rubric.criteria.all())
    data = {
        "name": rubric.name,
        "description": rubric.description,
        "criteria-TOTAL_FORMS": len(criteria),
        "criteria-INITIAL_FORMS": len(criteria),
        **fields,
    }
    for i, criterion in enumerate(criteria):
        data.update(
            {
                f"criteria-{i}-id": criterion.pk,
                f"criteria-{i}-rubric": rubric.pk,
                f"criteria-{i}-order": criterion.order,
                f"criteria-{i}-name": criterion.name,
                f"criteria-{i}-description": criterion.description,
            }
        )
    return client.post(reverse("admin:exercises_rubric_change", args=[rubric.pk]), data)


@pytest.fixture
def teachers():
    return factories.DeskTeacherFactory(), factories.DeskTeacherFactory()


def test_a_teachers_new_rubric_is_theirs(client, teachers):
    mine, _ = teachers
    log_in(client, mine).post(
        reverse("admin:exercises_rubric_add"),
        {
            "name": "My OPVL",
            "description": "",
            "criteria-TOTAL_FORMS": 0,
            "criteria-INITIAL_FORMS": 0,
        },
    )
    assert Rubric.objects.get(name="My OPVL").owner == mine


def test_a_teacher_edits_their_own_rubric_in_place_when_no_one_else_uses_it(client, teachers):
    mine, _ = teachers
    rubric = rubric_with_level(owner=mine, name="Mine")
    question_of(mine, rubric)
    response = change(log_in(client, mine), rubric, name="Mine, reworded")
    assert response.status_code == 302
    rubric.refresh_from_db()
    assert rubric.name == "Mine, reworded"


def test_a_teacher_cannot_change_a_colleagues_rubric_in_place(client, teachers):
    mine, theirs = teachers
    rubric = rubric_with_level(owner=theirs, name="Theirs")
    response = change(log_in(client, mine), rubric, name="Hijacked")
    assert response.status_code == 403
    rubric.refresh_from_db()
    assert rubric.name == "Theirs"


def test_a_colleagues_rubric_shows_read_only_with_an_own_copy_button(client, teachers):
    mine, theirs = teachers
    rubric = rubric_with_level(owner=theirs)
    response = log_in(client, mine).get(reverse("admin:exercises_rubric_change", args=[rubric.pk]))
    body = response.content.decode()
    assert response.status_code == 200
    assert reverse("admin:exercises_rubric_own_copy", args=[rubric.pk]) in body
    assert 'name="name"' not in body  # no input: read-only


def test_an_owner_cannot_change_in_place_a_rubric_a_colleagues_question_uses(client, teachers):
    mine, theirs = teachers
    rubric = rubric_with_level(owner=mine, name="Shared by use")
    question_of(theirs, rubric)
    assert change(log_in(client, mine), rubric, name="Changed").status_code == 403
    level = Level.objects.get(criterion__rubric=rubric)
    url = reverse("admin:exercises_criterion_change", args=[level.criterion_id])
    assert client.post(url, {"name": "Changed"}).status_code == 403


def test_the_own_copy_takes_over_only_the_teachers_questions(client, teachers):
    mine, theirs = teachers
    rubric = rubric_with_level(name="Library OPVL")
    my_question = question_of(mine, rubric)
    their_question = question_of(theirs, rubric)

    response = log_in(client, mine).post(
        reverse("admin:exercises_rubric_own_copy", args=[rubric.pk])
    )

    copy = Rubric.objects.get(owner=mine)
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:exercises_rubric_change", args=[copy.pk])
    my_question.refresh_from_db()
    their_question.refresh_from_db()
    assert my_question.rubric == copy
    assert their_question.rubric == rubric
    assert copy.name != rubric.name
    assert list(
        Level.objects.filter(criterion__rubric=copy).values_list("name", "min_points", "max_points")
    ) == list(
        Level.objects.filter(criterion__rubric=rubric).values_list(
            "name", "min_points", "max_points"
        )
    )
    # and the copy is theirs to change in place
    assert change(client, copy, name="My OPVL").status_code == 302


def test_editing_the_copy_never_changes_the_colleagues_rubric(client, teachers):
    mine, theirs = teachers
    rubric = rubric_with_level(owner=theirs, name="Theirs")
    question_of(theirs, rubric)
    question_of(mine, rubric)
    log_in(client, mine).post(reverse("admin:exercises_rubric_own_copy", args=[rubric.pk]))
    copy = Rubric.objects.get(owner=mine)
    criterion = copy.criteria.get()
    url = reverse("admin:exercises_criterion_change", args=[criterion.pk])
    level = criterion.levels.get()
    response = client.post(
        url,
        {
            "rubric": copy.pk,
            "order": 0,
            "name": "Sourcing",
            "description": "",
            "levels-TOTAL_FORMS": 1,
            "levels-INITIAL_FORMS": 1,
            "levels-0-id": level.pk,
            "levels-0-criterion": criterion.pk,
            "levels-0-order": 0,
            "levels-0-name": "Proficient",
            "levels-0-descriptor": "My own words.",
            "levels-0-min_points": 3,
            "levels-0-max_points": 5,
        },
    )
    assert response.status_code == 302
    assert Level.objects.get(criterion__rubric=rubric).descriptor != "My own words."
    assert Level.objects.get(criterion__rubric=copy).descriptor == "My own words."


def test_grades_keep_what_the_rubric_said_and_follow_the_copy(client, teachers):
    mine, _ = teachers
    rubric = rubric_with_level(name="Library")
    question = question_of(mine, rubric)
    level = Level.objects.get(criterion__rubric=rubric)
    submission = factories.SubmittedSubmissionFactory(assignment=question.assignment)
    answer = factories.AnswerFactory(submission=submission, question=question)
    grade = factories.GradeFactory(answer=answer, score=4)
    given = CriterionGrade.objects.create(
        grade=grade,
        criterion=level.criterion,
        level=level,
        criterion_name="Sourcing",
        level_name="Proficient",
        level_descriptor=level.descriptor,
        band_min=3,
        band_max=5,
        points=4,
    )

    log_in(client, mine).post(reverse("admin:exercises_rubric_own_copy", args=[rubric.pk]))

    given.refresh_from_db()
    copy_level = Level.objects.get(criterion__rubric__owner=mine)
    assert (given.criterion_id, given.level_id) == (copy_level.criterion_id, copy_level.pk)
    assert (given.level_descriptor, given.points) == (level.descriptor, 4)
    assert Criterion.objects.filter(rubric=rubric).exists()  # the original stays


def test_a_criterion_cannot_be_added_to_a_rubric_the_teacher_may_not_change(client, teachers):
    mine, theirs = teachers
    rubric = rubric_with_level(owner=theirs)
    response = log_in(client, mine).post(
        reverse("admin:exercises_criterion_add"),
        {
            "rubric": rubric.pk,
            "order": 1,
            "name": "Sneaked in",
            "description": "",
            "levels-TOTAL_FORMS": 0,
            "levels-INITIAL_FORMS": 0,
        },
    )
    assert response.status_code == 200  # the form again, with the error
    assert not Criterion.objects.filter(name="Sneaked in").exists()


def test_an_own_copy_of_a_rubric_that_does_not_exist_is_404(client, teachers):
    mine, _ = teachers
    url = reverse("admin:exercises_rubric_own_copy", args=[987654])
    assert log_in(client, mine).post(url).status_code == 404


def test_the_own_copy_is_post_only(client, teachers):
    mine, _ = teachers
    rubric = rubric_with_level()
    url = reverse("admin:exercises_rubric_own_copy", args=[rubric.pk])
    assert log_in(client, mine).get(url).status_code == 405
    assert Rubric.objects.count() == 1
