"""Generate school-district volume, deterministically from a seed, for benchmarks.

The defaults make 40 classes × 30 students, 10 assignments per class with 8 questions of
mixed kinds, and an answer to every question of every submission: about 100,000 answers.
Rows are written with bulk_create in batches, so the same seed gives the same data on
SQLite and PostgreSQL.
"""

import io
import random
import sys
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.management import BaseCommand, CommandError
from django.db import transaction

from exercises.kinds import KINDS
from exercises.models import (
    Answer,
    Assignment,
    AssignmentSource,
    Classroom,
    Enrollment,
    Question,
    QuestionSource,
    Submission,
)
from sources.models import Author, Source, Unit

BATCH = 2000
VOCABULARY = (
    "trial confession defendant witness Moscow purge Trotsky Stalin evidence bias reliable "
    "correspondent exile party conspiracy newspaper testimony historian hindsight propaganda "
    "interrogation sentence verdict opposition Kremlin report purpose origin value limitation"
)
WORDS = VOCABULARY.split()
# The mix of kinds in an 8-question assignment: every registered kind, then the first again.
KIND_CYCLE = [*KINDS, next(iter(KINDS))]
BASE_TIME = datetime(2026, 9, 1, 9, 0, tzinfo=UTC)


class Progress:
    """A one-line progress bar on stderr: what is being written and how far along it is."""

    def __init__(self, stream, label, total):
        self.stream, self.label, self.total, self.done = stream, label, max(total, 1), 0

    def advance(self, count):
        self.done += count
        width = 30
        filled = int(width * self.done / self.total)
        self.stream.write(
            f"\r{self.label:<12} [{'#' * filled}{'.' * (width - filled)}] "
            f"{self.done:>7,}/{self.total:,}"
        )
        self.stream.flush()

    def close(self):
        self.stream.write("\n")


class Command(BaseCommand):
    help = "Generate classes, students, assignments and answers at scale from a seed."

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--classes", type=int, default=40)
        parser.add_argument("--students", type=int, default=30, help="per class")
        parser.add_argument("--assignments", type=int, default=10, help="per class")
        parser.add_argument("--questions", type=int, default=8, help="per assignment")
        parser.add_argument("--prefix", default="gen", help="username and name prefix")
        parser.add_argument("--quiet", action="store_true", help="no progress bar")

    def handle(self, *args, **opts):
        if min(opts["classes"], opts["students"], opts["assignments"], opts["questions"]) < 1:
            raise CommandError("Every count must be at least 1.")
        prefix = opts["prefix"]
        if get_user_model().objects.filter(username__startswith=f"{prefix}-").exists():
            raise CommandError(
                f"Users named {prefix}-… exist already: use another --prefix or a fresh database."
            )
        self.rng = random.Random(opts["seed"])
        self.progress_stream = io.StringIO() if opts["quiet"] else sys.stderr
        with transaction.atomic():
            counts = self.generate(opts)
        self.stdout.write(
            self.style.SUCCESS(
                "Generated "
                + ", ".join(f"{count:,} {name}" for name, count in counts.items())
                + f" (seed {opts['seed']})."
            )
        )

    def bulk(self, model, objs, label):
        progress = Progress(self.progress_stream, label, len(objs))
        created = []
        for i in range(0, len(objs), BATCH):
            created.extend(model.objects.bulk_create(objs[i : i + BATCH]))
            progress.advance(len(objs[i : i + BATCH]))
        progress.close()
        return created

    def text(self, low, high):
        return " ".join(self.rng.choice(WORDS) for _ in range(self.rng.randint(low, high)))

    def generate(self, opts):
        prefix, rng = opts["prefix"], self.rng
        unit = Unit.objects.create(
            title=f"Generated unit ({prefix})", slug=f"{prefix}-unit", narrative=self.text(200, 300)
        )
        authors = self.bulk(
            Author, [Author(name=f"{prefix} author {i}") for i in range(12)], "authors"
        )
        sources = self.bulk(
            Source,
            [
                Source(
                    unit=unit,
                    number=n,
                    author=authors[n % len(authors)],
                    title=f"Work {n}",
                    year=1925 + n,
                    header=f"{prefix} author {n % 12}, Work {n} ({1925 + n})",
                    text="\n\n".join(self.text(25, 60).capitalize() + "." for _ in range(4)),
                )
                for n in range(1, 24)
            ],
            "sources",
        )

        password = make_password(f"{prefix}-password")  # hashed once: slow on purpose
        User = get_user_model()
        n_classes, n_students = opts["classes"], opts["students"]
        teachers = self.bulk(
            User,
            [
                User(username=f"{prefix}-teacher{c}", password=password, is_staff=True)
                for c in range(n_classes)
            ],
            "teachers",
        )
        students = self.bulk(
            User,
            [
                User(username=f"{prefix}-student{c}-{s}", password=password, first_name=f"S{s}")
                for c in range(n_classes)
                for s in range(n_students)
            ],
            "students",
        )
        classes = self.bulk(
            Classroom,
            [
                Classroom(name=f"{prefix} class {c}", join_code=f"{prefix[:3].upper()}{c:05d}")
                for c in range(n_classes)
            ],
            "classes",
        )
        Classroom.teachers.through.objects.bulk_create(
            [
                Classroom.teachers.through(classroom_id=k.pk, user_id=t.pk)
                for k, t in zip(classes, teachers, strict=True)
            ]
        )
        self.bulk(
            Enrollment,
            [
                Enrollment(classroom=classes[c], student=students[c * n_students + s])
                for c in range(n_classes)
                for s in range(n_students)
            ],
            "enrolments",
        )

        assignments = self.bulk(
            Assignment,
            [
                Assignment(
                    classroom=k,
                    title=f"Assignment {a + 1}",
                    instructions=self.text(10, 30),
                    opens_at=BASE_TIME + timedelta(days=7 * a),
                    due_at=BASE_TIME + timedelta(days=7 * a + 6),
                    status=Assignment.Status.PUBLISHED,
                )
                for k in classes
                for a in range(opts["assignments"])
            ],
            "assignments",
        )
        question_rows, question_sources = [], {}
        for assignment in assignments:
            for q in range(opts["questions"]):
                kind = KIND_CYCLE[q % len(KIND_CYCLE)]
                chosen = self.pick_sources(kind, sources)
                settings, key = self.question_parts(kind, chosen)
                question_rows.append(
                    Question(
                        assignment=assignment,
                        order=q,
                        kind=kind,
                        prompt=f"{KINDS[kind].__class__.__name__} question: {self.text(8, 16)}?",
                        points=Decimal(rng.choice([2, 4, 5, 6, 10])),
                        settings=settings,
                        key=key,
                        model_answer=self.text(20, 40),
                    )
                )
                question_sources[len(question_rows) - 1] = chosen
        questions = self.bulk(Question, question_rows, "questions")
        self.bulk(
            QuestionSource,
            [
                QuestionSource(question=questions[i], source=s, order=o)
                for i, chosen in question_sources.items()
                for o, s in enumerate(chosen)
            ],
            "q-sources",
        )
        self.bulk(
            AssignmentSource,
            [
                AssignmentSource(assignment=a, source=s, order=o)
                for a in assignments
                for o, s in enumerate(sources[:8])
            ],
            "a-sources",
        )

        by_assignment = {}
        for i, question in enumerate(questions):
            by_assignment.setdefault(question.assignment_id, []).append((question, i))
        submission_rows = []
        class_index = {k.pk: c for c, k in enumerate(classes)}
        for assignment in assignments:
            first_student = class_index[assignment.classroom_id] * n_students
            for s in range(n_students):
                submitted = rng.random() < 0.85
                started = assignment.opens_at + timedelta(minutes=rng.randint(0, 3000))
                submission_rows.append(
                    Submission(
                        assignment=assignment,
                        student=students[first_student + s],
                        status=(
                            Submission.Status.SUBMITTED
                            if submitted
                            else Submission.Status.IN_PROGRESS
                        ),
                        started_at=started,
                        submitted_at=started + timedelta(minutes=40) if submitted else None,
                        late=submitted and rng.random() < 0.05,
                    )
                )
        submissions = self.bulk(Submission, submission_rows, "submissions")
        answer_rows = []
        for submission in submissions:
            for question, i in by_assignment[submission.assignment_id]:
                chosen = question_sources[i]
                response = self.response(question.kind, question.settings, chosen)
                answer_rows.append(
                    Answer(
                        submission=submission,
                        question=question,
                        response=response,
                        revision=rng.randint(1, 12),
                        saved_at=submission.started_at + timedelta(minutes=rng.randint(1, 39)),
                        auto_score=(
                            question.auto_score(response, chosen)
                            if submission.status == Submission.Status.SUBMITTED
                            else None
                        ),
                    )
                )
        self.bulk(Answer, answer_rows, "answers")
        return {
            "classes": len(classes),
            "students": len(students),
            "assignments": len(assignments),
            "questions": len(questions),
            "submissions": len(submissions),
            "answers": len(answer_rows),
        }

    def pick_sources(self, kind, sources):
        return KINDS[kind].volume_sources(self.rng, sources)

    def question_parts(self, kind, chosen):
        rules = KINDS[kind]
        settings = rules.clean_settings(rules.volume_settings(self.rng, self.text))
        key = rules.volume_key(self.rng, settings, chosen)
        return settings, rules.clean_key(key, settings, chosen)

    def response(self, kind, settings, chosen):
        return KINDS[kind].volume_response(self.rng, self.text, settings, chosen)
