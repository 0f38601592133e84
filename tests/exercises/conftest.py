"""A class with an enrolled student and an assignment holding one question of every kind."""

from types import SimpleNamespace

import pytest
from django.urls import reverse

from exercises.models import Question
from tests import factories

DAILY_WORKER = (
    "Every weak, corrupt or ambitious enemy of socialism has been hired to do dirty, evil "
    "work. In the forefront is Fascist agent Trotsky. But the defences are strong.\n\n"
    "The nest of wreckers and spies has been exposed before the world."
)
SECRETS = {
    "key": "KEY-SECRET-DURANTY",
    "model_answer": "MODEL-ANSWER-SECRET",
    "feedback": "FEEDBACK-SECRET",
}


def save_url(question):
    return reverse("exercises:save_answer", args=[question.assignment_id, question.pk])


def autosave(client, question, revision=0, **fields):
    """POST one question's fields the way static/js/answering.js does."""
    return client.post(
        save_url(question),
        {"revision": revision, **fields},
        HTTP_ACCEPT="application/json",
    )


def add_question(assignment, kind, sources=(), **kwargs):
    question = factories.QuestionFactory(assignment=assignment, kind=kind, **kwargs)
    for order, source in enumerate(sources):
        factories.QuestionSourceFactory(question=question, source=source, order=order)
    return question


def build_world(question_count=1, source_count=3):
    """An enrolled student, their class and an assignment with every kind of question.

    `question_count` repeats the set of seven kinds; `source_count` sources are read.
    """
    teacher = factories.TeacherFactory()
    classroom = factories.ClassroomFactory(teachers=[teacher])
    student = factories.StudentFactory()
    factories.EnrollmentFactory(classroom=classroom, student=student)
    assignment = factories.AssignmentFactory(classroom=classroom, title="The Moscow trials")
    unit = factories.UnitFactory()
    sources = [
        factories.SourceFactory(unit=unit, text=DAILY_WORKER if n == 0 else f"Source text {n}.")
        for n in range(max(source_count, 2))
    ]
    for order, source in enumerate(sources):
        factories.AssignmentSourceFactory(assignment=assignment, source=source, order=order)
    first, second = sources[0], sources[1]
    questions = {}
    for _ in range(question_count):
        questions = {
            "rating": add_question(
                assignment,
                Question.Kind.RATING,
                [second],
                settings={"enquiry": "The 1936 trial", "min_justification": 20},
                key={"rating": 2, "note": SECRETS["key"]},
                model_answer=SECRETS["model_answer"],
            ),
            "comparison": add_question(
                assignment,
                Question.Kind.COMPARISON,
                [first, second],
                settings={"enquiry": "The 1936 trial", "min_justification": 0},
                key={"choice": str(second.pk)},
                model_answer=SECRETS["model_answer"],
            ),
            "opvl": add_question(
                assignment,
                Question.Kind.OPVL,
                [second],
                settings={"enquiry": "Why the trials?"},
                model_answer=SECRETS["model_answer"],
            ),
            "highlight": add_question(
                assignment,
                Question.Kind.HIGHLIGHT,
                [first],
                settings={"instruction": "Mark loaded words."},
                key={"ranges": [_quote(first, "Fascist agent Trotsky")]},
                model_answer=SECRETS["model_answer"],
            ),
            "matrix": add_question(
                assignment,
                Question.Kind.MATRIX,
                sources,
                settings={"claim": "The confessions were genuine."},
                key={"verdicts": {str(s.pk): "challenges" for s in sources}},
                model_answer=SECRETS["model_answer"],
            ),
            "choice": add_question(
                assignment,
                Question.Kind.CHOICE,
                settings={
                    "multiple": True,
                    "options": [
                        {"id": "a", "text": "Duranty"},
                        {"id": "b", "text": "Zinoviev"},
                        {"id": "c", "text": "Trotsky"},
                    ],
                },
                key={"correct": ["a", "b"]},
                model_answer=SECRETS["model_answer"],
            ),
            "written": add_question(
                assignment,
                Question.Kind.WRITTEN,
                settings={"length": "extended", "min_length": 0},
                model_answer=SECRETS["model_answer"],
            ),
        }
    return SimpleNamespace(
        teacher=teacher,
        classroom=classroom,
        student=student,
        assignment=assignment,
        sources=sources,
        q=questions,
    )


def _quote(source, words):
    start = source.text.index(words)
    return {"start": start, "end": start + len(words), "quote": words}


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # Factories set a password on every user; the real hasher is slow on purpose.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def world(db):
    return build_world()


@pytest.fixture
def student_client(client, world):
    client.force_login(world.student)
    return client
