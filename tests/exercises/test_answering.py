"""Joining a class, opening an assignment, and saving answers (autosave and no-JS)."""

import json
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from exercises.models import Answer, Assignment, Enrollment, Submission
from tests import factories

from .conftest import DAILY_WORKER, autosave, save_url


def page_url(world):
    return world.assignment.get_absolute_url()


def answer_to(question, student):
    return Answer.objects.get(question=question, submission__student=student)


# Joining a class ------------------------------------------------------------------------


def test_student_joins_a_class_with_its_code(client, student):
    classroom = factories.ClassroomFactory(join_code="PURGE36X")
    client.force_login(student)
    response = client.post(reverse("exercises:join_class"), {"code": "purge-36x "}, follow=True)
    assert Enrollment.objects.filter(classroom=classroom, student=student).exists()
    assert f"You have joined {classroom}" in response.content.decode()


def test_wrong_class_code_is_refused_with_a_clear_message(client, student):
    client.force_login(student)
    response = client.post(reverse("exercises:join_class"), {"code": "NOPE1234"})
    assert response.status_code == 200
    assert "No class has the code “NOPE1234”" in response.content.decode()
    assert not Enrollment.objects.filter(student=student).exists()


def test_joining_a_class_twice_is_fine(client, student):
    classroom = factories.ClassroomFactory(join_code="PURGE36X")
    factories.EnrollmentFactory(classroom=classroom, student=student)
    client.force_login(student)
    response = client.post(reverse("exercises:join_class"), {"code": "PURGE36X"}, follow=True)
    assert f"You are already in {classroom}" in response.content.decode()
    assert Enrollment.objects.filter(student=student).count() == 1


def test_joining_needs_a_login(client, db):
    response = client.get(reverse("exercises:join_class"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


# Opening an assignment ------------------------------------------------------------------


def test_opening_an_assignment_creates_the_students_submission_once(student_client, world):
    student_client.get(page_url(world))
    student_client.get(page_url(world))
    assert Submission.objects.filter(student=world.student).count() == 1


def test_assignment_page_shows_sources_and_every_question(student_client, world):
    html = student_client.get(page_url(world)).content.decode()
    for question in world.q.values():
        assert f'id="question-{question.pk}"' in html
    for source in world.sources:
        assert f'id="source-{source.pk}"' in html
        assert f'href="#source-{source.pk}"' in html  # a question links to it


@pytest.mark.parametrize(
    "change",
    [
        {"status": Assignment.Status.DRAFT},
        {"opens_at_in_days": 2},
    ],
)
def test_draft_or_not_yet_open_assignment_is_not_found(student_client, world, change):
    if "status" in change:
        world.assignment.status = change["status"]
    else:
        world.assignment.opens_at = timezone.now() + timedelta(days=2)
    world.assignment.save()
    assert student_client.get(page_url(world)).status_code == 404
    assert not Submission.objects.exists()


def test_student_of_another_class_gets_not_found(client, world):
    client.force_login(factories.StudentFactory())
    assert client.get(page_url(world)).status_code == 404
    response = autosave(client, world.q["written"], text="Let me in")
    assert response.status_code == 404
    assert not Answer.objects.exists()


def test_rating_question_shows_a_labelled_one_to_five_scale(student_client, world):
    html = student_client.get(page_url(world)).content.decode()
    for label in ["Not reliable", "Of little reliability", "Very reliable"]:
        assert label in html
    assert html.count('name="rating"') == 5


def test_highlight_question_has_a_toggle_button_per_sentence(student_client, world):
    html = student_client.get(page_url(world)).content.decode()
    assert html.count('class="sentence-toggle"') == 4
    assert 'aria-pressed="false"' in html and 'data-offset="0"' in html


# Autosave -------------------------------------------------------------------------------


def test_autosave_stores_the_answer_and_says_when(student_client, world):
    response = autosave(student_client, world.q["written"], text="Duranty watched the trial.")
    data = response.json()
    assert response.status_code == 200 and data["ok"] and data["revision"] == 1
    assert data["status"].startswith("Saved at ")
    answer = answer_to(world.q["written"], world.student)
    assert answer.response == {"text": "Duranty watched the trial."} and answer.revision == 1


def test_saved_answer_is_shown_again_after_a_reload(student_client, world):
    autosave(student_client, world.q["opvl"], origin="An NKVD defector", purpose="To expose")
    html = student_client.get(page_url(world)).content.decode()
    assert "An NKVD defector" in html and "Saved at" in html


def test_each_save_must_name_the_revision_it_was_based_on(student_client, world):
    first = autosave(student_client, world.q["written"], text="One").json()
    second = autosave(student_client, world.q["written"], revision=first["revision"], text="Two")
    assert second.json()["revision"] == 2


def test_stale_tab_is_refused_and_the_newer_answer_kept(student_client, world):
    question = world.q["written"]
    autosave(student_client, question, revision=0, text="Tab A, first")
    autosave(student_client, question, revision=1, text="Tab A, newer")
    response = autosave(student_client, question, revision=1, text="Tab B, stale")
    data = response.json()
    assert response.status_code == 409 and data["conflict"]
    assert "changed in another tab or window at" in data["error"]
    assert "Your text here is kept below" in data["error"]
    assert "Tab A, newer" in data["saved_html"] and data["revision"] == 2
    assert answer_to(question, world.student).response["text"] == "Tab A, newer"


def test_two_tabs_saving_a_first_version_at_once_do_not_both_win(student_client, world):
    question = world.q["written"]
    assert autosave(student_client, question, revision=0, text="Tab A").status_code == 200
    assert autosave(student_client, question, revision=0, text="Tab B").status_code == 409
    assert answer_to(question, world.student).response["text"] == "Tab A"


def test_save_without_a_revision_is_refused(student_client, world):
    response = student_client.post(
        save_url(world.q["written"]), {"text": "x"}, HTTP_ACCEPT="application/json"
    )
    assert response.status_code == 400 and "Reload" in response.json()["error"]


@pytest.mark.parametrize(
    "kind, fields, message",
    [
        ("written", {"text": "x" * 10_001}, "the limit is 10,000"),
        ("rating", {"rating": "9"}, "Choose a rating from 1 to 5."),
        ("comparison", {"choice": "999999"}, "Choose one of the sources"),
        ("choice", {"selected": ["z"]}, "Choose from the options given."),
        ("highlight", {"ranges": '[{"start": 0, "end": 99999}]'}, "outside the source's text"),
        ("highlight", {"ranges": "not json"}, "could not be read"),
    ],
)
def test_invalid_answer_is_refused_with_a_clear_message(
    student_client, world, kind, fields, message
):
    response = autosave(student_client, world.q[kind], **fields)
    assert response.status_code == 400
    assert message in response.json()["error"]
    assert not Answer.objects.exists()


def test_matrix_verdicts_are_saved_per_source(student_client, world):
    question, (first, _, third) = world.q["matrix"], world.sources
    fields = {f"verdict-{first.pk}": "supports", f"verdict-{third.pk}": "silent"}
    assert autosave(student_client, question, **fields).status_code == 200
    verdicts = answer_to(question, world.student).response["verdicts"]
    assert verdicts == {str(first.pk): "supports", str(third.pk): "silent"}


def test_highlight_save_keeps_the_quoted_words(student_client, world):
    start = DAILY_WORKER.index("Fascist agent Trotsky")
    ranges = json.dumps([{"start": start, "end": start + 21}])
    data = autosave(student_client, world.q["highlight"], ranges=ranges).json()
    assert data["ranges"] == [{"start": start, "end": start + 21, "quote": "Fascist agent Trotsky"}]


def test_question_of_another_assignment_is_not_found(student_client, world):
    other = factories.QuestionFactory(assignment=factories.AssignmentFactory())
    url = reverse("exercises:save_answer", args=[world.assignment.pk, other.pk])
    response = student_client.post(url, {"revision": 0, "text": "x"})
    assert response.status_code == 404
    assert not Answer.objects.exists()


def test_autosave_after_logging_out_says_so_in_json(client, world):
    response = autosave(client, world.q["written"], text="Lost?")
    assert response.status_code == 403 and "logged out" in response.json()["error"]


# Without JavaScript ---------------------------------------------------------------------


def test_plain_save_button_redirects_back_to_the_question(student_client, world):
    question = world.q["written"]
    response = student_client.post(save_url(question), {"revision": 0, "text": "No JS here"})
    assert response.status_code == 302
    assert response["Location"].endswith(f"#question-{question.pk}")
    assert answer_to(question, world.student).response["text"] == "No JS here"


def test_plain_save_of_a_stale_copy_keeps_both_texts_on_the_page(student_client, world):
    question = world.q["written"]
    autosave(student_client, question, revision=0, text="Saved in the other tab")
    response = student_client.post(save_url(question), {"revision": 0, "text": "Typed here"})
    html = response.content.decode()
    assert response.status_code == 409
    assert "Saved in the other tab" in html and "Typed here" in html
    assert 'name="revision" value="1"' in html  # "Save my version instead" is deliberate


def test_plain_save_of_an_invalid_answer_shows_it_again_to_fix(student_client, world):
    response = student_client.post(
        save_url(world.q["written"]), {"revision": 0, "text": "y" * 10_001}
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "the limit is 10,000" in html and "y" * 10_001 in html


def test_sentence_button_without_javascript_marks_then_unmarks_the_sentence(student_client, world):
    question = world.q["highlight"]
    end = DAILY_WORKER.index(".") + 1
    student_client.post(save_url(question), {"revision": 0, "ranges": "[]", "toggle": f"0-{end}"})
    ranges = answer_to(question, world.student).response["ranges"]
    assert ranges == [{"start": 0, "end": end, "quote": DAILY_WORKER[:end]}]
    student_client.post(
        save_url(question), {"revision": 1, "ranges": json.dumps(ranges), "toggle": f"0-{end}"}
    )
    assert answer_to(question, world.student).response["ranges"] == []


def test_remove_button_without_javascript_unmarks_a_passage(student_client, world):
    question = world.q["highlight"]
    ranges = json.dumps([{"start": 0, "end": 5}, {"start": 10, "end": 20}])
    student_client.post(save_url(question), {"revision": 0, "ranges": ranges, "remove": "10-20"})
    assert answer_to(question, world.student).response["ranges"] == [
        {"start": 0, "end": 5, "quote": DAILY_WORKER[:5]}
    ]


# Preview as a student -------------------------------------------------------------------


def test_teacher_previews_the_assignment_without_creating_anything(client, world):
    client.force_login(world.teacher)
    url = reverse("exercises:assignment_preview", args=[world.assignment.pk])
    html = client.get(url).content.decode()
    assert "Preview" in html and f'id="question-{world.q["written"].pk}"' in html
    assert "disabled" in html
    assert not Submission.objects.exists()


def test_teacher_can_preview_a_draft(client, world):
    world.assignment.status = Assignment.Status.DRAFT
    world.assignment.save()
    client.force_login(world.teacher)
    url = reverse("exercises:assignment_preview", args=[world.assignment.pk])
    assert client.get(url).status_code == 200


@pytest.mark.parametrize("who", ["student", "other_teacher"])
def test_others_cannot_preview(client, world, who):
    user = world.student if who == "student" else factories.TeacherFactory()
    client.force_login(user)
    url = reverse("exercises:assignment_preview", args=[world.assignment.pk])
    assert client.get(url).status_code == 404


def test_superuser_can_preview(client, world):
    client.force_login(factories.UserFactory(is_superuser=True, is_staff=True))
    url = reverse("exercises:assignment_preview", args=[world.assignment.pk])
    assert client.get(url).status_code == 200


def test_preview_forms_post_to_the_preview_and_never_to_saving_an_answer(client, world):
    # The teacher may try a question (a highlight's sentence buttons too): the try goes to
    # the preview, which checks and scores it and saves nothing.
    client.force_login(world.teacher)
    url = reverse("exercises:assignment_preview", args=[world.assignment.pk])
    html = client.get(url).content.decode()
    assert "sentence-toggle" in html and 'data-offset="0"' in html
    assert f'action="{url}#question-' in html
    assert "/answer/" not in html  # exercises:save_answer


def test_two_first_opens_at_once_end_with_one_submission(world, monkeypatch):
    from django.db.models.query import QuerySet

    from exercises.services import answering

    winner = factories.SubmissionFactory(assignment=world.assignment, student=world.student)
    real_get, missed = QuerySet.get, []

    def not_there_yet(self, *args, **kwargs):
        # The other request has not committed when this one looks, but has when it inserts.
        if self.model is Submission and not missed:
            missed.append(True)
            raise Submission.DoesNotExist
        return real_get(self, *args, **kwargs)

    monkeypatch.setattr(QuerySet, "get", not_there_yet)
    submission, created = answering.open_submission(world.assignment, world.student)
    assert (submission.pk, created) == (winner.pk, False)
    assert Submission.objects.count() == 1
