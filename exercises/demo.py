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

from .demo_rubrics import load_rubrics
from .models import (
    Assignment,
    AssignmentSource,
    Classroom,
    Enrollment,
    Question,
    QuestionSource,
    Skill,
)
from .services import answering

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
    historical_thinking, opvl = load_rubrics()
    for student in students[:2]:  # student3 is left to join with the code
        Enrollment.objects.get_or_create(classroom=classroom, student=student)
    unit = Unit.objects.filter(slug=UNIT_SLUG).first()
    if unit is not None:
        rubrics = {Question.Kind.OPVL: opvl, Question.Kind.WRITTEN: historical_thinking}
        load_assignment(classroom, unit, rubrics=rubrics)
        # A second class that has already handed the assignment in, so that a teacher
        # trying the app finds work to grade and class analytics to discuss.
        handed_in, _ = Classroom.objects.get_or_create(
            join_code=HANDED_IN_JOIN_CODE, defaults={"name": "Year 13 History (demo, handed in)"}
        )
        handed_in.teachers.add(teacher)
        load_assignment(handed_in, unit, rubrics=rubrics)
        load_class_work(Assignment.objects.get(classroom=handed_in, title=ASSIGNMENT_TITLE))
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

TRIAL_ENQUIRY = "The Moscow trial of August 1936: were the defendants' confessions true?"

# Source numbers in the Great Purge pack, in reading order.
READING_ORDER = [10, 8, 4, 5, 6, 7, 9, 2, 15]

LOADED_LANGUAGE = [
    "weak, corrupt or ambitious enemy of socialism",
    "dirty, evil work",
    "Fascist agent Trotsky",
    "nest of wreckers and spies",
    "unspeakable crimes",
]


# The skill each of the demo's questions shows (one question per kind; the OPVL and written
# questions show theirs through their rubrics' criteria). Who could see the trial is
# sourcing; a source's weight against the others is corroboration; loaded words, close reading.
DEMO_SKILLS = {
    Question.Kind.RATING: Skill.SOURCING,
    Question.Kind.COMPARISON: Skill.CORROBORATION,
    Question.Kind.HIGHLIGHT: Skill.CLOSE_READING,
    Question.Kind.MATRIX: Skill.CORROBORATION,
    Question.Kind.CHOICE: Skill.SOURCING,
}


def _questions():
    """(kind, sources, points, prompt, settings, key, model answer) for each question."""
    return [
        (
            Question.Kind.RATING,
            [10],
            4,
            "How reliable is Source 10 as evidence about the trial of August 1936? "
            "Choose a rating, then justify it from who wrote the source, when, and why.",
            {"enquiry": TRIAL_ENQUIRY, "min_justification": 120},
            {"rating": 2},
            "Of little reliability (2). Duranty wrote this in 1935, before the trial took "
            "place, so it cannot tell us what happened in court. What it does show is how the "
            "New York Times' man in Moscow already told the story of the opposition: "
            "Trotsky, Zinoviev and Kamenev as schemers who broke Soviet law and 'played into "
            "Stalin's hand'. A correspondent who needed the regime's goodwill to keep working "
            "in Moscow, and who later wrote that the confessions were true, is a useful "
            "witness to Western attitudes but a weak one on the defendants' guilt. A strong "
            "answer separates these two uses of the source.",
        ),
        (
            Question.Kind.RATING,
            [8],
            4,
            "How reliable is Source 8 as evidence about whether the accused in the Moscow "
            "trials were guilty? Choose a rating, then justify it.",
            {"enquiry": TRIAL_ENQUIRY, "min_justification": 120},
            {"rating": 3},
            "Partly reliable (3). Trotsky was the chief accused, tried in his absence, so he "
            "had every reason to call the trials a lie, and he wrote from exile without "
            "access to the evidence. But his argument rests on facts that were not in dispute: "
            "the defendants' long records as revolutionaries and the unlikeliness of all of "
            "them turning fascist at once. Other sources that did not depend on him (Orlov, "
            "an NKVD officer, and Khrushchev in 1956) later said the cases were invented. "
            "Good answers weigh his motive against what can be checked.",
        ),
        (
            Question.Kind.COMPARISON,
            [10, 8],
            6,
            "Which source is more reliable as evidence about the trial of August 1936: "
            "Duranty (Source 10) or Trotsky (Source 8)? Explain your choice, comparing who "
            "wrote each source, when, and for what purpose.",
            {"enquiry": TRIAL_ENQUIRY, "min_justification": 200},
            "8",  # replaced by the source's id below
            "Either choice can score well if it is argued from provenance. Source 8 is the "
            "better evidence on the trial itself: it was written after the trials, about "
            "them, by someone who knew the accused; its bias is open and can be allowed for. "
            "Source 10 was written in 1935 and says nothing about the trial; it shows the "
            "outlook that made Duranty accept the confessions. The weakest answers call one "
            "source 'biased' and stop there.",
        ),
        (
            Question.Kind.OPVL,
            [2],
            8,
            "Analyse Source 2 (Alexander Orlov) using origin, purpose, value and limitation.",
            {"enquiry": "Why was Kirov murdered, and why were the old Bolsheviks put on trial?"},
            {},
            "Origin: Alexander Orlov, an officer of the NKVD (Stalin's secret police) who fled "
            "to the United States in 1938 and wrote about the purges from there. Purpose: to "
            "reveal to a Western public how the trials were prepared, and perhaps to make "
            "himself valuable, and safe, in his new country. Value: an insider who worked in "
            "the organisation that ran the investigations; his claim that Stalin planned "
            "Kirov's murder to destroy Lenin's old comrades explains why the 1936 defendants "
            "were accused of it. Limitation: he gives no evidence here, he wrote after "
            "defecting and had reasons to blacken Stalin, and he does not say how he knew "
            "Stalin's mind; historians still disagree about Stalin's part in the murder.",
        ),
        (
            Question.Kind.HIGHLIGHT,
            [15],
            5,
            "Source 15 comes from the Daily Worker, the British Communist Party's newspaper. "
            "Mark the words and phrases chosen to make readers hate or fear the accused, rather "
            "than to inform them.",
            {"instruction": "Mark each loaded word or phrase separately."},
            None,  # found in the source's text below
            "Loaded language: 'weak, corrupt or ambitious enemy of socialism', 'dirty, evil "
            "work', 'Fascist agent Trotsky', 'nest of wreckers and spies' and 'unspeakable "
            "crimes'. None of them is evidence; they tell the reader what to feel. Note what "
            "is missing: no defendant is named and no crime is described.",
        ),
        (
            Question.Kind.MATRIX,
            [4, 5, 6, 7, 8, 9],
            6,
            "For each source, decide whether it supports or challenges the claim below, or "
            "says nothing about it.",
            {"claim": "The defendants' confessions in the August 1936 trial were genuine."},
            {
                "verdicts": {
                    4: "supports",
                    5: "supports",
                    6: "supports",
                    7: "challenges",
                    8: "challenges",
                    9: "challenges",
                }
            },
            "Supports: Zinoviev's own confession (4), the Observer (5) and the New Republic "
            "(6). Challenges: the New Statesman (7), which does not deny the plot but asks why "
            "guilty men would 'cringe and crawl', and so doubts the confessions; Trotsky (8) and "
            "Shachtman (9), who call the trial a frame-up. Source 7 is the hardest call: "
            "doubting a confession is not proving it false.",
        ),
        (
            Question.Kind.CHOICE,
            [],
            5,
            "Which of these writers were in Moscow during the trial of August 1936? "
            "Choose all that apply.",
            {
                "multiple": True,
                "options": [
                    {"id": "duranty", "text": "Walter Duranty, New York Times correspondent"},
                    {"id": "zinoviev", "text": "Gregory Zinoviev"},
                    {"id": "trotsky", "text": "Leon Trotsky"},
                    {"id": "shachtman", "text": "Max Shachtman"},
                    {"id": "statesman", "text": "The writer of the New Statesman's comment"},
                ],
            },
            {"correct": ["duranty", "zinoviev"]},
            "Duranty watched the trial as the New York Times' Moscow correspondent, and "
            "Zinoviev was in the dock. Trotsky was in exile abroad and was tried in his "
            "absence; Shachtman was an American Trotskyist writing in the United States; the "
            "New Statesman wrote from London and complained that there were no independent "
            "witnesses. Being present is not the same as being reliable: compare Duranty with "
            "the New Statesman.",
        ),
        (
            Question.Kind.WRITTEN,
            [5, 6, 7],
            8,  # the historical-thinking rubric's total
            "'Journalists who watched the trial were in the best position to judge whether "
            "the confessions were true.' How far do Sources 5, 6 and 7 support this view? "
            "Use what you know about the trials, and about who the writers were.",
            {"length": "extended", "min_length": 400},
            {},
            "A strong answer notices that the Observer and the New Republic relied on "
            "correspondents in the courtroom who found the stories consistent and saw no sign "
            "of coaching, while the New Statesman, further away, asked the better question: "
            "why would guilty men confess and beg for death? Being present gave access to "
            "what the court showed, not to the interrogations behind it (threats to families, "
            "sleeplessness, as the narrative describes). So presence helped the journalists "
            "report the trial but not judge it; later evidence (Khrushchev, 1956) sided with "
            "the doubters.",
        ),
    ]


def load_assignment(classroom, unit, *, now=None, rubrics=None):
    """The demo assignment for the class, created once; None if it already exists.

    `rubrics` maps a question kind to the rubric its questions are marked with.
    """
    rubrics = rubrics or {}
    if Assignment.objects.filter(classroom=classroom, title=ASSIGNMENT_TITLE).exists():
        return None
    now = now or timezone.now()
    sources = {source.number: source for source in Source.objects.filter(unit=unit)}
    missing = sorted(set(READING_ORDER) - set(sources))
    if missing:
        raise ValueError(f"The unit {unit.slug!r} has no source numbered {missing}.")
    assignment = Assignment.objects.create(
        classroom=classroom,
        title=ASSIGNMENT_TITLE,
        instructions=INSTRUCTIONS,
        opens_at=now,
        due_at=now + DUE_IN,
        status=Assignment.Status.PUBLISHED,
    )
    AssignmentSource.objects.bulk_create(
        AssignmentSource(assignment=assignment, source=sources[number], order=order)
        for order, number in enumerate(READING_ORDER)
    )
    for order, (kind, numbers, points, prompt, settings, key, model) in enumerate(
        _questions(), start=1
    ):
        question_sources = [sources[number] for number in numbers]
        rules = Question(kind=kind).rules
        settings = rules.clean_settings(settings)
        if kind == Question.Kind.HIGHLIGHT:
            key = {"ranges": _find(question_sources[0], LOADED_LANGUAGE)}
        elif kind == Question.Kind.COMPARISON:
            key = {"choice": str(sources[int(key)].pk)}
        elif kind == Question.Kind.MATRIX:
            key = {"verdicts": {str(sources[n].pk): v for n, v in key["verdicts"].items()}}
        key = rules.clean_key(key, settings, question_sources) if key else {}
        question = Question.objects.create(
            assignment=assignment,
            order=order,
            kind=kind,
            prompt=prompt,
            points=points,
            settings=settings,
            key=key,
            model_answer=model,
            rubric=rubrics.get(kind),
            skill=DEMO_SKILLS.get(kind, ""),
        )
        QuestionSource.objects.bulk_create(
            QuestionSource(question=question, source=source, order=position)
            for position, source in enumerate(question_sources)
        )
    return assignment


def _find(source, quotes):
    ranges = []
    for quote in quotes:
        start = source.text.find(quote)
        if start == -1:
            raise ValueError(f"Source {source.number} does not contain {quote!r}.")
        ranges.append({"start": start, "end": start + len(quote)})
    return ranges


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
JUSTIFICATIONS = {
    10: [
        "Duranty was in Moscow and saw the trial himself, so he is a good witness.",
        "He was the New York Times correspondent and won a Pulitzer Prize, so he is reliable.",
        "Duranty wrote in 1935, before the trial, and needed the regime's goodwill to stay "
        "in Moscow, so he is weak evidence of what happened in court.",
    ],
    8: [
        "Trotsky was the accused, so of course he says it was a frame-up.",
        "Trotsky was in exile in Mexico and could not see the trial.",
        "Trotsky knew the defendants for decades, which makes his doubts worth weighing, "
        "but he had every reason to deny the plot.",
    ],
}
OPVL_ANSWERS = [
    {
        "origin": "Alexander Orlov, an NKVD officer who escaped to the United States.",
        "purpose": "To expose Stalin after he defected.",
        "value": "As an NKVD officer he could know how the case against Zinoviev was built.",
        "limitation": "He defected and may want to blacken Stalin to be believed in America.",
    },
    {
        "origin": "An NKVD officer.",
        "purpose": "To tell the truth.",
        "value": "He was there.",
        "limitation": "It is biased.",
    },
]
WRITTEN_ANSWERS = [
    "The Observer and the New Republic believed the confessions because the defendants' "
    "stories agreed, but the New Statesman asked why guilty men would cringe and crawl. "
    "Being in the courtroom let journalists report the trial, not judge what had happened "
    "in the interrogations before it.",
    "Sources 5 and 6 support the view because journalists were there and saw the "
    "confessions. Source 7 is less sure.",
    "I agree because the journalists saw it with their own eyes.",
]


def load_class_work(assignment):
    """Twelve pupils' handed-in answers to the demo assignment, the same on every load.

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
            data = _pupil_answer(rng, question, sources)
            response = question.clean_response(data, sources)
            answering.save_answer(submission, question, response, 0)
        answering.submit(submission)


def _pupil_answer(rng, question, sources):
    kind = question.kind
    if kind == Question.Kind.RATING:
        trusting = sources[0].number == 10
        rating = rng.choice([3, 4, 4, 5, 2]) if trusting else rng.choice([1, 2, 2, 3, 1])
        return {"rating": rating, "justification": rng.choice(JUSTIFICATIONS[sources[0].number])}
    if kind == Question.Kind.COMPARISON:
        duranty, trotsky = sources
        choice = duranty if rng.random() < 0.67 else trotsky
        return {"choice": choice.pk, "justification": rng.choice(JUSTIFICATIONS[choice.number])}
    if kind == Question.Kind.OPVL:
        return rng.choice(OPVL_ANSWERS)
    if kind == Question.Kind.HIGHLIGHT:
        text = sources[0].text
        quotes = rng.sample(LOADED_LANGUAGE, rng.randint(1, 4))
        if rng.random() < 0.4:
            quotes.append("the defences of the Soviet Union are strong")
        ranges = []
        for quote in quotes:
            start = text.find(quote)
            if start >= 0:
                ranges.append({"start": start, "end": start + len(quote)})
        return {"ranges": ranges}
    if kind == Question.Kind.MATRIX:
        verdicts = {}
        for source_id, verdict in question.key["verdicts"].items():
            if rng.random() < 0.65:
                verdicts[source_id] = verdict
            else:
                verdicts[source_id] = rng.choice(["supports", "challenges", "silent"])
        return {"verdicts": verdicts}
    if kind == Question.Kind.CHOICE:
        selected = ["duranty"] + (["zinoviev"] if rng.random() < 0.6 else [])
        if rng.random() < 0.3:
            selected.append("trotsky")
        return {"selected": selected}
    return {"text": rng.choice(WRITTEN_ANSWERS)}
