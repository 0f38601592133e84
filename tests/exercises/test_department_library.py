"""The department library: colleagues' shared assignments, copied into one's own class."""

import pytest
from django.urls import reverse

from exercises.models import Assignment, Question
from tests import factories
from tests.exercises.desk import class_of, fast_password_hashing, log_in

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures(fast_password_hashing.__name__)]

LIBRARY = "admin:exercises_department_library"


def copy_url(assignment):
    return reverse("admin:exercises_department_library_copy", args=[assignment.pk])


@pytest.fixture
def world():
    class World:
        pass

    w = World()
    w.me, w.colleague = factories.DeskTeacherFactory(), factories.DeskTeacherFactory()
    w.my_class = class_of(w.me, name="10B")
    w.their_class = class_of(w.colleague, name="10A")
    w.shared = factories.AssignmentFactory(
        classroom=w.their_class, title="The Moscow trials", shared_with_colleagues=True
    )
    w.rubric = factories.RubricFactory(owner=w.colleague)
    factories.QuestionFactory(assignment=w.shared, rubric=w.rubric)
    w.private = factories.AssignmentFactory(classroom=w.their_class, title="Private quiz")
    return w


def test_the_library_lists_colleagues_shared_assignments_only(client, world):
    mine_shared = factories.AssignmentFactory(
        classroom=world.my_class, title="My own shared one", shared_with_colleagues=True
    )
    body = log_in(client, world.me).get(reverse(LIBRARY)).content.decode()
    assert "The Moscow trials" in body
    assert "Private quiz" not in body
    assert mine_shared.title not in body
    assert '<label for="copy-into-' in body


def test_copy_into_my_class_makes_a_draft_copy_there(client, world):
    response = log_in(client, world.me).post(
        copy_url(world.shared), {"classroom": world.my_class.pk}
    )
    copy = Assignment.objects.get(classroom=world.my_class)
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:exercises_assignment_change", args=[copy.pk])
    assert copy.status == Assignment.Status.DRAFT
    assert not copy.shared_with_colleagues
    assert copy.questions.get().rubric == world.rubric
    assert world.shared.questions.count() == 1  # the original is untouched


def test_copying_into_a_class_i_do_not_teach_is_refused_with_400(client, world):
    response = log_in(client, world.me).post(
        copy_url(world.shared), {"classroom": world.their_class.pk}
    )
    assert response.status_code == 400
    assert "Choose one of the classes you teach." in response.content.decode()
    assert Assignment.objects.count() == 2


@pytest.mark.parametrize("classroom", ["", "abc", "99999999999999999999", "1\x00"])
def test_bad_class_ids_are_refused_with_400(client, world, classroom):
    response = log_in(client, world.me).post(copy_url(world.shared), {"classroom": classroom})
    assert response.status_code == 400
    assert Assignment.objects.count() == 2


def test_an_assignment_not_shared_cannot_be_copied(client, world):
    response = log_in(client, world.me).post(
        copy_url(world.private), {"classroom": world.my_class.pk}
    )
    assert response.status_code == 404
    assert not Assignment.objects.filter(classroom=world.my_class).exists()


def test_a_teacher_shares_an_assignment_from_its_page(client, world):
    url = reverse("admin:exercises_assignment_change", args=[world.private.pk])
    body = log_in(client, world.colleague).get(url).content.decode()
    assert 'name="shared_with_colleagues"' in body


def test_the_assignments_list_links_to_the_library(client, world):
    body = log_in(client, world.me).get(reverse("admin:exercises_assignment_changelist"))
    assert reverse(LIBRARY) in body.content.decode()


@pytest.mark.parametrize("count", [2, 20])
def test_the_library_reads_a_fixed_number_of_queries(
    client, world, count, django_assert_max_num_queries
):
    for n in range(count):
        teacher = factories.DeskTeacherFactory()
        assignment = factories.AssignmentFactory(
            classroom=class_of(teacher), shared_with_colleagues=True, title=f"Shared {n}"
        )
        factories.QuestionFactory(assignment=assignment)
    log_in(client, world.me)
    with django_assert_max_num_queries(10):
        response = client.get(reverse(LIBRARY))
    assert response.content.decode().count("Copy into my class") == count + 1
    assert Question.objects.count() == count + 1


def test_the_desk_pages_have_no_inline_style_or_script(client, world):
    """CSP: the admin refuses inline styles and scripts (the e2e test runs axe on them)."""
    log_in(client, world.me)
    pages = [
        reverse(LIBRARY),
        reverse(
            "admin:exercises_question_templates",
            args=[world.my_class.assignments.create(title="Mine").pk],
        ),
        reverse("admin:exercises_rubric_change", args=[world.rubric.pk]),
    ]
    for url in pages:
        body = client.get(url).content.decode()
        assert "<style" not in body and ' style="' not in body, url
        assert "<script>" not in body, url
