"""Who sees what in the teacher's desk: a teacher works on their own classes only."""

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from exercises.models import Assignment, Grade, Question, Submission
from tests import factories
from tests.exercises.desk import desk, fast_password_hashing, handed_in, log_in

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures(fast_password_hashing.__name__)]


@pytest.fixture
def d():
    return desk()


@pytest.fixture
def as_a(client, d):
    return log_in(client, d.teacher_a)


def change_url(obj):
    return reverse(f"admin:exercises_{obj._meta.model_name}_change", args=[obj.pk])


def name(user):
    return user.get_full_name()


# Lists


def test_submission_list_shows_only_own_classes_work(as_a, d):
    page = as_a.get(reverse("admin:exercises_submission_changelist")).content.decode()
    assert name(d.submission_a.student) in page
    assert name(d.submission_b.student) not in page


@pytest.mark.parametrize(
    "model_name, label",
    [
        ("assignment", "Trials {}"),
        ("classroom", "Class of {}"),
        ("question", "Trials {}"),
        ("enrollment", "Class of {}"),
    ],
)
def test_lists_show_only_own_classes_things(as_a, model_name, label):
    page = as_a.get(reverse(f"admin:exercises_{model_name}_changelist")).content.decode()
    assert label.format("A") in page
    assert label.format("B") not in page


def test_list_filters_name_only_own_classes(as_a, d):
    second = factories.ClassroomFactory(name="Class of A, second", teachers=[d.teacher_a])
    handed_in(factories.AssignmentFactory(classroom=second, title="Trials A2"))
    page = as_a.get(reverse("admin:exercises_submission_changelist")).content.decode()
    assert "Class of A" in page
    assert "Class of B" not in page
    assert "Trials B" not in page


# Pages reached by URL


@pytest.mark.parametrize("attribute", ["submission_b", "assignment_b", "question_b", "class_b"])
def test_other_teachers_pages_redirect_away(as_a, d, attribute):
    response = as_a.get(change_url(getattr(d, attribute)))
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:index")


def test_other_teachers_submission_cannot_be_graded(as_a, d):
    answer = d.answer_b
    response = as_a.post(
        change_url(d.submission_b),
        {f"answer-{answer.pk}-version": 0, f"answer-{answer.pk}-score": 1},
    )
    assert response.status_code == 302
    assert not Grade.objects.filter(answer=answer).exists()


def test_other_teachers_assignment_cannot_be_changed(as_a, d):
    as_a.post(change_url(d.assignment_b), {"title": "Taken over"})
    d.assignment_b.refresh_from_db()
    assert d.assignment_b.title == "Trials B"


# Autocomplete and the choices of related fields


def autocomplete(client, model_name, field_name, term=""):
    response = client.get(
        reverse("admin:autocomplete"),
        {
            "app_label": "exercises",
            "model_name": model_name,
            "field_name": field_name,
            "term": term,
        },
    )
    assert response.status_code == 200
    return [result["text"] for result in response.json()["results"]]


def test_class_autocomplete_offers_only_own_classes(as_a):
    assert autocomplete(as_a, "assignment", "classroom", "Class") == ["Class of A"]


def test_assignment_autocomplete_offers_only_own_assignments(as_a):
    assert autocomplete(as_a, "question", "assignment", "Trials") == ["Trials A"]


def test_sources_and_rubrics_are_shared_in_autocomplete(as_a):
    source = factories.SourceFactory(title="Pravda editorial")
    rubric = factories.RubricFactory(name="Someone else's OPVL")
    assert str(source) in autocomplete(as_a, "question", "sources", "Pravda")
    assert autocomplete(as_a, "question", "rubric", "OPVL") == [rubric.name]


def test_assignment_cannot_be_attached_to_other_teachers_class(as_a, d):
    response = as_a.post(
        reverse("admin:exercises_assignment_add"),
        {
            "classroom": d.class_b.pk,
            "title": "Smuggled in",
            "status": "draft",
            "opens_at_0": "2026-09-01",
            "opens_at_1": "09:00",
            "accepts_late": "on",
            "assignment_sources-TOTAL_FORMS": 0,
            "assignment_sources-INITIAL_FORMS": 0,
            "questions-TOTAL_FORMS": 0,
            "questions-INITIAL_FORMS": 0,
        },
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not Assignment.objects.filter(title="Smuggled in").exists()


def test_question_cannot_be_put_in_other_teachers_assignment(as_a, d):
    response = as_a.post(
        reverse("admin:exercises_question_add"),
        {
            "assignment": d.assignment_b.pk,
            "order": 1,
            "kind": "written",
            "prompt": "Smuggled question",
            "points": 5,
            "length": "extended",
        },
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not Question.objects.filter(prompt="Smuggled question").exists()


# Bulk actions and exports


def act(client, model_name, action, objects):
    return client.post(
        reverse(f"admin:exercises_{model_name}_changelist"),
        {"action": action, "_selected_action": [obj.pk for obj in objects]},
    )


@pytest.mark.parametrize("action", ["release_grades", "return_for_revision", "score_objective"])
def test_submission_actions_leave_other_teachers_work_alone(as_a, d, action):
    act(as_a, "submission", action, [d.submission_b])
    d.submission_b.refresh_from_db()
    assert d.submission_b.released_at is None
    assert d.submission_b.status == Submission.Status.SUBMITTED


def test_duplicate_action_leaves_other_teachers_assignments_alone(as_a, d):
    act(as_a, "assignment", "duplicate", [d.assignment_b])
    assert not Assignment.objects.filter(title__endswith="(copy)").exists()


def test_gradebook_of_other_teachers_assignment_is_not_found(as_a, d):
    url = reverse("admin:exercises_assignment_gradebook", args=[d.assignment_b.pk])
    assert as_a.get(url).status_code == 404


@pytest.mark.parametrize("model_name", ["assignment", "submission"])
def test_gradebook_action_exports_nothing_of_other_teachers(as_a, d, model_name):
    target = d.assignment_b if model_name == "assignment" else d.submission_b
    response = act(as_a, model_name, "export_gradebook", [target])
    assert response.status_code == 302  # back to the list: no file
    assert "text/csv" not in response.get("Content-Type", "")


# Who reaches the admin at all


def test_student_is_sent_away_from_the_admin(client):
    log_in(client, factories.StudentFactory())
    response = client.get(reverse("admin:exercises_submission_changelist"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_superuser_sees_every_class(client, d):
    log_in(client, factories.UserFactory(is_staff=True, is_superuser=True))
    page = client.get(reverse("admin:exercises_submission_changelist")).content.decode()
    assert name(d.submission_a.student) in page
    assert name(d.submission_b.student) in page


def test_staff_user_outside_the_teachers_group_cannot_grade(client, d):
    outsider = factories.TeacherFactory()
    d.class_a.teachers.add(outsider)
    log_in(client, outsider)
    assert client.get(change_url(d.submission_a)).status_code == 403


def test_teachers_group_alone_lets_a_teacher_build_and_grade(client, d):
    teacher = d.teacher_a
    assert not teacher.user_permissions.exists()
    assert set(teacher.get_all_permissions()) == {
        f"{p.content_type.app_label}.{p.codename}"
        for p in Permission.objects.filter(group__name="Teachers")
    }
    log_in(client, teacher)
    for url in [
        reverse("admin:exercises_assignment_add"),
        reverse("admin:exercises_question_add"),
        reverse("admin:exercises_rubric_add"),
        reverse("admin:exercises_enrollment_import"),
        change_url(d.assignment_a),
        change_url(d.question_a),
    ]:
        assert client.get(url).status_code == 200, url
    answer = d.answer_a
    response = client.post(
        change_url(d.submission_a),
        {f"answer-{answer.pk}-version": 0, f"answer-{answer.pk}-score": "4"},
    )
    assert response.status_code == 302
    assert Grade.objects.get(answer=answer).score == 4


def test_a_teachers_new_class_is_theirs(as_a, d):
    response = as_a.post(
        reverse("admin:exercises_classroom_add"),
        {
            "name": "Year 13 History",
            "enrollments-TOTAL_FORMS": 0,
            "enrollments-INITIAL_FORMS": 0,
        },
    )
    assert response.status_code == 302
    page = as_a.get(reverse("admin:exercises_classroom_changelist")).content.decode()
    assert "Year 13 History" in page


@pytest.mark.parametrize("column", range(1, 11))
def test_submission_list_sorts_by_every_column(as_a, column):
    url = reverse("admin:exercises_submission_changelist")
    assert as_a.get(f"{url}?o={column}").status_code == 200
