"""The student's side: join a class, see assignments, answer, save, submit, read the mark.

Every object is looked up through the student's own querysets (`for_student`,
`visible_to`), so a student who is not enrolled gets a 404 and learns nothing. Nothing
from the answer key, a model answer, a mark or feedback reaches a page or a JSON answer
before the teacher releases the grade: templates only read them through `QuestionOnPage`,
which hands them out only when released.
"""

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import (
    DecimalField,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Subquery,
    Sum,
    Value,
    prefetch_related_objects,
)
from django.db.models.functions import Coalesce
from django.http import Http404, JsonResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.views.decorators.http import require_http_methods, require_POST

from purgeclass.throttle import Throttle, address
from sources.models import Source

from . import access, kept_answers
from .forms import JoinClassForm, answer_form
from .kinds.shared.answer_form import CONTROL_FIELDS
from .models import (
    AnchoredComment,
    Answer,
    Assignment,
    AssignmentSource,
    CriterionGrade,
    Enrollment,
    Grade,
    Question,
    QuestionSource,
    Submission,
)
from .progress import student_progress
from .services import answering, feedback_responses

NOT_STARTED = "This timed work has not been started: open the assignment and press Start."
LOGGED_OUT = "You have been logged out. Log in again: your answer is kept."
LOGGED_OUT_NOT_KEPT = (
    "Not saved: you have been logged out. Log in again in a new tab, then come back here; "
    "your text is kept on this page."
)


def saved_label(moment):
    """ "Saved at 12:03" today, "Saved on 3 May at 12:03" otherwise (local time)."""
    local = timezone.localtime(moment)
    if local.date() == timezone.localdate():
        return f"Saved at {local:%H:%M}"
    return f"Saved on {date_format(local, 'j F')} at {local:%H:%M}"


def _open_assignments(user):
    """What a student may open now: published, of their classes, and already open."""
    return (
        Assignment.objects.for_student(user)
        .filter(opens_at__lte=timezone.now())
        .select_related("classroom")
        .with_accommodations(user)
    )


# Read models for the pages ---------------------------------------------------------------


def _link_order(link):
    """(question pk or None, order, id, source pk): the reading list's links first, then
    each question's, each in the order of their model's Meta.ordering."""
    question_pk, order, pk, _ = link
    return (question_pk is not None, question_pk or 0, order, pk)


@dataclass
class QuestionOnPage:
    """One question as the student sees it: their answer, a form if they may still change
    it, and (only once released) their mark, feedback and the key."""

    number: int
    question: Question
    sources: list
    answer: Answer | None = None
    form: object = None
    released: bool = False
    show_key: bool = False
    # An answer sent while logged out that could not be saved when the student came back.
    kept: object = None
    # A teacher's try at the question in the preview (never saved), and what it scored.
    tried: dict | None = None
    tried_score: object = None
    # The revision a kept answer was just saved at (the page's script continues from it).
    restored_revision: int | None = None
    # When the student last opened their released work (feedback given since is "new").
    seen_before: object = None

    @property
    def pk(self):
        return self.question.pk

    @property
    def kind(self):
        return self.question.kind

    @property
    def settings(self):
        return self.question.settings or {}

    @property
    def response(self):
        if self.tried is not None:
            return self.tried
        return (self.answer.response if self.answer else None) or {}

    @property
    def revision(self):
        return self.answer.revision if self.answer else 0

    @property
    def saved_label(self):
        if self.answer and self.answer.revision:
            return saved_label(self.answer.saved_at)
        return ""

    @property
    def input_template(self):
        return self.question.rules.template("input")

    @property
    def answer_template(self):
        return self.question.rules.template("answer")

    @property
    def is_answered(self):
        return self.question.rules.is_answered(self.response)

    @property
    def incomplete(self):
        return self.question.rules.incomplete_reason(self.response, self.settings, self.sources)

    @property
    def lost(self):
        return self.response.get("lost") or []

    @property
    def kind_view(self):
        """The kind's own view of the answer (`QuestionKind.answer_view`), for its templates."""
        return self.question.rules.answer_view(self.response, self.settings, self.key, self.sources)

    # Released only ----------------------------------------------------------------------

    @property
    def key(self):
        return (self.question.key or {}) if self.show_key else {}

    @property
    def key_summary(self):
        """The key in a few phrases, for the teacher's preview."""
        return self.question.rules.summary(self.settings, self.key) if self.show_key else []

    @property
    def model_answer(self):
        return self.question.model_answer if self.show_key else ""

    @property
    def grade(self):
        if not (self.released and self.answer):
            return None
        try:
            return self.answer.grade
        except Grade.DoesNotExist:
            return None

    @property
    def score(self):
        if not (self.released and self.answer):
            return None
        grade = self.grade
        if grade is not None and grade.score is not None:
            return grade.score
        return self.answer.auto_score

    @property
    def feedback(self):
        return self.grade.feedback if self.grade else ""

    @property
    def criterion_grades(self):
        if not (self.grade and self.answer.has_criterion_grades):
            return []
        return list(self.grade.criterion_grades.all())

    @property
    def anchored_comments(self):
        """The teacher's comments on words of the released answer."""
        if not (self.released and self.answer):
            return []
        return list(self.answer.anchored_comments.all())

    @property
    def is_new(self):
        """Marked or commented on since the student last opened their released work."""
        if not (self.released and self.answer):
            return False
        if self.seen_before is None:
            return self.score is not None or bool(self.feedback)
        moments = [c.created_at for c in self.answer.anchored_comments.all()]
        if self.grade is not None and self.grade.graded_at:
            moments.append(self.grade.graded_at)
        return any(moment > self.seen_before for moment in moments)

    @property
    def response_requests(self):
        """The feedback the teacher asked the student to respond to, with what they wrote:
        [(field name, what it answers, text)], released work only."""
        if not (self.released and self.answer):
            return []
        written = {r.comment_id: r.text for r in self.answer.feedback_responses.all()}
        requests = []
        for comment in feedback_responses.awaiting_response(self.answer):
            comment_id = comment.pk if comment else None
            name = f"response-{self.answer.pk}-{comment_id or 'feedback'}"
            about = (
                f"“{comment.quote}”: {comment.comment}" if comment else "your teacher's feedback"
            )
            requests.append((name, about, written.get(comment_id, "")))
        return requests


class AssignmentPage:
    """Everything the assignment page shows, in a fixed number of queries."""

    def __init__(
        self, assignment, submission=None, *, preview=False, kept=None, seen_before=None, tried=None
    ):
        """`tried`: in a preview, the teacher's answer to one question, as
        (question id, posted data), checked and scored but never saved."""
        self.assignment = assignment
        self.submission = submission
        self.preview = preview
        self.editable = preview or submission.is_editable
        self.released = bool(submission and submission.is_released)
        # Work returned for revision shows its feedback but not the key: the student is
        # about to answer again.
        self.show_key = self.released and not self.editable
        # The questions in their order (the assignment's own ordering would join its table).
        questions = list(assignment.questions.order_by("order", "id"))
        sources_of, self.sources = self._page_sources(assignment, questions)
        answers = {}
        if submission is not None:
            answer_rows = submission.answers.select_related("grade")
            if self.released:
                # Criterion grades are read only for the answers that have some, in one query
                # for all of them (none if no answer has); comments on words and the
                # student's responses to feedback, one query each.
                answer_rows = answer_rows.annotate(
                    has_criterion_grades=Exists(
                        CriterionGrade.objects.filter(grade__answer=OuterRef("pk"))
                    )
                ).prefetch_related("anchored_comments", "feedback_responses")
            answers = {answer.question_id: answer for answer in answer_rows}
            if self.released:
                rows = answers.values()
                graded = [answer for answer in rows if answer.has_criterion_grades]
                prefetch_related_objects(graded, "grade__criterion_grades")
        self.questions = []
        for number, question in enumerate(questions, start=1):
            sources = sources_of.get(question.pk, [])
            answer = answers.get(question.pk)
            if answer is not None:
                answer.question = question  # already read: the comments' texts need its kind
            q = QuestionOnPage(
                number,
                question,
                sources,
                answer,
                released=self.released,
                show_key=self.show_key,
                seen_before=seen_before,
            )
            if self.editable:
                q.form = answer_form(question, sources, response=q.response, revision=q.revision)
                if preview and tried and tried[0] == question.pk:
                    self._try(q, tried[1])
            q.kept, q.restored_revision = (kept or {}).get(question.pk, (None, None))
            if q.kept is not None and q.kept.form is not None and self.editable:
                q.form = q.kept.form
            self.questions.append(q)

    @staticmethod
    def _try(q, data):
        """Check a teacher's try at `q` as a student's answer would be, and score it."""
        question = q.question
        # The key shows with the teacher's try only: a preview put on the class's screen
        # gives nothing away until the teacher asks.
        q.show_key = True
        q.form = answer_form(question, q.sources, data)
        if q.form.is_valid():
            q.tried = q.form.response
            q.form = answer_form(question, q.sources, response=q.tried)
            q.tried_score = question.rules.score(
                q.tried, q.settings, question.key or {}, question.points, q.sources
            )

    @staticmethod
    def _page_sources(assignment, questions):
        """({question pk: its sources in order}, the reading list), every source read once.

        One query for the links (the questions' and the reading list's, in a UNION ALL) and
        one for the sources they name, each source a single instance wherever it is shown.
        The reading list is the assignment's sources in order, then any a question uses that
        it forgot.
        """
        listed = AssignmentSource.objects.filter(assignment=assignment).values_list(
            Value(None, output_field=IntegerField()), "order", "id", "source_id"
        )
        used = QuestionSource.objects.filter(question__in=[q.pk for q in questions])
        used = used.values_list("question_id", "order", "id", "source_id")
        links = sorted(listed.order_by().union(used.order_by(), all=True), key=_link_order)
        if not links:
            return {}, []
        # No unit: nothing on the page shows it (its narrative alone is 22 kB a source).
        by_pk = (
            Source.objects.select_related("author").order_by().in_bulk({link[3] for link in links})
        )
        sources_of, reading = {}, {}
        for question_pk, _, _, source_pk in links:
            if question_pk is None:
                reading[source_pk] = by_pk[source_pk]
            else:
                sources_of.setdefault(question_pk, []).append(by_pk[source_pk])
        for question in questions:
            for source in sources_of.get(question.pk, []):
                reading.setdefault(source.pk, source)
        return sources_of, list(reading.values())

    @property
    def kind_scripts(self):
        """The static scripts of the kinds on the page (each once, in question order)."""
        scripts = (q.question.rules.script for q in self.questions)
        return list(dict.fromkeys(script for script in scripts if script))

    @property
    def kind_stylesheets(self):
        """The static stylesheets of the kinds on the page (each once, in question order)."""
        stylesheets = (q.question.rules.stylesheet for q in self.questions)
        return list(dict.fromkeys(stylesheet for stylesheet in stylesheets if stylesheet))

    @property
    def total_points(self):
        return sum((q.question.points for q in self.questions), 0)

    @property
    def awaiting_mark(self):
        """Answered questions whose answer has no mark yet (a release is never partial, but
        a grade can be cleared after it)."""
        return [q for q in self.questions if q.answer and q.score is None]

    @property
    def total_score(self):
        # Never a partial total: a pupil would read it as their mark.
        if not self.released or self.awaiting_mark:
            return None
        return sum((q.score or 0 for q in self.questions), 0)

    @property
    def incomplete(self):
        return [q for q in self.questions if q.incomplete]

    @property
    def new_feedback(self):
        return [q for q in self.questions if q.is_new]

    @property
    def responses_asked(self):
        return sum(len(q.response_requests) for q in self.questions)

    @property
    def responses_missing(self):
        """Green-pen feedback without a saved response (listed before handing in again)."""
        return [q for q in self.questions if any(not text for _, _, text in q.response_requests)]

    @property
    def past_due(self):
        # The student's own due date: an extended one if their teacher set it.
        return self.assignment.is_late(due_at=self.assignment.student_due_at)

    @property
    def clock(self):
        """The running clock of timed work (its deadline), or None."""
        submission = self.submission
        if self.preview or submission is None or submission.status != "in_progress":
            return None
        return submission.deadline

    @property
    def late_refused(self):
        return (
            self.past_due
            and not self.assignment.accepts_late
            and self.submission is not None
            and self.submission.status == Submission.Status.IN_PROGRESS
        )

    @property
    def lost_passages(self):
        return sum(len(q.lost) for q in self.questions)


def _page_context(page, request=None):
    context = {
        "assignment": page.assignment,
        "submission": page.submission,
        "page": page,
    }
    if request is not None and not page.preview:
        context["owner_token"] = kept_answers.owner_token(request.user)
    return context


# Answers sent while logged out ------------------------------------------------------------


@dataclass
class KeptAnswer:
    """An answer sent while logged out that could not be saved as it was.

    `reason` is "stale" (a newer version was saved since: shown beside the answer, to
    copy from), "invalid" (shown in the question's form with its errors, to correct) or
    "closed" (the work was handed in since: shown once).
    """

    reason: str
    form: object = None
    copy: object = None
    texts: list = None


def _kept_fields(fields):
    data = QueryDict(mutable=True)
    for name, values in fields.items():
        data.setlist(name, [str(value) for value in values])
    return data


def _save_kept_answers(request, assignment, submission):
    """Save the answers this student sent while logged out (see `kept_answers`).

    Returns {question pk: (KeptAnswer or None, revision saved or None)} for the page.
    """
    kept = kept_answers.kept_for(request, assignment)
    if not kept:
        return {}
    with_source = QuestionSource.objects.select_related("source__author", "source__unit")
    questions = assignment.questions.prefetch_related(
        Prefetch("question_sources", queryset=with_source)
    )
    numbers = {question.pk: number for number, question in enumerate(questions, start=1)}
    current = dict(submission.answers.filter(question__in=kept).values_list("question", "revision"))
    result = {}
    for question in questions:
        if question.pk not in kept:
            continue
        sources = [qs.source for qs in question.question_sources.all()]
        form = answer_form(question, sources, _kept_fields(kept[question.pk]))
        valid = form.is_valid()
        based_on = form.cleaned_data.get("revision")
        if not submission.is_editable:
            kept_answers.forget(request, assignment.pk, question.pk)
            result[question.pk] = (_kept_copy("closed", question, sources, form, valid), None)
        elif based_on is None or based_on != current.get(question.pk, 0):
            result[question.pk] = (_kept_copy("stale", question, sources, form, valid), None)
        elif not valid:
            result[question.pk] = (KeptAnswer("invalid", form=form), None)
        else:
            try:
                answer = answering.save_answer(submission, question, form.response, based_on)
            except answering.AnsweringRefused:
                result[question.pk] = (_kept_copy("stale", question, sources, form, valid), None)
                continue
            kept_answers.forget(request, assignment.pk, question.pk)
            result[question.pk] = (None, answer.revision)
            messages.success(
                request,
                f"Your answer to question {numbers[question.pk]}, sent while you were logged "
                "out, is now saved.",
            )
    for question_pk in set(kept) - set(numbers):  # questions deleted since
        kept_answers.forget(request, assignment.pk, question_pk)
    return result


def _kept_copy(reason, question, sources, form, valid):
    if valid:
        copy = QuestionOnPage(0, question, sources, Answer(response=form.response))
        return KeptAnswer(reason, copy=copy)
    skipped = {*CONTROL_FIELDS, *kept_answers.JSON_FIELDS}
    texts = [value for name, values in form.data.lists() if name not in skipped for value in values]
    return KeptAnswer(reason, texts=[text for text in texts if text.strip()])


# Views ----------------------------------------------------------------------------------


@dataclass
class DashboardRow:
    assignment: Assignment
    submission: Submission | None
    now: object

    @property
    def is_open(self):
        return self.assignment.opens_at <= self.now

    @property
    def status(self):
        """(label, Bootstrap colour) of where the student is with this assignment."""
        submission = self.submission
        if not self.is_open:
            return "Opens " + date_format(
                timezone.localtime(self.assignment.opens_at), "j F, H:i"
            ), "secondary"
        if submission is None:
            return "Not started", "light"
        if submission.status == Submission.Status.RETURNED:
            return "Returned for revision", "warning"
        if submission.status == Submission.Status.SUBMITTED:
            return ("Submitted late", "danger") if submission.late else ("Submitted", "success")
        return "In progress", "info"

    @property
    def overdue(self):
        submitted = self.submission and self.submission.status == Submission.Status.SUBMITTED
        return not submitted and self.assignment.is_late(self.now, self.assignment.student_due_at)

    @property
    def released(self):
        return bool(self.submission and self.submission.is_released)

    @property
    def has_new_feedback(self):
        """Released marks or comments the student has not opened yet."""
        submission = self.submission
        if not self.released:
            return False
        seen = submission.feedback_seen_at
        return seen is None or seen < submission.released_at or submission.feedback_since_seen


@login_required
def dashboard(request):
    now = timezone.now()
    assignments = list(
        Assignment.objects.for_student(request.user)
        .select_related("classroom")
        .with_accommodations(request.user)
        .annotate(total_points=Sum("questions__points"))
        .order_by(F("due_at").asc(nulls_last=True), "opens_at", "title")
    )
    score = (
        Answer.objects.filter(submission=OuterRef("pk"))
        .values("submission")
        .annotate(total=Sum(Coalesce("grade__score", "auto_score")))
        .values("total")
    )
    submissions = {
        s.assignment_id: s
        for s in Submission.objects.visible_to(request.user)
        .filter(student=request.user, assignment__in=[a.pk for a in assignments])
        .annotate(
            score=Subquery(score, output_field=DecimalField()),
            # A total with an answer still unmarked is not a mark: it is not shown.
            awaiting=Exists(
                Answer.objects.filter(
                    submission=OuterRef("pk"), grade__score__isnull=True, auto_score__isnull=True
                )
            ),
            # Marked or commented on since the student last opened the released work.
            feedback_since_seen=Exists(
                Grade.objects.filter(
                    answer__submission=OuterRef("pk"), graded_at__gt=OuterRef("feedback_seen_at")
                )
            )
            | Exists(
                AnchoredComment.objects.filter(
                    answer__submission=OuterRef("pk"), created_at__gt=OuterRef("feedback_seen_at")
                )
            ),
        )
    }
    for submission in submissions.values():
        answering.hand_in_if_time_up(submission, now=now)  # no query unless the time is up
    rows = [DashboardRow(a, submissions.get(a.pk), now) for a in assignments]
    return render(request, "exercises/dashboard.html", {"rows": rows})


@login_required
def progress(request):
    """The student's own levels per skill across the year, from released work only."""
    records = student_progress(request.user)
    return render(request, "exercises/progress.html", {"records": records})


# Wrong codes per pupil, and per address (a whole school shares one: more room there).
JOIN_PER_USER = Throttle("join-code-user", limit=10, window=15 * 60)
JOIN_PER_ADDRESS = Throttle("join-code-address", limit=100, window=15 * 60)
TOO_MANY_CODES = (
    "Too many wrong class codes: joining is paused for {minutes} minutes, so nobody can guess "
    "a code. Check the code with your teacher, then try again."
)


@login_required
def join_class(request):
    # A join link (/classes/join/?code=...) fills the code in; joining still takes a press.
    form = JoinClassForm(request.POST or None, initial={"code": request.GET.get("code", "")})
    if request.method == "POST":
        user_key, address_key = f"user:{request.user.pk}", f"address:{address(request)}"
        if JOIN_PER_USER.blocked(user_key) or JOIN_PER_ADDRESS.blocked(address_key):
            message = TOO_MANY_CODES.format(minutes=JOIN_PER_USER.minutes)
            form = JoinClassForm()
            return render(
                request, "exercises/join.html", {"form": form, "refused": message}, status=429
            )
        if not form.is_valid():
            JOIN_PER_USER.hit(user_key)
            JOIN_PER_ADDRESS.hit(address_key)
    if request.method == "POST" and form.is_valid():
        classroom = form.classroom
        try:
            with transaction.atomic():
                _, created = Enrollment.objects.get_or_create(
                    classroom=classroom, student=request.user
                )
        except IntegrityError:  # the same form sent twice at once
            created = False
        if created:
            messages.success(request, f"You have joined {classroom}.")
        else:
            messages.info(request, f"You are already in {classroom}.")
        return redirect("exercises:dashboard")
    return render(request, "exercises/join.html", {"form": form})


@login_required
def assignment(request, pk):
    assignment = get_object_or_404(_open_assignments(request.user), pk=pk)
    # Timed work waits for the student to press Start: opening the page starts no clock.
    start = not assignment.time_limit
    submission, _ = answering.open_submission(assignment, request.user, start=start)
    if submission is None:
        return _start_page(request, assignment)
    answering.hand_in_if_time_up(submission)
    seen_before = submission.feedback_seen_at
    if submission.is_released:
        # Marks and comments given since the last visit are shown as "new" this once.
        Submission.objects.filter(pk=submission.pk).update(
            release_seen=True, feedback_seen_at=timezone.now()
        )
    kept = _save_kept_answers(request, assignment, submission)
    page = AssignmentPage(assignment, submission, kept=kept, seen_before=seen_before)
    return render(request, "exercises/assignment.html", _page_context(page, request))


RESPONSE_FIELD = "response-"


def _sent_responses(post):
    """{(answer id, comment id or None): text} from the fields `response-<answer>-<comment>`
    (`feedback` for the overall feedback); None if a field name is malformed."""
    texts = {}
    for name, text in post.items():
        if not name.startswith(RESPONSE_FIELD):
            continue
        answer_id, _, comment_id = name[len(RESPONSE_FIELD) :].partition("-")
        if not answer_id.isdigit() or not (comment_id.isdigit() or comment_id == "feedback"):
            return None
        texts[(int(answer_id), None if comment_id == "feedback" else int(comment_id))] = text
    return texts


@require_POST
@login_required
def respond(request, pk):
    """Save the student's responses to the feedback their teacher asked them to answer."""
    if pk >= 2**63:  # no such row; SQLite cannot even be asked for it
        raise Http404
    assignment = get_object_or_404(_open_assignments(request.user), pk=pk)
    submission = get_object_or_404(
        Submission.objects.filter(assignment=assignment, student=request.user)
    )
    texts = _sent_responses(request.POST)
    problem = "Nothing to save: no response was sent." if not texts else None
    if texts is None:
        problem = "The responses sent were not in the expected form."
    if problem is None:
        try:
            count = feedback_responses.save_responses(request.user, submission, texts)
        except ValidationError as refusal:
            problem = " ".join(refusal.messages)
    if problem is not None:
        # Nothing is lost: the page gives back every response as it was sent.
        sent = [text for name, text in request.POST.items() if name.startswith(RESPONSE_FIELD)]
        context = {"assignment": assignment, "message": problem, "sent": sent}
        return render(request, "exercises/response_problem.html", context, status=400)
    messages.success(request, f"Your responses are saved ({count}).")
    return redirect(f"{assignment.get_absolute_url()}#responses")


def _start_page(request, assignment):
    late_refused = assignment.refuses_late_work_now
    minutes = assignment.time_limit * (100 + (assignment.student_extra_time or 0)) / 100
    context = {
        "assignment": assignment,
        "minutes": round(minutes),
        "extra_time": assignment.student_extra_time or 0,
        "late_refused": late_refused,
        # Late work refused: the clock stops at the due date if that comes first.
        "stops_at": None if assignment.accepts_late else assignment.student_due_at,
    }
    return render(request, "exercises/start_timed.html", context)


@require_POST
@login_required
def start(request, pk):
    """Start timed work: the clock starts now, once (a second Start changes nothing)."""
    assignment = get_object_or_404(_open_assignments(request.user), pk=pk)
    started = answering.open_submission(assignment, request.user, start=False)[0] is not None
    if not started and assignment.refuses_late_work_now:
        messages.error(request, answering.LateWorkRefused.message)
        return redirect(assignment)
    answering.open_submission(assignment, request.user)
    return redirect(assignment)


@login_required
@require_http_methods(["GET", "POST"])
def assignment_preview(request, pk):
    """The assignment as a student sees it, for its teachers, with each question's key. The
    teacher may try a question (a POST naming it): their answer is checked and scored as a
    student's would be, and shown with the key; nothing is created or saved."""
    assignment = get_object_or_404(
        Assignment.objects.for_teacher(request.user).select_related("classroom").distinct(),
        pk=pk,
    )
    tried = None
    if request.method == "POST":
        question = request.POST.get("question", "")
        if not question.isdigit() or not assignment.questions.filter(pk=question).exists():
            return render(
                request,
                "exercises/assignment.html",
                _page_context(AssignmentPage(assignment, preview=True)),
                status=400,
            )
        tried = (int(question), request.POST)
    page = AssignmentPage(assignment, preview=True, tried=tried)
    return render(request, "exercises/assignment.html", _page_context(page))


def _wants_json(request):
    return request.headers.get("Accept", "").split(",")[0].strip() == "application/json"


MAX_ID = 2**63 - 1  # the largest id a bigint (and SQLite's INTEGER) holds


def _question_to_answer(user, assignment_pk, question_pk):
    """The question and its sources, if its assignment is open to the student; else 404.

    One query for both (from the question's source links, the question and its assignment
    joined in, the access rule as one condition: `access.open_to_student`); only a
    question without sources needs a second. An id past what the database can hold is no
    question of anyone's (SQLite would raise on it).
    """
    if max(assignment_pk, question_pk) > MAX_ID:
        raise Http404
    open_to_student = access.open_to_student(user, assignment_pk, timezone.now())
    mine = {"question_id": question_pk, "question__assignment_id": assignment_pk}
    links = list(
        QuestionSource.objects.filter(open_to_student, **mine)
        .select_related("question__assignment", "source__author")
        .order_by("order", "id")
    )
    if links:
        return links[0].question, [link.source for link in links]
    questions = Question.objects.filter(pk=question_pk, assignment_id=assignment_pk)
    question = get_object_or_404(questions.filter(open_to_student).select_related("assignment"))
    return question, []


@require_POST
def save_answer(request, pk, question_pk):
    """Save one answer: from autosave (JSON) or from the plain Save button (redirect).

    An autosave after the first costs four queries: the session, the user, the question with
    its sources (and the access rule), and one UPDATE of the answer that locks the student's
    submission in its subquery (services/answering.py); five for a question without sources.
    """
    wants_json = _wants_json(request)
    if not request.user.is_authenticated:
        return _logged_out(request, wants_json, pk, question_pk)
    question, sources = _question_to_answer(request.user, pk, question_pk)
    assignment = question.assignment
    form = answer_form(question, sources, request.POST)
    if not form.is_valid():
        return _save_refused(request, wants_json, form, form.error_message, status=400)
    response, based_on = form.response, form.cleaned_data["revision"]
    try:
        try:
            answer = answering.save_own_answer(request.user, question, response, based_on)
        except answering.NotStarted:
            # The first save opens the submission, except for timed work (Start does that).
            opened = get_object_or_404(_open_assignments(request.user), pk=pk)
            submission, _ = answering.open_submission(
                opened, request.user, start=not opened.time_limit
            )
            if submission is None:
                return _save_refused(
                    request, wants_json, form, NOT_STARTED, status=409, closed=True
                )
            answer = answering.save_answer(submission, question, response, based_on)
    except answering.StaleAnswer as refusal:
        return _save_refused(
            request, wants_json, form, refusal.message, status=409, current=refusal.current
        )
    except answering.SubmissionClosed as refusal:
        return _save_refused(request, wants_json, form, refusal.message, status=409, closed=True)
    kept_answers.forget(request, assignment.pk, question.pk)
    status = saved_label(answer.saved_at)
    if not wants_json:
        return redirect(f"{assignment.get_absolute_url()}#question-{question.pk}")
    q = QuestionOnPage(0, question, sources, answer)
    return JsonResponse(
        {
            "ok": True,
            "revision": answer.revision,
            "saved_at": answer.saved_at.isoformat(),
            "status": status,
            "incomplete": q.incomplete,
            "ranges": answer.response.get("ranges"),
        }
    )


def _logged_out(request, wants_json, assignment_pk, question_pk):
    """The session ended before this save: keep the answer for after the login, and send
    the student to log in and come back to the same question."""
    kept = kept_answers.keep(request, assignment_pk, question_pk)
    back = reverse("exercises:assignment", args=[assignment_pk]) + f"#question-{question_pk}"
    login = redirect_to_login(back)
    if wants_json:
        return JsonResponse(
            {
                "ok": False,
                "error": LOGGED_OUT if kept else LOGGED_OUT_NOT_KEPT,
                "logged_out": True,
                "kept": kept,
                "login_url": login.url,
            },
            status=403,
        )
    if kept:
        messages.info(
            request,
            "You had been logged out, so your answer is not saved yet. "
            "Log in again: it is kept and will be saved then.",
        )
    return login


def _save_refused(request, wants_json, form, message, *, status, current=None, closed=False):
    question, sources = form.question, form.sources
    saved = None
    if current is not None:
        saved = QuestionOnPage(0, question, sources, current)
    if wants_json:
        data = {"ok": False, "error": message, "conflict": current is not None, "closed": closed}
        if saved is not None:
            data["revision"] = current.revision
            data["saved_status"] = saved_label(current.saved_at)
            data["saved_html"] = render_to_string(saved.answer_template, {"q": saved}, request)
        return JsonResponse(data, status=status)
    # Without JavaScript: a page that keeps what the student sent, in a form they can
    # correct and send again (for a conflict, knowingly over the newer version).
    data = request.POST.copy()
    if current is not None:
        data["revision"] = str(current.revision)
    retry = answer_form(question, sources, data)
    retry.is_valid()
    if closed:
        retry.disable()
    sent = getattr(retry, "response", None)
    q = QuestionOnPage(0, question, sources, Answer(response=sent) if sent else None, form=retry)
    context = {
        "assignment": question.assignment,
        "message": message,
        "q": q,
        "saved": saved,
        "closed": closed,
        "conflict": current is not None,
        "owner_token": kept_answers.owner_token(request.user),
    }
    return render(request, "exercises/answer_problem.html", context, status=status)


@login_required
def submit(request, pk):
    """GET: what is unanswered or incomplete, then the final Submit. POST: hand it in."""
    assignment = get_object_or_404(_open_assignments(request.user), pk=pk)
    start = not assignment.time_limit
    submission, _ = answering.open_submission(assignment, request.user, start=start)
    if submission is None:
        return redirect(assignment)  # timed work not started: its page offers Start
    if request.method == "POST":
        try:
            answering.submit(submission)
        except answering.AlreadySubmitted as refusal:
            messages.info(request, refusal.message)
            return redirect(assignment)
        except answering.LateWorkRefused as refusal:
            messages.error(request, refusal.message)
            return redirect("exercises:submit", pk=assignment.pk)
        when = timezone.localtime(submission.submitted_at)
        note = " It was after the due date, so it is marked late." if submission.late else ""
        if submission.timed_out:
            messages.info(
                request,
                f"Time was up at {when:%H:%M}: your work was handed in with the answers "
                f"saved by then.{note}",
            )
            return redirect(assignment)
        messages.success(request, f"Submitted at {when:%H:%M}.{note} Your answers are now final.")
        return redirect(assignment)
    if answering.hand_in_if_time_up(submission):
        messages.info(request, "Time is up: your work was handed in with what was saved.")
        return redirect(assignment)
    if not submission.is_editable:
        messages.info(request, answering.AlreadySubmitted.message)
        return redirect(assignment)
    page = AssignmentPage(assignment, submission)
    return render(request, "exercises/submit_confirm.html", _page_context(page, request))
