"""Building assignments: questions in plain fields, checked by the kinds' rules."""

import pytest
from django.urls import reverse

from exercises.models import Assignment, AssignmentSource, Question
from tests import factories
from tests.exercises.desk import class_of, fast_password_hashing, log_in

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures(fast_password_hashing.__name__)]

TEXT = (
    "The nest of wreckers and spies has been exposed.\n\n"
    "Every weak, corrupt or ambitious enemy of socialism has been hired."
)


@pytest.fixture
def teacher():
    return factories.DeskTeacherFactory()


@pytest.fixture
def assignment(teacher):
    return factories.AssignmentFactory(classroom=class_of(teacher), status="draft")


@pytest.fixture
def as_teacher(client, teacher):
    return log_in(client, teacher)


@pytest.fixture
def source():
    return factories.SourceFactory(number=15, text=TEXT)


def question_data(assignment, kind, sources=(), **fields):
    data = {
        "assignment": assignment.pk,
        "order": 1,
        "kind": kind,
        "prompt": "Which words make the accused look guilty?",
        "points": 4,
        "chosen_sources": [source.pk for source in sources],
        "model_answer": "",
        "length": "extended",
    }
    data.update(fields)
    return data


def add_question(client, data):
    return client.post(reverse("admin:exercises_question_add"), data)


def errors_of(response):
    assert response.status_code == 200, "the form was expected to be refused"
    return response.content.decode()


# Highlight: quoted passages become ranges


def test_highlight_key_quotes_become_ranges_of_the_source(as_teacher, assignment, source):
    passages = '"nest of wreckers and spies"\ncorrupt or ambitious enemy'
    response = add_question(
        as_teacher,
        question_data(
            assignment, "highlight", [source], instruction="Mark it", key_passages=passages
        ),
    )
    assert response.status_code == 302
    question = Question.objects.get(assignment=assignment)
    start = TEXT.index("nest of")
    other = TEXT.index("corrupt")
    assert question.key["ranges"] == [
        {
            "start": start,
            "end": start + len("nest of wreckers and spies"),
            "quote": "nest of wreckers and spies",
        },
        {
            "start": other,
            "end": other + len("corrupt or ambitious enemy"),
            "quote": "corrupt or ambitious enemy",
        },
    ]


def test_highlight_quote_across_a_line_break_is_found(as_teacher, assignment, source):
    response = add_question(
        as_teacher,
        question_data(assignment, "highlight", [source], key_passages="exposed. Every weak"),
    )
    assert response.status_code == 302
    (marked,) = Question.objects.get(assignment=assignment).key["ranges"]
    assert marked["quote"] == "exposed.\n\nEvery weak"


def test_highlight_quote_not_in_the_source_is_refused_by_name(as_teacher, assignment, source):
    response = add_question(
        as_teacher,
        question_data(
            assignment, "highlight", [source], key_passages="nest of wreckers\ngullible idiots"
        ),
    )
    page = errors_of(response)
    assert "“gullible idiots” is not in Source 15" in page
    assert not Question.objects.exists()


def test_highlight_question_needs_one_source(as_teacher, assignment, source):
    other = factories.SourceFactory()
    page = errors_of(
        add_question(
            as_teacher, question_data(assignment, "highlight", [source, other], key_passages="nest")
        )
    )
    assert "This kind of question is about 1 source; it has 2." in page


def test_highlight_key_is_shown_back_as_quotes(as_teacher, assignment, source):
    question = factories.QuestionFactory(
        assignment=assignment,
        kind="highlight",
        settings={"instruction": "Mark it"},
        key={"ranges": [{"start": 4, "end": 30, "quote": TEXT[4:30]}]},
    )
    factories.QuestionSourceFactory(question=question, source=source)
    page = as_teacher.get(reverse("admin:exercises_question_change", args=[question.pk]))
    assert "nest of wreckers and spies</textarea>" in page.content.decode()


# Choice, matrix, comparison, rating


def test_choice_options_marked_with_a_star_are_the_correct_ones(as_teacher, assignment):
    options = "* He was the NYT's Moscow correspondent\nHe was a defendant\n* He won a Pulitzer"
    response = add_question(
        as_teacher, question_data(assignment, "choice", options=options, multiple="on")
    )
    assert response.status_code == 302
    question = Question.objects.get()
    assert [o["text"] for o in question.settings["options"]] == [
        "He was the NYT's Moscow correspondent",
        "He was a defendant",
        "He won a Pulitzer",
    ]
    assert question.settings["multiple"] is True
    assert question.key == {"correct": ["1", "3"]}


def test_choice_without_a_correct_option_is_refused(as_teacher, assignment):
    page = errors_of(add_question(as_teacher, question_data(assignment, "choice", options="A\nB")))
    assert "Mark at least one option as correct." in page


def test_choice_options_keep_their_ids_when_another_is_added(as_teacher, assignment):
    question = factories.QuestionFactory(
        assignment=assignment,
        kind="choice",
        settings={"options": [{"id": "1", "text": "Exile"}, {"id": "2", "text": "Dock"}]},
        key={"correct": ["2"]},
    )
    data = question_data(assignment, "choice", options="New first\nExile\n* Dock")
    response = as_teacher.post(reverse("admin:exercises_question_change", args=[question.pk]), data)
    assert response.status_code == 302
    question.refresh_from_db()
    assert question.settings["options"] == [
        {"id": "3", "text": "New first"},
        {"id": "1", "text": "Exile"},
        {"id": "2", "text": "Dock"},
    ]
    assert question.key == {"correct": ["2"]}


def test_choice_options_with_the_same_text_keep_their_ids_when_saved_again(as_teacher, assignment):
    question = factories.QuestionFactory(
        assignment=assignment,
        kind="choice",
        settings={
            "multiple": True,
            "options": [
                {"id": "1", "text": "Trotsky"},
                {"id": "2", "text": "Zinoviev"},
                {"id": "3", "text": "Trotsky"},
            ],
        },
        key={"correct": ["2", "3"]},
    )
    data = question_data(
        assignment, "choice", options="Trotsky\n* Zinoviev\n* Trotsky", multiple="on"
    )
    response = as_teacher.post(reverse("admin:exercises_question_change", args=[question.pk]), data)
    assert response.status_code == 302
    question.refresh_from_db()
    assert [option["id"] for option in question.settings["options"]] == ["1", "2", "3"]
    assert question.key == {"correct": ["2", "3"]}


def test_matrix_verdict_lines_become_the_key(as_teacher, assignment):
    duranty = factories.SourceFactory(number=4)
    trotsky = factories.SourceFactory(number=9)
    response = add_question(
        as_teacher,
        question_data(
            assignment,
            "matrix",
            [duranty, trotsky],
            claim="The defendants were guilty as charged",
            verdicts="4: supports\nSource 9 - challenges",
        ),
    )
    assert response.status_code == 302
    question = Question.objects.get()
    assert question.key == {
        "verdicts": {str(duranty.pk): "supports", str(trotsky.pk): "challenges"}
    }
    assert [link.source_id for link in question.question_sources.order_by("order")] == [
        duranty.pk,
        trotsky.pk,
    ]


def test_matrix_line_naming_another_source_is_refused(as_teacher, assignment):
    first, second = factories.SourceFactory(number=4), factories.SourceFactory(number=9)
    page = errors_of(
        add_question(
            as_teacher,
            question_data(
                assignment,
                "matrix",
                [first, second],
                claim="Guilty",
                verdicts="4: supports\n7: silent",
            ),
        )
    )
    assert "source 7 is not one of the question&#x27;s." in page


def test_matrix_key_needs_a_verdict_for_every_source(as_teacher, assignment):
    first, second = factories.SourceFactory(number=4), factories.SourceFactory(number=9)
    page = errors_of(
        add_question(
            as_teacher,
            question_data(
                assignment, "matrix", [first, second], claim="Guilty", verdicts="4: supports"
            ),
        )
    )
    assert "The key needs a verdict for Source 9" in page


def test_comparison_expected_choice_is_a_source_number(as_teacher, assignment):
    duranty, trotsky = factories.SourceFactory(number=23), factories.SourceFactory(number=9)
    response = add_question(
        as_teacher,
        question_data(
            assignment,
            "comparison",
            [duranty, trotsky],
            enquiry="What happened at the trial",
            min_justification=300,
            expected_choice=9,
        ),
    )
    assert response.status_code == 302
    question = Question.objects.get()
    assert question.settings == {"enquiry": "What happened at the trial", "min_justification": 300}
    assert question.key == {"choice": str(trotsky.pk)}


def test_rating_scale_labels_are_one_per_line(as_teacher, assignment, source):
    labels = "Worthless\nWeak\nMixed\nGood\nExcellent"
    response = add_question(
        as_teacher,
        question_data(assignment, "rating", [source], enquiry="The trial", labels=labels),
    )
    assert response.status_code == 302
    assert Question.objects.get().settings["labels"] == labels.split("\n")


def test_rating_scale_needs_five_labels(as_teacher, assignment, source):
    page = errors_of(
        add_question(as_teacher, question_data(assignment, "rating", [source], labels="Bad\nGood"))
    )
    assert "The scale needs exactly five labels" in page


def test_rubric_worth_other_than_the_points_is_refused(as_teacher, assignment, source):
    level = factories.LevelFactory(min_points=0, max_points=8)
    page = errors_of(
        add_question(
            as_teacher,
            question_data(assignment, "opvl", [source], rubric=level.criterion.rubric.pk, points=5),
        )
    )
    assert "gives up to 8 marks but this question is worth 5" in page


def test_question_sources_join_the_assignments_sources(as_teacher, assignment, source):
    add_question(as_teacher, question_data(assignment, "opvl", [source], enquiry="The trial"))
    assert list(
        AssignmentSource.objects.filter(assignment=assignment).values_list("source", flat=True)
    ) == [source.pk]


# The assignment page


def assignment_data(assignment, questions, **changes):
    data = {
        "classroom": assignment.classroom_id,
        "title": assignment.title,
        "instructions": assignment.instructions,
        "status": assignment.status,
        "opens_at_0": "2026-09-01",
        "opens_at_1": "09:00",
        "accepts_late": "on",
        "assignment_sources-TOTAL_FORMS": 0,
        "assignment_sources-INITIAL_FORMS": 0,
        "questions-TOTAL_FORMS": len(questions),
        "questions-INITIAL_FORMS": len(questions),
    }
    for i, question in enumerate(questions):
        data.update(
            {
                f"questions-{i}-id": question.pk,
                f"questions-{i}-assignment": assignment.pk,
                f"questions-{i}-order": question.order,
                f"questions-{i}-kind": question.kind,
                f"questions-{i}-prompt": question.prompt,
                f"questions-{i}-points": question.points,
            }
        )
    data.update(changes)
    return data


def test_assignment_with_an_unfinished_question_cannot_be_published(as_teacher, assignment):
    unfinished = factories.QuestionFactory(assignment=assignment, kind="matrix", settings={})
    url = reverse("admin:exercises_assignment_change", args=[assignment.pk])
    response = as_teacher.post(url, assignment_data(assignment, [unfinished], status="published"))
    page = errors_of(response)
    assert (
        "Question 1 (Corroboration matrix): This kind of question needs at least 2 sources" in page
    )
    assignment.refresh_from_db()
    assert assignment.status == "draft"


def test_assignment_page_sums_up_each_question_and_links_to_it(as_teacher, assignment, source):
    question = factories.QuestionFactory(
        assignment=assignment, kind="opvl", settings={"enquiry": "How the trial was reported"}
    )
    factories.QuestionSourceFactory(question=question, source=source)
    page = as_teacher.get(reverse("admin:exercises_assignment_change", args=[assignment.pk]))
    html = page.content.decode()
    assert "Enquiry: How the trial was reported" in html
    assert reverse("admin:exercises_question_change", args=[question.pk]) in html
    assert reverse("admin:exercises_assignment_gradebook", args=[assignment.pk]) in html


def test_assignment_page_links_to_the_student_preview(as_teacher, assignment):
    page = as_teacher.get(reverse("admin:exercises_assignment_change", args=[assignment.pk]))
    preview = reverse("exercises:assignment_preview", args=[assignment.pk])
    assert f'href="{preview}">Preview as a student' in page.content.decode()


def test_duplicate_copies_questions_and_sources_as_a_draft(as_teacher, assignment, source):
    assignment.status = "published"
    assignment.save()
    factories.AssignmentSourceFactory(assignment=assignment, source=source)
    question = factories.QuestionFactory(
        assignment=assignment, kind="choice", settings={"options": []}, key={"correct": ["1"]}
    )
    factories.QuestionSourceFactory(question=question, source=source)
    factories.SubmissionFactory(assignment=assignment)
    as_teacher.post(
        reverse("admin:exercises_assignment_changelist"),
        {"action": "duplicate", "_selected_action": [assignment.pk]},
    )
    copy = Assignment.objects.get(title=f"{assignment.title} (copy)")
    assert copy.status == Assignment.Status.DRAFT
    assert copy.classroom == assignment.classroom
    assert list(copy.sources.all()) == [source]
    (copied,) = copy.questions.all()
    assert copied.pk != question.pk
    assert copied.key == {"correct": ["1"]}
    assert list(copied.sources.all()) == [source]
    assert not copy.submissions.exists()


def test_changing_a_key_after_scoring_tells_the_teacher_to_rescore(as_teacher, assignment):
    question = factories.QuestionFactory(
        assignment=assignment,
        kind="choice",
        settings={"options": [{"id": "1", "text": "Exile"}, {"id": "2", "text": "Dock"}]},
        key={"correct": ["2"]},
    )
    factories.AnswerFactory(question=question, submission__assignment=assignment, auto_score=2)
    data = question_data(assignment, "choice", options="* Exile\nDock")
    url = reverse("admin:exercises_question_change", args=[question.pk])
    response = as_teacher.post(url, data, follow=True)
    assert "1 answer was scored with the old one" in response.content.decode()


def answered_choice_question(assignment):
    question = factories.QuestionFactory(
        assignment=assignment,
        kind="choice",
        settings={"options": [{"id": "1", "text": "Exile"}, {"id": "2", "text": "Dock"}]},
        key={"correct": ["2"]},
    )
    factories.AnswerFactory(
        question=question,
        submission__assignment=assignment,
        response={"selected": ["2"]},
        auto_score=5,
    )
    return question


def test_an_answered_questions_kind_cannot_change_on_its_page(as_teacher, assignment, source):
    question = answered_choice_question(assignment)
    url = reverse("admin:exercises_question_change", args=[question.pk])
    assert Question.KIND_LOCKED in as_teacher.get(url).content.decode()  # said before saving

    response = as_teacher.post(url, question_data(assignment, "rating", [source]))

    assert Question.KIND_LOCKED in errors_of(response)
    question.refresh_from_db()
    assert question.kind == "choice"
    assert question.key == {"correct": ["2"]}


def test_an_answered_questions_kind_cannot_change_on_the_assignment_page(as_teacher, assignment):
    question = answered_choice_question(assignment)
    url = reverse("admin:exercises_assignment_change", args=[assignment.pk])
    assert Question.KIND_LOCKED in as_teacher.get(url).content.decode()

    data = assignment_data(assignment, [question], **{"questions-0-kind": "rating"})
    response = as_teacher.post(url, data)

    assert Question.KIND_LOCKED in errors_of(response)
    question.refresh_from_db()
    assert question.kind == "choice"
    assert question.key == {"correct": ["2"]}


def test_an_unanswered_questions_kind_can_still_change(as_teacher, assignment):
    question = factories.QuestionFactory(assignment=assignment, kind="written")
    url = reverse("admin:exercises_assignment_change", args=[assignment.pk])
    data = assignment_data(assignment, [question], **{"questions-0-kind": "opvl"})
    assert as_teacher.post(url, data).status_code == 302
    question.refresh_from_db()
    assert question.kind == "opvl"
