"""Stored text is escaped everywhere it is shown.

Every piece of text a person can store (a source's text and header, an author's name and
description, a unit's narrative, an assignment's title, a question's prompt and settings,
a class's name, a student's name and answer, a teacher's feedback and model answer) is set
to a script-injection payload. Every page that shows it, on the student side, the teacher's
analytics and in the admin, must show it escaped and never raw.
"""

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from exercises.models import Question
from tests import factories
from tests.sources.images import image_bytes

from .conftest import add_question

PAYLOAD = "<script>alert(1)</script>\"><img src=x onerror=alert(1)>'"
# What must never reach a page as it is: the elements the payload opens (its quote and
# angle bracket would first have closed whatever attribute it was put in).
RAW = ["<script>alert(1)", "<img src=x"]


def mark(place):
    """The payload, labelled with where it was stored, so a page shows which it displays."""
    return f"[{place}]{PAYLOAD}"


def assert_inert(html, shown):
    for fragment in RAW:
        assert fragment not in html, f"{fragment!r} reached the page unescaped"
    missing = [place for place in shown if escape(mark(place)) not in html]
    assert not missing, f"not shown (escaped) on this page: {missing}"


@pytest.fixture
def hostile(world):
    """The class's world with a payload in every text field people fill in."""
    mine = world.mine
    unit = world.unit
    unit.title, unit.narrative = mark("unit-title"), mark("narrative")
    unit.save()
    source = world.sources[0]
    author = source.author
    author.name, author.description = mark("author"), mark("author-description")
    author.save()
    source.title, source.header = mark("work"), mark("header")
    source.context_note = mark("context-note")
    source.head_note = mark("head-note")
    source.alt_text, source.caption = mark("alt-text"), mark("caption")
    source.credit, source.licence = mark("credit"), mark("licence")
    source.image_kind = "cartoon"
    source.image.save("cartoon.png", ContentFile(image_bytes(120, 80)), save=False)
    source.text = mark("source-text") + "\n\n" + source.text
    source.save()

    classroom = mine.classroom
    classroom.name = mark("class")
    classroom.save()
    assignment = mine.assignment
    assignment.title, assignment.instructions = mark("assignment"), mark("instructions")
    assignment.save()
    written = mine.questions["written"]
    written.prompt, written.model_answer = mark("prompt"), mark("model-answer")
    written.save()
    rating = mine.questions["rating"]
    rating.settings = {
        "enquiry": mark("enquiry"),
        "min_justification": 0,
        "labels": [mark("label")] * 5,
    }
    rating.save()
    matrix = mine.questions["matrix"]
    matrix.settings = {"claim": mark("claim")}
    matrix.save()
    add_question(
        assignment,
        Question.Kind.CHOICE,
        settings={"multiple": False, "options": [{"id": "a", "text": mark("option")}]},
        key={"correct": ["a"]},
    )

    for person in (mine.student, mine.classmate):
        person.first_name, person.last_name = mark("first-name"), "Petrov"
        person.save()
    mine.answer.response = {"text": mark("answer")}
    mine.answer.save()
    # The classmate's work is handed in, graded with feedback and released.
    handed = mine.handed_in_answer
    handed.response = {"text": mark("answer")}
    handed.save()
    factories.GradeFactory(answer=handed, feedback=mark("feedback"))
    factories.FeaturedAnswerFactory(answer=handed)  # shown to the class on the projector
    mine.handed_in.released_at = timezone.now()
    mine.handed_in.save()
    return world


def page(user, url, **kwargs):
    client = Client()
    client.force_login(user)
    response = client.get(url, **kwargs)
    assert response.status_code == 200, url
    return response.content.decode()


SOURCE = [
    *("author", "author-description", "work", "context-note", "source-text", "head-note"),
    *("alt-text", "caption", "credit", "licence"),
]
ASSIGNMENT = ["assignment", "instructions", "prompt", "enquiry", "label", "claim", "option"]


def student_pages(world):
    mine = world.mine
    unit_url = reverse("sources:unit_detail", args=[world.unit.slug])
    source_url = reverse("sources:source_detail", args=[world.unit.slug, 1])
    return {
        "unit list": (mine.student, reverse("sources:unit_list"), ["unit-title"]),
        "unit": (mine.student, unit_url, ["unit-title", "narrative", "author", "work"]),
        "source": (mine.student, source_url, ["unit-title", "header", *SOURCE]),
        "dashboard": (mine.student, reverse("exercises:dashboard"), ["assignment", "class"]),
        "assignment, answering": (
            mine.student,
            mine.assignment.get_absolute_url(),
            [*SOURCE, *ASSIGNMENT, "class", "answer"],
        ),
        "review and submit": (
            mine.student,
            reverse("exercises:submit", args=[mine.assignment.pk]),
            ["assignment"],
        ),
        "assignment, released": (
            mine.classmate,
            mine.assignment.get_absolute_url(),
            [*SOURCE, *ASSIGNMENT, "answer", "feedback", "model-answer"],
        ),
    }


def teacher_pages(world):
    mine = world.mine
    pk = mine.assignment.pk
    return {
        "preview": (
            mine.teacher,
            reverse("exercises:assignment_preview", args=[pk]),
            [*SOURCE, *ASSIGNMENT],
        ),
        "analytics": (
            mine.teacher,
            reverse("exercises:analytics", args=[pk]),
            ["assignment", "prompt", "answer", "claim"],
        ),
        "projector": (
            mine.teacher,
            reverse("exercises:analytics_projector", args=[pk]),
            ["assignment", "prompt", "answer"],
        ),
    }


def admin_pages(world):
    mine, source = world.mine, world.sources[0]
    teacher = mine.teacher

    def admin_url(name, *args):
        return reverse(f"admin:{name}", args=args)

    return {
        "sources": (teacher, admin_url("sources_source_changelist"), ["author", "work"]),
        "source": (
            teacher,
            admin_url("sources_source_change", source.pk),
            ["header", "author", "work", "context-note", "source-text"],
        ),
        "authors": (teacher, admin_url("sources_author_changelist"), ["author"]),
        "author": (
            teacher,
            admin_url("sources_author_change", source.author.pk),
            ["author", "author-description"],
        ),
        "units": (teacher, admin_url("sources_unit_changelist"), ["unit-title"]),
        "unit": (
            teacher,
            admin_url("sources_unit_change", world.unit.pk),
            ["unit-title", "narrative", "author", "work"],
        ),
        "classes": (teacher, admin_url("exercises_classroom_changelist"), ["class"]),
        "class": (
            teacher,
            admin_url("exercises_classroom_change", mine.classroom.pk),
            ["class", "first-name"],
        ),
        "students": (
            teacher,
            admin_url("exercises_enrollment_changelist"),
            ["first-name", "class"],
        ),
        "assignments": (
            teacher,
            admin_url("exercises_assignment_changelist"),
            ["assignment", "class"],
        ),
        "assignment": (
            teacher,
            admin_url("exercises_assignment_change", mine.assignment.pk),
            ["assignment", "instructions", "prompt", "enquiry", "claim", "author"],
        ),
        "questions": (teacher, admin_url("exercises_question_changelist"), ["prompt"]),
        "question": (
            teacher,
            admin_url("exercises_question_change", mine.questions["rating"].pk),
            ["enquiry", "label"],
        ),
        "submissions": (
            teacher,
            admin_url("exercises_submission_changelist"),
            ["first-name", "assignment"],
        ),
        "grading": (
            teacher,
            admin_url("exercises_submission_change", mine.handed_in.pk),
            ["first-name", "assignment", "prompt", "answer", "feedback", "model-answer"],
        ),
    }


def all_pages(world):
    pages = {**student_pages(world), **teacher_pages(world)}
    pages.update({f"admin: {name}": value for name, value in admin_pages(world).items()})
    return pages


STUDENT_PAGES = ["unit list", "unit", "source", "dashboard", "assignment, answering"]
STUDENT_PAGES += ["review and submit", "assignment, released"]
TEACHER_PAGES = ["preview", "analytics", "projector"]
ADMIN_PAGES = ["sources", "source", "authors", "author", "units", "unit", "classes", "class"]
ADMIN_PAGES += ["students", "assignments", "assignment", "questions", "question"]
ADMIN_PAGES += ["submissions", "grading"]


@pytest.mark.parametrize(
    "name", [*STUDENT_PAGES, *TEACHER_PAGES, *[f"admin: {name}" for name in ADMIN_PAGES]]
)
def test_stored_text_is_shown_escaped(hostile, name):
    user, url, shown = all_pages(hostile)[name]
    assert_inert(page(user, url), shown)


def test_every_page_of_the_table_is_checked(hostile):
    checked = {*STUDENT_PAGES, *TEACHER_PAGES, *[f"admin: {name}" for name in ADMIN_PAGES]}
    assert set(all_pages(hostile)) == checked


# Text echoed back to the person who sent it ------------------------------------------------


def save_url(question):
    return reverse("exercises:save_answer", args=[question.assignment_id, question.pk])


def test_an_answer_refused_as_too_long_is_shown_back_escaped(hostile):
    client = Client()
    client.force_login(hostile.mine.student)
    written = hostile.mine.questions["written"]
    text = mark("answer") + "x" * 10_000
    response = client.post(save_url(written), {"revision": 1, "text": text})
    assert response.status_code == 400
    assert_inert(response.content.decode(), ["answer"])


def test_a_conflicting_save_shows_the_newer_answer_escaped_in_its_json(hostile):
    client = Client()
    client.force_login(hostile.mine.student)
    written = hostile.mine.questions["written"]
    response = client.post(
        save_url(written), {"revision": 0, "text": "stale"}, HTTP_ACCEPT="application/json"
    )
    assert response.status_code == 409
    assert_inert(response.json()["saved_html"], ["answer"])


def test_a_conflicting_plain_save_shows_both_answers_escaped(hostile):
    client = Client()
    client.force_login(hostile.mine.student)
    written = hostile.mine.questions["written"]
    response = client.post(save_url(written), {"revision": 0, "text": mark("resent")})
    assert response.status_code == 409
    assert_inert(response.content.decode(), ["answer", "resent", "prompt"])


def test_an_answer_kept_while_logged_out_is_shown_escaped(hostile):
    from exercises import kept_answers

    student, written = hostile.mine.student, hostile.mine.questions["written"]
    browser = Client()
    token = kept_answers.owner_token(student)
    browser.post(save_url(written), {"revision": 0, "owner": token, "text": mark("kept")})
    browser.force_login(student)
    html = page_with(browser, hostile.mine.assignment.get_absolute_url())
    assert "a newer version had been saved since" in html
    assert_inert(html, ["kept"])


def page_with(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_a_class_code_that_matches_nothing_is_echoed_escaped(hostile):
    client = Client()
    client.force_login(hostile.mine.student)
    response = client.post(reverse("exercises:join_class"), {"code": PAYLOAD[:40]})
    html = response.content.decode()
    for fragment in RAW:
        assert fragment.upper() not in html.upper()
    assert escape(PAYLOAD[:40].upper().replace(" ", "")) in html


def test_a_pack_previewed_in_the_admin_shows_its_text_escaped(hostile):
    superuser = Client()
    superuser.force_login(hostile.superuser)
    pack = (
        f"{mark('pack-title')}\n\n{mark('pack-narrative')}\n\nPrimary Sources\n\n"
        f"(1) {mark('pack-header')}\n\n{mark('pack-text')}\n"
    )
    response = superuser.post(
        reverse("admin:sources_unit_import"),
        {"pack": SimpleUploadedFile("pack.txt", pack.encode()), "slug": "hostile"},
    )
    assert response.status_code == 200
    assert_inert(response.content.decode(), ["pack-title"])


def test_the_gradebook_is_csv_not_html(hostile):
    teacher = Client()
    teacher.force_login(hostile.mine.teacher)
    url = reverse("admin:exercises_assignment_gradebook", args=[hostile.mine.assignment.pk])
    response = teacher.get(url)
    assert response["Content-Type"].startswith("text/csv")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "attachment" in response["Content-Disposition"]
