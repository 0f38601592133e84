"""All factory-boy factories, in one place."""

import factory
from django.contrib.auth import get_user_model

from exercises.models import (
    Answer,
    Assignment,
    AssignmentSource,
    Classroom,
    Criterion,
    Enrollment,
    Level,
    Question,
    QuestionSource,
    Rubric,
    Submission,
)
from sources.models import Author, Source, Unit

PASSWORD = "correct-horse-battery"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)


class StudentFactory(UserFactory):
    username = factory.Sequence(lambda n: f"student{n}")


class TeacherFactory(UserFactory):
    username = factory.Sequence(lambda n: f"teacher{n}")
    is_staff = True


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit

    title = factory.Sequence(lambda n: f"Unit {n}")
    slug = factory.Sequence(lambda n: f"unit-{n}")
    narrative = "On 23rd December 1930 a story began.\n\nIt went on."


class AuthorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Author

    name = factory.Sequence(lambda n: f"Author {n}")
    description = "A writer of the 1930s."


class SourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Source

    unit = factory.SubFactory(UnitFactory)
    number = factory.Sequence(lambda n: n + 1)
    author = factory.SubFactory(AuthorFactory)
    title = factory.Sequence(lambda n: f"Work {n}")
    year = 1936
    month = 8
    day = 23
    date_printed = "23rd August, 1936"
    header = factory.LazyAttribute(lambda o: f"{o.author.name}, {o.title} ({o.date_printed})")
    text = (
        "The nest of wreckers and spies has been exposed.\n\n"
        "Every weak, corrupt or ambitious enemy of socialism has been hired."
    )


class ClassroomFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Classroom
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Class {n}")

    @factory.post_generation
    def teachers(self, create, extracted, **kwargs):
        if not create:
            return
        for teacher in extracted if extracted is not None else [TeacherFactory()]:
            self.teachers.add(teacher)


class EnrollmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enrollment

    classroom = factory.SubFactory(ClassroomFactory)
    student = factory.SubFactory(StudentFactory)


class AssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Assignment

    classroom = factory.SubFactory(ClassroomFactory)
    title = factory.Sequence(lambda n: f"Assignment {n}")
    instructions = "Read the sources, then answer."
    status = Assignment.Status.PUBLISHED


class AssignmentSourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AssignmentSource

    assignment = factory.SubFactory(AssignmentFactory)
    source = factory.SubFactory(SourceFactory)
    order = factory.Sequence(lambda n: n)


class QuestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Question

    assignment = factory.SubFactory(AssignmentFactory)
    order = factory.Sequence(lambda n: n)
    kind = Question.Kind.WRITTEN
    prompt = "How useful is this source to a historian of the 1936 trial?"
    points = 5
    settings = factory.LazyFunction(lambda: {"length": "extended", "min_length": 0})
    model_answer = "MODEL ANSWER: useful for how the trial was reported, not for guilt."


class QuestionSourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = QuestionSource

    question = factory.SubFactory(QuestionFactory)
    source = factory.SubFactory(SourceFactory)
    order = factory.Sequence(lambda n: n)


class SubmissionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Submission

    assignment = factory.SubFactory(AssignmentFactory)
    student = factory.SubFactory(StudentFactory)


class AnswerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Answer

    submission = factory.SubFactory(SubmissionFactory)
    question = factory.SubFactory(
        QuestionFactory, assignment=factory.SelfAttribute("..submission.assignment")
    )
    response = factory.LazyFunction(lambda: {"text": "Duranty was in the courtroom."})
    revision = 1


class RubricFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Rubric

    name = factory.Sequence(lambda n: f"Rubric {n}")


class CriterionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Criterion

    rubric = factory.SubFactory(RubricFactory)
    name = "Sourcing"


class LevelFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Level

    criterion = factory.SubFactory(CriterionFactory)
    name = "Proficient"
    descriptor = "Uses provenance to judge reliability."
    min_points = 3
    max_points = 5


# The teacher's desk (admin) ------------------------------------------------------------------


class DeskTeacherFactory(TeacherFactory):
    """A staff user whose only permissions are those of the "Teachers" group."""

    @factory.post_generation
    def teachers_group(self, create, extracted, **kwargs):
        if create:
            from django.contrib.auth.models import Group

            self.groups.add(Group.objects.get(name="Teachers"))


class GradeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "exercises.Grade"

    answer = factory.SubFactory(AnswerFactory)
    score = 3
    feedback = "Good use of provenance."
    version = 1


class CriterionGradeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "exercises.CriterionGrade"

    grade = factory.SubFactory(GradeFactory)
    criterion = factory.SubFactory(CriterionFactory)
    level = factory.SubFactory(LevelFactory, criterion=factory.SelfAttribute("..criterion"))
    criterion_name = factory.SelfAttribute("criterion.name")
    level_name = factory.SelfAttribute("level.name")
    level_descriptor = factory.SelfAttribute("level.descriptor")
    band_min = factory.SelfAttribute("level.min_points")
    band_max = factory.SelfAttribute("level.max_points")
    points = factory.SelfAttribute("level.max_points")
