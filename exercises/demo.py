"""Demo content: accounts, a class, and the Duranty vs. Trotsky assignment.

Everything is looked up by a natural key before it is created, so loading twice is harmless;
an assignment that already exists is left as the teacher may have edited it.
"""

import random
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from sources.models import Source, Unit

from .demo_rubrics import rubrics_by_key
from .exam_templates import template_named
from .kinds import KINDS
from .kinds.shared.demo import EXAM_PRACTICE
from .models import Assignment, AssignmentSource, Classroom, Enrollment, Question, QuestionSource
from .services import answering
from .services.exam_templates import add_question_from_template, suggested_time

TEACHERS_GROUP = "Teachers"  # made, with its permissions, by migration 0003
DEMO_PASSWORD = "purge-demo-1936"
HANDED_IN_JOIN_CODE = "PURGE37Y"
DEMO_JOIN_CODE = "PURGE36X"
UNIT_SLUG = "great-purge"
ASSIGNMENT_TITLE = "The Moscow trials: Duranty vs. Trotsky"
DUE_IN = timedelta(days=14)


def _user(username, first, last, *, is_staff=False, is_superuser=False):
    User = get_user_model()
    user, created = User.objects.get_or_create(
        username=username,
        defaults={
            "first_name": first,
            "last_name": last,
            "is_staff": is_staff,
            "is_superuser": is_superuser,
        },
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    return user


@transaction.atomic
def load():
    """Create the demo accounts, class and assignment; return [(role, username, password)]."""
    _user("admin", "Ada", "Admin", is_staff=True, is_superuser=True)
    teacher = _user("teacher", "Tamsin", "Teacher", is_staff=True)
    students = [
        _user("student1", "Sam", "Student"),
        _user("student2", "Zoë", "Åberg"),
        _user("student3", "Noor", "Haddad"),
    ]
    classroom, _ = Classroom.objects.get_or_create(
        join_code=DEMO_JOIN_CODE, defaults={"name": "Year 12 History (demo)"}
    )
    classroom.teachers.add(teacher)
    teacher.groups.add(Group.objects.get(name=TEACHERS_GROUP))
    rubrics = rubrics_by_key()
    for student in students[:2]:  # student3 is left to join with the code
        Enrollment.objects.get_or_create(classroom=classroom, student=student)
    unit = Unit.objects.filter(slug=UNIT_SLUG).first()
    if unit is not None:
        load_assignment(classroom, unit, rubrics=rubrics)
        practice = load_assignment(classroom, unit, rubrics=rubrics, title=EXAM_PRACTICE)
        if practice is not None:
            load_exam_paper(practice, teacher)
        # A second class that has already handed the assignment in, so that a teacher
        # trying the app finds work to grade and class analytics to discuss.
        handed_in, _ = Classroom.objects.get_or_create(
            join_code=HANDED_IN_JOIN_CODE, defaults={"name": "Year 13 History (demo, handed in)"}
        )
        handed_in.teachers.add(teacher)
        for title in (ASSIGNMENT_TITLE, EXAM_PRACTICE):
            made = load_assignment(handed_in, unit, rubrics=rubrics, title=title)
            if made is not None and title == EXAM_PRACTICE:
                load_exam_paper(made, teacher)  # exam-style work to mark, IB set and all
            load_class_work(Assignment.objects.get(classroom=handed_in, title=title))
    return [
        ("admin", "admin", DEMO_PASSWORD),
        ("teacher", "teacher", DEMO_PASSWORD),
        ("student", "student1", DEMO_PASSWORD),
        ("student", "student2", DEMO_PASSWORD),
        ("student", "student3", DEMO_PASSWORD),
    ]


# The assignment ---------------------------------------------------------------------------

INSTRUCTIONS = """\
In August 1936 Zinoviev, Kamenev and fourteen other old Bolsheviks stood trial in Moscow. \
All of them confessed to plotting with the exiled Trotsky to kill Stalin, and all were shot. \
Observers abroad could not agree whether the confessions were true.

Each question names the sources to read. For every source ask who made it, when, where \
they were, and why; and always ask: reliable as evidence of what?"""

# Source numbers in the Great Purge pack, in reading order.
READING_ORDER = [10, 8, 4, 5, 6, 7, 9, 2, 15]

# The second demo assignment: exam practice on the same trial, with the kinds that sort,
# order and weigh sources, and a historian's interpretation (16) to agree or disagree with.
EXAM_PRACTICE_INSTRUCTIONS = """\
Exam practice on the trial of August 1936. Put the sources in order, sort them by what they \
suggest about the confessions, then weigh a historian's interpretation against them.

Interpretation 16 is a historian's account written with hindsight, not a source from the \
time: ask what it is based on, as you would of any source."""

ASSIGNMENTS = {
    ASSIGNMENT_TITLE: (INSTRUCTIONS, READING_ORDER),
    EXAM_PRACTICE: (EXAM_PRACTICE_INSTRUCTIONS, [4, 5, 6, 7, 8, 9, 16]),
}


def load_assignment(classroom, unit, *, now=None, rubrics=None, title=ASSIGNMENT_TITLE):
    """The demo assignment called `title` for the class, created once; None if it already
    exists.

    Each kind gives its questions (`demo_questions`, in the registry's order; each names its
    assignment, "" for the first) and says which of `rubrics` (demo_rubrics.rubrics_by_key)
    marks them.
    """
    rubrics = rubrics or {}
    if Assignment.objects.filter(classroom=classroom, title=title).exists():
        return None
    instructions, reading_order = ASSIGNMENTS[title]
    wanted = "" if title == ASSIGNMENT_TITLE else title
    now = now or timezone.now()
    sources = {source.number: source for source in Source.objects.filter(unit=unit)}
    missing = sorted(set(reading_order) - set(sources))
    if missing:
        raise ValueError(f"The unit {unit.slug!r} has no source numbered {missing}.")
    assignment = Assignment.objects.create(
        classroom=classroom,
        title=title,
        instructions=instructions,
        opens_at=now,
        due_at=now + DUE_IN,
        status=Assignment.Status.PUBLISHED,
    )
    AssignmentSource.objects.bulk_create(
        AssignmentSource(assignment=assignment, source=sources[number], order=order)
        for order, number in enumerate(reading_order)
    )
    questions = [
        (kind, demo_question)
        for kind in KINDS.values()
        for demo_question in kind.demo_questions
        if demo_question.assignment == wanted
    ]
    for order, (kind, demo_question) in enumerate(questions, start=1):
        question_sources = [sources[number] for number in demo_question.source_numbers]
        settings = kind.clean_settings(demo_question.settings)
        key = kind.demo_key(demo_question.key, sources, question_sources)
        key = kind.clean_key(key, settings, question_sources) if key else {}
        question = Question.objects.create(
            assignment=assignment,
            order=order,
            kind=kind.name,
            prompt=demo_question.prompt,
            points=demo_question.points,
            settings=settings,
            key=key,
            model_answer=demo_question.model_answer,
            skill=demo_question.skill,
            rubric=rubrics.get(kind.demo_rubric),
        )
        QuestionSource.objects.bulk_create(
            QuestionSource(question=question, source=source, order=position)
            for position, source in enumerate(question_sources)
        )
    return assignment


# An IB-style Paper 1 set from the exam-board templates (exercises/exam_templates), on the
# sources of the exam practice: (template, source numbers, the stem with its [brackets]
# filled in, settings, model answer): Q1(a), Q2, Q3 and Q4, each worth its template's marks.
# Q1(b), the message of a visual source, is left out: the pack has no image.
IB_PAPER_1 = [
    (
        "ib-paper1-q1a",
        [6],
        "According to Source 6, why did the New Republic accept the confessions made at the "
        "trial of August 1936?",
        {},
        "Foreign correspondents at the trial said the sixteen defendants' stories, covering "
        "nearly five years, corroborated each other too well not to be substantially true; "
        "the defendants showed no sign of having been coached or of confessions memorised in "
        "advance; and none of being under duress. It dismisses the idea that they confessed "
        "to save friends or family held as hostages as a laboured hypothesis.",
    ),
    (
        "ib-paper1-q2",
        [7],
        "With reference to its origin, purpose and content, analyse the value and "
        "limitations of Source 7 for an historian studying how the trial of August 1936 was "
        "received in Britain.",
        {"enquiry": "how the trial of August 1936 was received in Britain"},
        "Origin: the New Statesman, a British weekly, on 5th September 1936, days after the "
        "trial. Purpose: to question the confessions in public and ask for an explanation. "
        "Value: it shows that part of British opinion doubted the confessions at the time, "
        "and it names the puzzle (why confess, why 'cringe and crawl'). Limitation: as it "
        "says itself, it had no independent witnesses, so it can only ask questions; and it "
        "still thinks a plot 'very likely', so it is not evidence that the trial was a "
        "frame-up.",
    ),
    (
        "ib-paper1-q3",
        [5, 7],
        "Compare and contrast what Sources 5 and 7 reveal about the trial of August 1936.",
        {},
        "Both take the charges seriously: the Observer (5) calls the government's case "
        "genuine, and the New Statesman (7) thinks there was very likely a plot. They "
        "differ on the confessions: the Observer thinks it futile to believe the trial was "
        "staged, while the New Statesman finds the defendants' confessions a mystery and, "
        "without independent witnesses, sees no way of knowing.",
    ),
    (
        "ib-paper1-q4",
        [4, 5, 6, 7],
        "Using the sources and your own knowledge, evaluate the view that the confessions "
        "made at the trial of August 1936 were true.",
        {},
        "For the view: Zinoviev (4) calls himself 'fully and utterly guilty'; the Observer "
        "(5) thinks it futile to believe the trial was staged; the New Republic (6) reports "
        "that correspondents present found the sixteen defendants' stories corroborated "
        "each other and saw no sign of coaching or duress. Against it: a confession cannot "
        "prove itself, and the journalists saw only what the court showed. The New "
        "Statesman (7), though it thinks a plot 'very likely', finds the confessions a "
        "mystery (why confess, why 'cringe and crawl') and notes there were no independent "
        "witnesses. Own knowledge from the narrative weighs against the view: in 1931 "
        "Rubin, by his sister's account, confessed to what 'had never existed' after "
        "prisoners were shot in front of him; from September 1936, under Yezhov, the NKVD "
        "broke prisoners by interrogation over days and nights and by threats to arrest "
        "and execute their families, close to the hostage hypothesis the New Republic "
        "called 'laboured' (evidence of the methods, from just after this trial, not of "
        "these defendants' treatment); and at the 20th Party Congress in 1956 Khrushchev "
        "said Stalin's repression had violated 'all norms of revolutionary legality'. A "
        "strong answer concludes that the sources show the confessions convinced many "
        "observers in 1936, not that they were true.",
    ),
]


# What the handed-in class wrote for the IB set, by template: a strong answer, a middling one
# and a weak one, each in its kind's response shape, in the class's own words from the pack.
IB_PAPER_1_ANSWERS = {
    "ib-paper1-q1a": [
        {
            "text": "Because the foreign correspondents at the trial said the sixteen "
            "defendants' stories corroborated each other too well not to be true, the "
            "defendants did not look coached or as if they had memorised their "
            "confessions, and there was no sign they were under duress."
        },
        {
            "text": "Because the stories of the defendants matched each other, and Duranty "
            "said the confessions were true."
        },
        {"text": "Because they confessed, so they must have been guilty."},
    ],
    "ib-paper1-q2": [
        {
            "origin": "The New Statesman, a British political magazine, on 5th September "
            "1936, just after the trial and the executions.",
            "purpose": "To tell its readers that the confessions could not be explained and "
            "to ask for an explanation ('We would be glad to hear the explanation').",
            "value": "It shows that not all British opinion accepted the trial: unlike the "
            "Observer it doubted the confessions at the time, and it asks why guilty men "
            "would 'cringe and crawl'.",
            "limitation": "It admits there were no independent witnesses, so it can only ask "
            "questions; it still thinks a plot 'very likely'; and it is one magazine, so it "
            "cannot show how most people in Britain saw the trial.",
        },
        {
            "origin": "The New Statesman, 1936.",
            "purpose": "To comment on the trial.",
            "value": "It is from the time of the trial so it shows what people thought.",
            "limitation": "It says there were no independent witnesses, so it does not know "
            "what happened.",
        },
        {
            "origin": "A newspaper.",
            "purpose": "To inform.",
            "value": "It is a primary source.",
            "limitation": "It is biased.",
        },
    ],
    "ib-paper1-q3": [
        {
            "text": "Both sources accept that the charges could be real: the Observer calls "
            "the government's case 'genuine' and the New Statesman says 'very likely there "
            "was a plot'. But they differ on the confessions. The Observer says it is "
            "'futile' to think the trial was staged, while the New Statesman calls the "
            "confessions a 'mystery' and says that without independent witnesses 'there is "
            "no way of knowing'. So the Observer is certain where the New Statesman is only "
            "puzzled."
        },
        {
            "text": "Source 5 says the trial was not staged and the case was genuine. Source "
            "7 says there was very likely a plot but asks why they confessed. They both "
            "think there might have been a plot."
        },
        {
            "text": "Source 5 is from the Observer and Source 7 is from the New Statesman. "
            "Source 7 is longer and asks lots of questions."
        },
    ],
    "ib-paper1-q4": [
        {
            "text": "Sources 4, 5 and 6 seem to support the view. Zinoviev says he is "
            "'fully and utterly guilty', and the New Republic says the correspondents at "
            "the trial found the sixteen stories agreed and saw no sign of duress. But the "
            "confession is exactly what we are testing, and the journalists could only see "
            "what happened in court. The New Statesman (7) asks why guilty men would "
            "'cringe and crawl' and says there were no independent witnesses. From my own "
            "knowledge, the secret police had got false confessions before: in 1931 Rubin, "
            "his sister said, confessed to a plot that had 'never existed' after prisoners "
            "were shot in front of him. After Yezhov took over the NKVD in September 1936, "
            "prisoners were interrogated for days and nights and threatened with the arrest "
            "and execution of their families, which is close to the hostage idea the New "
            "Republic rejected. In 1956 Khrushchev told the party congress that Stalin's "
            "repression violated 'all norms of revolutionary legality'. So the sources show "
            "that many people believed the confessions in 1936, not that they were true."
        },
        {
            "text": "Source 4 is Zinoviev confessing so it supports the view, and Sources 5 "
            "and 6 also say the trial was genuine. Source 7 disagrees because it says there "
            "is no way of knowing. Overall most of the sources support the view that the "
            "confessions were true, although Stalin was a dictator and the NKVD used "
            "torture."
        },
        {
            "text": "The confessions were not true because Stalin made them confess. Source "
            "4 says Zinoviev is guilty. Source 5 says the trial was not staged. Source 6 "
            "says the stories matched. Source 7 says there was a plot."
        },
    ],
}


def paper_answers(question):
    """The handed-in class's answers to one of the IB set's questions (told by the stem its
    prompt starts with), or () for any other question."""
    for slug, _, stem, _, _ in IB_PAPER_1:
        if question.prompt.startswith(stem):
            return IB_PAPER_1_ANSWERS[slug]
    return ()


def load_exam_paper(assignment, teacher):
    """The IB-style Paper 1 questions, last in `assignment`, each made from its exam
    template (with its own rubric, owned by `teacher`) and filled in for the pack."""
    sources = {s.number: s for s in Source.objects.filter(unit=assignment_unit(assignment))}
    for slug, numbers, stem, settings, model_answer in IB_PAPER_1:
        template = template_named(slug)
        question = add_question_from_template(assignment, template, teacher)
        question.prompt = f"{stem} ({template.marks} marks)\n\n{suggested_time(template)}"
        question.settings = question.rules.clean_settings({**question.settings, **settings})
        question.model_answer = model_answer
        question.save(update_fields=["prompt", "settings", "model_answer"])
        QuestionSource.objects.bulk_create(
            QuestionSource(question=question, source=sources[number], order=position)
            for position, number in enumerate(numbers)
        )


def assignment_unit(assignment):
    return assignment.assignment_sources.select_related("source__unit").first().source.unit


# A class's handed-in work ---------------------------------------------------------------

PUPILS = [
    ("Amira", "Benali"),
    ("Bartek", "Nowak"),
    ("Chloé", "Dubois"),
    ("Dmitri", "Volkov"),
    ("Efua", "Mensah"),
    ("Finn", "O'Brien"),
    ("Grace", "Okafor"),
    ("Hiro", "Tanaka"),
    ("Inès", "Martín"),
    ("Jonas", "Lindqvist"),
    ("Kezia", "Adeyemi"),
    ("Luca", "Romano"),
]


def load_class_work(assignment):
    """Twelve pupils' handed-in answers to a demo assignment, the same on every load: some
    strong, some weak, for the teacher to mark.

    Most trust Duranty more than Trotsky, as classes often do: that split is what the
    follow-up discussion is for. Pupils who already have a submission are left alone.
    """
    rng = random.Random(1936)
    questions = list(
        assignment.questions.prefetch_related("question_sources__source").order_by("order")
    )
    pupils = []
    for number, (first, last) in enumerate(PUPILS, start=1):
        pupil = _user(f"pupil{number:02d}", first, last)
        Enrollment.objects.get_or_create(classroom=assignment.classroom, student=pupil)
        pupils.append(pupil)
    for pupil in pupils:
        if assignment.submissions.filter(student=pupil).exists():
            continue
        submission, _ = answering.open_submission(assignment, pupil)
        for question in questions:
            sources = [qs.source for qs in question.question_sources.all()]
            # The IB set's answers are the demo's own (its questions are the exam
            # templates'); every other question's come from its kind.
            written = paper_answers(question)
            if written:
                data = rng.choice(written)
            else:
                data = question.rules.demo_response(rng, question, sources)
            response = question.clean_response(data, sources)
            answering.save_answer(submission, question, response, 0)
        answering.submit(submission)
