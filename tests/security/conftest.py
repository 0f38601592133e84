"""Two classes side by side, for tests that prove one class's people cannot reach the other's
work: each class has a teacher, an enrolled student, a published assignment with questions,
and the student's submission with an answer and a grade."""

import importlib
from dataclasses import dataclass, field

import pytest
from django.contrib.auth.models import Group, Permission

from exercises.models import Answer, Assignment, Classroom, Enrollment, Question, Submission
from tests import factories

ROLES = ("anonymous", "student", "other_student", "teacher", "other_teacher", "superuser")

DAILY_WORKER = (
    "Every weak, corrupt or ambitious enemy of socialism has been hired to do dirty, evil "
    "work. In the forefront is Fascist agent Trotsky. But the defences are strong.\n\n"
    "The nest of wreckers and spies has been exposed before the world."
)


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # Factories set a password on every user; the real hasher is slow on purpose.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def teachers_group():
    """The "Teachers" group, as migrations 0003, 0004 and 0005 make it.

    A transactional test's flush empties every table, this group too, and only the
    permissions come back (post_migrate): the group is then made again from the
    migration's own list, so that teachers here always have exactly the group's rights.
    """
    migration = importlib.import_module("exercises.migrations.0003_teachers_group")
    imports = importlib.import_module("exercises.migrations.0004_teachers_import_source_packs")
    group, created = Group.objects.get_or_create(name=migration.TEACHERS)
    if created:
        for app_label, models in migration.PERMISSIONS.items():
            for model, actions in models.items():
                group.permissions.add(
                    *Permission.objects.filter(
                        content_type__app_label=app_label,
                        codename__in=[f"{action}_{model}" for action in actions],
                    )
                )
        group.permissions.add(
            *Permission.objects.filter(
                content_type__app_label="sources", codename__in=imports.SOURCE_PERMISSIONS
            )
        )
        workspace = importlib.import_module(
            "exercises.migrations.0010_comment_bank_and_anchored_comments"
        )
        group.permissions.add(
            *Permission.objects.filter(
                content_type__app_label="exercises",
                codename__in=[
                    f"{action}_{model}"
                    for model, actions in workspace.PERMISSIONS.items()
                    for action in actions
                ],
            )
        )
        unlock = importlib.import_module("exercises.migrations.0005_teachers_unlock_logins")
        group.permissions.add(
            *Permission.objects.filter(
                content_type__app_label="exercises", codename=unlock.CODENAME
            )
        )
    return group


def make_teacher(**kwargs):
    """A teacher as the school sets one up: a staff user in the "Teachers" group."""
    teacher = factories.TeacherFactory(**kwargs)
    teacher.groups.add(teachers_group())
    return teacher


@dataclass
class ClassWorld:
    """One class and its work, every object found through its owner's querysets."""

    teacher: object
    student: object
    classroom: object
    assignment: object
    questions: dict = field(default_factory=dict)
    submission: object = None
    answer: object = None
    grade: object = None
    enrollment: object = None
    classmate: object = None  # a second student of the class, who has handed in
    handed_in: object = None
    handed_in_answer: object = None
    rubric: object = None
    criterion: object = None
    bank_comment: object = None  # the teacher's own comment bank entry


def add_question(assignment, kind, sources=(), **kwargs):
    question = factories.QuestionFactory(assignment=assignment, kind=kind, **kwargs)
    for order, source in enumerate(sources):
        factories.QuestionSourceFactory(question=question, source=source, order=order)
    return question


def build_class(name, sources):
    teacher = make_teacher()
    classroom = factories.ClassroomFactory(name=name, teachers=[teacher])
    student = factories.StudentFactory()
    factories.EnrollmentFactory(classroom=classroom, student=student)
    created = factories.AssignmentFactory(
        classroom=classroom, title=f"The trials ({name})", shared_with_colleagues=True
    )
    for order, source in enumerate(sources):
        factories.AssignmentSourceFactory(assignment=created, source=source, order=order)
    add_question(created, Question.Kind.WRITTEN, settings={"length": "extended"})
    add_question(
        created,
        Question.Kind.RATING,
        [sources[1]],
        settings={"enquiry": "The 1936 trial", "min_justification": 0},
        key={"rating": 2},
    )
    add_question(
        created,
        Question.Kind.HIGHLIGHT,
        [sources[0]],
        settings={"instruction": "Mark loaded words."},
    )
    add_question(
        created,
        Question.Kind.MATRIX,
        sources,
        settings={"claim": "The confessions were genuine."},
        key={"verdicts": {str(s.pk): "challenges" for s in sources}},
    )
    rubric = factories.RubricFactory(name=f"Usefulness ({name})", owner=teacher)
    level = factories.LevelFactory(criterion=factories.CriterionFactory(rubric=rubric))
    created.questions.filter(kind=Question.Kind.WRITTEN).update(rubric=rubric)
    made = factories.SubmissionFactory(assignment=created, student=student)
    written = created.questions.get(kind=Question.Kind.WRITTEN)
    made_answer = factories.AnswerFactory(
        submission=made, question=written, response={"text": "Duranty was there."}
    )
    factories.GradeFactory(answer=made_answer, feedback="Use the provenance.")
    classmate = factories.StudentFactory()
    factories.EnrollmentFactory(classroom=classroom, student=classmate)
    handed = factories.SubmittedSubmissionFactory(assignment=created, student=classmate)
    factories.AnswerFactory(
        submission=handed,
        question=written,
        response={"text": "Vyshinsky led the trial."},
        auto_score=2,  # fully marked, so "Release grades" has work it may release
    )

    # The objects as their owners reach them: never by id alone.
    assignment = Assignment.objects.for_student(student).get()
    assert Assignment.objects.for_teacher(teacher).get() == assignment
    submission = Submission.objects.visible_to(student).get(assignment=assignment)
    assert submission in Submission.objects.visible_to(teacher)
    answer = Answer.objects.filter(submission__in=Submission.objects.visible_to(student)).get()
    handed_in = Submission.objects.visible_to(teacher).get(student=classmate)
    return ClassWorld(
        teacher=teacher,
        student=student,
        classroom=teacher.classes_taught.get(),
        assignment=assignment,
        questions={q.kind: q for q in assignment.questions.all()},
        submission=submission,
        answer=answer,
        grade=answer.grade,
        enrollment=Enrollment.objects.filter(
            classroom__in=Classroom.objects.taught_by(teacher)
        ).get(student=student),
        rubric=assignment.questions.get(kind=Question.Kind.WRITTEN).rubric,
        criterion=level.criterion,
        bank_comment=factories.CommentBankEntryFactory(owner=teacher, criterion=level.criterion),
        classmate=classmate,
        handed_in=handed_in,
        handed_in_answer=handed_in.answers.get(),
    )


@dataclass
class World:
    """The class under test (`mine`), a second class (`theirs`) and a superuser."""

    mine: ClassWorld
    theirs: ClassWorld
    superuser: object
    unit: object
    sources: list

    def user(self, role):
        return {
            "anonymous": None,
            "student": self.mine.student,
            "other_student": self.theirs.student,
            "teacher": self.mine.teacher,
            "other_teacher": self.theirs.teacher,
            "superuser": self.superuser,
        }[role]


def build_world():
    unit = factories.UnitFactory(title="The Great Purge", slug="great-purge")
    sources = [
        factories.SourceFactory(unit=unit, number=n, text=DAILY_WORKER if n == 1 else f"Text {n}.")
        for n in (1, 2, 3)
    ]
    return World(
        mine=build_class("9A", sources),
        theirs=build_class("9B", sources),
        superuser=factories.UserFactory(is_staff=True, is_superuser=True),
        unit=unit,
        sources=sources,
    )


@pytest.fixture
def world(db):
    return build_world()
