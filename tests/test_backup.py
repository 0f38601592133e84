"""Backup and restore with dumpdata / loaddata, as docs/backup.md describes it.

The round trip is compared model by model, field by field, for every model of the project's
own apps, so models added later are covered without editing this test.
"""

import json
from contextlib import contextmanager
from datetime import datetime, time, timedelta
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core import serializers
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from exercises.models import CriterionGrade, Grade, Question, Submission
from tests import factories

# The documented command (docs/backup.md). Content types, permissions and sessions are
# rebuilt or disposable; admin history and login attempts are not worth moving.
DUMP_OPTIONS = [
    "--natural-foreign",
    "--natural-primary",
    "--all",
    *("-e", "contenttypes", "-e", "auth.Permission", "-e", "sessions"),
    *("-e", "admin.logentry", "-e", "axes"),
]

POPULATED = [
    "sources.Unit",
    "sources.Author",
    "sources.Source",
    "exercises.Classroom",
    "exercises.Enrollment",
    "exercises.Rubric",
    "exercises.Criterion",
    "exercises.Level",
    "exercises.Assignment",
    "exercises.AssignmentSource",
    "exercises.Question",
    "exercises.QuestionSource",
    "exercises.Submission",
    "exercises.Answer",
    "exercises.Grade",
    "exercises.HistoricalGrade",
    "exercises.CriterionGrade",
    "auth.User",
    "auth.Group",
]


def backed_up_models():
    """Every model of the project's own apps, and the accounts."""
    base = Path(settings.BASE_DIR)
    project_apps = [
        config
        for config in apps.get_app_configs()
        if Path(config.path).is_relative_to(base) and ".venv" not in Path(config.path).parts
    ]
    assert {"sources", "exercises"} <= {config.label for config in project_apps}
    models = [model for config in project_apps for model in config.get_models()]
    return [*models, get_user_model(), Group]


def comparable(value):
    """Django's JSON dump keeps times to the millisecond (docs/backup.md): compare them so."""
    if isinstance(value, datetime | time):
        return value.replace(microsecond=value.microsecond // 1000 * 1000).isoformat()
    return str(value)


def snapshot():
    """{model label: sorted rows}, each row its serialized fields with natural keys, so rows
    compare equal across databases whose user and permission ids differ."""
    result = {}
    for model in backed_up_models():
        data = serializers.serialize(
            "python",
            model._base_manager.all(),
            use_natural_foreign_keys=True,
            use_natural_primary_keys=True,
        )
        many_to_many = {field.name for field in model._meta.many_to_many}
        rows = []
        for row in data:
            fields = {
                name: sorted(value) if name in many_to_many else value
                for name, value in row["fields"].items()
            }
            rows.append(
                json.dumps({"pk": row.get("pk"), **fields}, sort_keys=True, default=comparable)
            )
        result[model._meta.label] = sorted(rows)
    return result


@pytest.fixture
def classroom_year(db):
    """A term's work: a unit with its sources, a class, an assignment, marked answers."""
    now = timezone.now()
    unit = factories.UnitFactory(title="The Great Purge", slug="great-purge")
    duranty = factories.AuthorFactory(name="Walter Duranty")
    pravda = factories.AuthorFactory(name="Pravda", kind="publication")
    trial = factories.SourceFactory(unit=unit, number=1, author=duranty)
    editorial = factories.SourceFactory(unit=unit, number=2, author=pravda, month=None, day=None)
    factories.SourceFactory(
        unit=unit, number=3, author=None, header="Anonymous letter, 1937", year=None
    )

    teacher = factories.TeacherFactory(username="teacher")
    teachers, _ = Group.objects.get_or_create(name="Teachers")  # a migration may make it
    teachers.permissions.add(Permission.objects.get(codename="view_submission"))
    teacher.groups.add(teachers)
    classroom = factories.ClassroomFactory(name="Year 12 History", teachers=[teacher])
    students = [
        factories.StudentFactory(username="zoe", first_name="Zoë", last_name="Åberg"),
        factories.StudentFactory(username="noor", first_name="Noor", last_name="Haddad"),
    ]
    for student in students:
        factories.EnrollmentFactory(classroom=classroom, student=student)

    criterion = factories.CriterionFactory(name="Sourcing")
    level = factories.LevelFactory(criterion=criterion, min_points=3, max_points=5)
    assignment = factories.AssignmentFactory(
        classroom=classroom, title="Duranty against Pravda", due_at=now + timedelta(days=7)
    )
    factories.AssignmentSourceFactory(assignment=assignment, source=trial, order=1)
    factories.AssignmentSourceFactory(assignment=assignment, source=editorial, order=2)
    rating = factories.QuestionFactory(
        assignment=assignment,
        kind=Question.Kind.RATING,
        settings={"enquiry": "the 1936 trial", "min_justification": 20, "labels": list("ABCDE")},
        key={"rating": 2},
        rubric=criterion.rubric,
    )
    factories.QuestionSourceFactory(question=rating, source=trial)
    written = factories.QuestionFactory(assignment=assignment)

    for student in students:
        submission = factories.SubmissionFactory(
            assignment=assignment,
            student=student,
            status=Submission.Status.SUBMITTED,
            submitted_at=now,
            released_at=now,
        )
        factories.AnswerFactory(
            submission=submission,
            question=rating,
            response={"rating": 2, "justification": "Ежов's NKVD wrote the «confessions»."},
            auto_score="4.00",
        )
        answer = factories.AnswerFactory(submission=submission, question=written)
        # Grades are made directly: the grading engineers own a GradeFactory if one is added.
        grade = Grade.objects.create(answer=answer, score="3.50", graded_by=teacher, graded_at=now)
        grade.feedback = "Good use of provenance."
        grade.version += 1
        grade.save()  # a second historical record
        CriterionGrade.objects.create(
            grade=grade,
            criterion=criterion,
            level=level,
            criterion_name=criterion.name,
            level_name=level.name,
            level_descriptor=level.descriptor,
            band_min=level.min_points,
            band_max=level.max_points,
            points="4.00",
        )


@contextmanager
def constraints_checked_now():
    """PostgreSQL cannot TRUNCATE (flush) tables whose deferred foreign-key checks are still
    pending in the test's transaction; outside a test, flush runs in a transaction of its own."""
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    yield
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")


@pytest.fixture
def restored(classroom_year, tmp_path):
    """Back up, empty the database, restore; return the snapshots before and after."""
    before = snapshot()
    backup = tmp_path / "purgeclass.json"
    call_command("dumpdata", *DUMP_OPTIONS, "--indent", "2", "-o", str(backup), verbosity=0)
    with constraints_checked_now():
        call_command("flush", interactive=False, verbosity=0)
    emptied = snapshot()
    call_command("loaddata", str(backup), verbosity=0)
    return before, emptied, snapshot()


def test_representative_data_fills_the_main_models(classroom_year):
    counts = {label: len(rows) for label, rows in snapshot().items()}
    assert [label for label in POPULATED if not counts[label]] == []


def test_flush_empties_the_database_before_the_restore(restored):
    _, emptied, _ = restored
    # A post_migrate handler may legitimately recreate a group such as "Teachers".
    assert [label for label in POPULATED if emptied[label] and label != "auth.Group"] == []


def test_dump_and_load_restores_every_row_of_every_model(restored):
    before, _, after = restored
    assert list(after) == list(before)
    for label in before:
        assert after[label] == before[label], label


def test_restored_database_accepts_new_work(restored):
    # loaddata must move PostgreSQL's id sequences past the restored rows, or these inserts
    # would collide with restored ids.
    question = Question.objects.get(kind=Question.Kind.RATING)
    student = factories.StudentFactory(username="latecomer")
    submission = factories.SubmissionFactory(assignment=question.assignment, student=student)
    factories.AnswerFactory(submission=submission, question=question)
    assert submission.answers.count() == 1
    assert Submission.objects.filter(assignment=question.assignment).count() == 3
