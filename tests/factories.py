"""All factory-boy factories, in one place."""

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone

from exercises.models import (
    Answer,
    Assignment,
    AssignmentSource,
    Classroom,
    Criterion,
    CriterionGrade,
    Enrollment,
    FeaturedAnswer,
    Grade,
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
    password = factory.django.Password(PASSWORD)


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

    class Params:
        # A visual source: a plain grey image, for kinds that mark regions of one.
        visual = factory.Trait(
            image=factory.django.ImageField(width=640, height=400, color="gray"),
            image_kind="cartoon",
            alt_text="A grey rectangle standing in for a cartoon.",
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


class SubmittedSubmissionFactory(SubmissionFactory):
    status = Submission.Status.SUBMITTED
    submitted_at = factory.LazyFunction(timezone.now)


class GradeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Grade

    answer = factory.SubFactory(AnswerFactory)
    score = 3
    graded_at = factory.LazyFunction(timezone.now)
    feedback = "Good use of provenance."


class CriterionGradeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CriterionGrade

    grade = factory.SubFactory(GradeFactory)
    criterion = None
    level = None
    criterion_name = "Sourcing"
    level_name = "Proficient"
    level_descriptor = "Uses provenance to judge reliability."
    band_min = 3
    band_max = 5
    points = 4


class FeaturedAnswerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FeaturedAnswer

    answer = factory.SubFactory(AnswerFactory)
    question = factory.SelfAttribute("answer.question")
    order = 0


class RatingQuestionFactory(QuestionFactory):
    kind = Question.Kind.RATING
    prompt = "How reliable is the source about the trial?"
    settings = factory.LazyFunction(
        lambda: {"enquiry": "The trial of August 1936", "min_justification": 0}
    )
    key = factory.LazyFunction(lambda: {"rating": 2})


class ChoiceQuestionFactory(QuestionFactory):
    kind = Question.Kind.CHOICE
    prompt = "Who was in Moscow during the trial?"
    settings = factory.LazyFunction(
        lambda: {
            "multiple": True,
            "options": [
                {"id": "a", "text": "Duranty"},
                {"id": "b", "text": "Zinoviev"},
                {"id": "c", "text": "Trotsky"},
            ],
        }
    )
    key = factory.LazyFunction(lambda: {"correct": ["a", "b"]})


# The teacher's desk (admin) ------------------------------------------------------------------


class DeskTeacherFactory(TeacherFactory):
    """A staff user whose only permissions are those of the "Teachers" group (a migration
    makes the group)."""

    class Meta:
        skip_postgeneration_save = True

    @factory.post_generation
    def teachers_group(self, create, extracted, **kwargs):
        if create:
            from django.contrib.auth.models import Group

            self.groups.add(Group.objects.get(name="Teachers"))


class SocialAccountFactory(factory.django.DjangoModelFactory):
    """A link between an account and the school's single sign-on provider (django-allauth)."""

    class Meta:
        model = "socialaccount.SocialAccount"

    user = factory.SubFactory(StudentFactory)
    provider = "school"
    uid = factory.Sequence(lambda n: f"subject-{n}")
    extra_data = factory.LazyAttribute(
        lambda link: {
            "userinfo": {"sub": link.uid, "email": f"{link.user.username}@school.example"}
        }
    )


class LtiRegistrationFactory(factory.django.DjangoModelFactory):
    """An LMS registered with purgeclass as an LTI 1.3 platform (django-lti), on addresses
    that are never contacted (tests/lti/platform.py runs a real one where a test needs it)."""

    class Meta:
        model = "lti_tool.LtiRegistration"

    name = "LMS"
    issuer = "https://lms.example"
    client_id = "c"
    auth_url = "https://lms.example/a"
    token_url = "https://lms.example/t"
    keyset_url = "https://lms.example/k"


# The marking workspace -------------------------------------------------------------------------


class CommentBankEntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "exercises.CommentBankEntry"

    owner = factory.SubFactory(TeacherFactory)
    criterion = factory.SubFactory(CriterionFactory)
    level = None
    code = factory.Sequence(lambda n: f"C{n}")
    text = "Provenance not linked to the enquiry."


class AnchoredCommentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "exercises.AnchoredComment"

    answer = factory.SubFactory(AnswerFactory)
    field = "text"
    start = 0
    end = 7
    quote = "Duranty"
    comment = "Who was Duranty writing for?"
