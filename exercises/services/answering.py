"""What a student does with an assignment: open it, save answers, hand it in.

Each use case here spans several models and must be safe when two requests race: two
tabs saving the same answer, a double-clicked Submit, a teacher reopening work while the
student looks at it. Races are settled by the database (unique constraints, conditional
UPDATEs, row locks), never by reading first and writing after.
"""

import logging
from datetime import timedelta

from django.db import IntegrityError, connection, transaction
from django.db.models import F, JSONField, OuterRef, Prefetch, Q, Subquery
from django.utils import timezone

from ..models import Answer, Enrollment, QuestionSource, Submission

log = logging.getLogger(__name__)

EDITABLE = (Submission.Status.IN_PROGRESS, Submission.Status.RETURNED)
# Timed work: a save sent just before the clock ran out may arrive a little after it.
GRACE = timedelta(seconds=10)


class AnsweringRefused(Exception):
    """The student may not do this now; `message` says why, in the classroom's words."""

    message = ""

    def __init__(self, message=None):
        super().__init__(message or self.message)
        self.message = message or self.message


class StaleAnswer(AnsweringRefused):
    """The answer was saved from elsewhere since this copy was loaded."""

    def __init__(self, current):
        self.current = current
        saved = timezone.localtime(current.saved_at).strftime("%H:%M")
        super().__init__(
            f"This answer was changed in another tab or window at {saved}. "
            "Your text here is kept below; copy what you need, then reload."
        )


class SubmissionClosed(AnsweringRefused):
    message = (
        "This work has been submitted, so answers can no longer be changed. "
        "Ask your teacher if you need to change something."
    )


class AlreadySubmitted(AnsweringRefused):
    message = "You have already submitted this work; nothing was sent twice."


class TimeUp(SubmissionClosed):
    """Timed work whose clock has run out: it is handed in with what was saved."""

    def __init__(self, submission):
        self.submission = submission
        ended = timezone.localtime(submission.deadline).strftime("%H:%M")
        super().__init__(
            f"Time is up: your work was handed in at {ended} with the answers saved by then. "
            "This change was not saved."
        )


class LateWorkRefused(AnsweringRefused):
    message = (
        "The due date has passed and this assignment does not accept late work. "
        "Your answers are saved; speak to your teacher."
    )


def open_submission(assignment, student, *, start=True, now=None):
    """The student's submission for the assignment, created the first time they open it.

    Two first requests at once (two tabs, a double click) both try to create it; the
    unique constraint lets one win and the other then reads the winner's row, clock and all.
    Timed work gets its deadline when created, so a reload or a second tab never resets
    the clock. With `start=False` nothing is created: (None, False) if not started yet.
    """
    try:
        return Submission.objects.get(assignment=assignment, student=student), False
    except Submission.DoesNotExist:
        if not start:
            return None, False
    now = now or timezone.now()
    deadline = None
    if assignment.time_limit:
        deadline = assignment.deadline_for(now, *_accommodation(assignment, student))
    try:
        with transaction.atomic():
            created = Submission.objects.create(
                assignment=assignment, student=student, started_at=now, deadline=deadline
            )
            return created, True
    except IntegrityError:
        return Submission.objects.get(assignment=assignment, student=student), False


def _accommodation(assignment, student):
    """(extra time %, due date) for this student: from the annotations of
    `with_accommodations` if the assignment was read with them, else from their enrolment."""
    if hasattr(assignment, "student_extra_time"):
        return assignment.student_extra_time or 0, assignment.student_due_at
    enrollment = Enrollment.objects.filter(
        classroom_id=assignment.classroom_id, student=student
    ).first()
    if enrollment is None:
        return 0, assignment.due_at
    return enrollment.extra_time_percent, assignment.due_for(enrollment.extended_due_at)


def refresh_deadlines(submissions):
    """Fix the clocks of running timed work again after the teacher changed a time limit,
    a due date or a student's extra time: each keeps its start and gets the new rules.

    Only clocks already running change (removing the limit stops them): work started before
    the assignment had a limit stays untimed, rather than being handed in at once. Work
    whose new deadline has already passed is handed in at that deadline when next touched
    (or swept). Returns how many clocks changed.
    """
    changed = 0
    running = submissions.filter(
        status=Submission.Status.IN_PROGRESS, deadline__isnull=False
    ).select_related("assignment")
    for submission in running:
        assignment = submission.assignment
        deadline = None
        if assignment.time_limit:
            deadline = assignment.deadline_for(
                submission.started_at, *_accommodation(assignment, submission.student_id)
            )
        if deadline != submission.deadline:
            changed += Submission.objects.filter(
                pk=submission.pk, status=Submission.Status.IN_PROGRESS
            ).update(deadline=deadline)
    return changed


def hand_in_if_time_up(submission, *, now=None):
    """Lazily hand in timed work whose clock ran out (with the grace for saves in flight).

    Costs no query unless the time is up. Returns True if the work is (now) handed in by
    the clock; the submission is refreshed.
    """
    if not submission.time_is_up(now, GRACE):
        return False
    try:
        submit(submission, now=now)
    except AlreadySubmitted:
        submission.refresh_from_db()
    return submission.timed_out


def hand_in_timed_out(submissions=None, *, now=None):
    """Hand in every timed submission whose clock has run out (plus the grace): the sweep
    run by `manage.py hand_in_timed_out` and by the teacher's list. Returns how many."""
    now = now or timezone.now()
    submissions = Submission.objects.all() if submissions is None else submissions
    due = submissions.filter(
        status=Submission.Status.IN_PROGRESS, deadline__isnull=False, deadline__lt=now - GRACE
    )
    count = 0
    for submission in due.order_by("deadline", "pk"):
        try:
            submit(submission, now=now)
        except AlreadySubmitted:
            continue  # handed in meanwhile (the student's page, a teacher, another sweep)
        count += 1
    return count


class NotStarted(AnsweringRefused):
    """The student has no submission of this assignment yet (`save_own_answer`)."""


def save_answer(submission, question, response, based_on, *, now=None):
    """Store a student's (already validated) response to one question.

    `based_on` is the revision of the answer the student's page showed. The row is only
    written if it is still at that revision, so a stale tab cannot overwrite newer work:
    it gets StaleAnswer instead. Raises SubmissionClosed once the work is submitted, and
    TimeUp (handing the work in) once the clock of timed work has run out.
    """
    return _save(Q(pk=submission.pk), submission, question, response, based_on, now)


def save_own_answer(student, question, response, based_on, *, now=None):
    """`save_answer` for the autosave, by the student and the question alone.

    An autosave after the first one is a single UPDATE (`_update_own_answer`). Raises
    NotStarted if the student has no submission yet; the caller opens one
    (`open_submission`) and calls `save_answer`.
    """
    now = now or timezone.now()
    if based_on == 0 and _insert_own_answer(student, question, response, now):
        return Answer(question=question, response=response, revision=1, saved_at=now)
    if _update_own_answer(student, question, response, based_on, now):
        # What the UPDATE wrote; not read back (the primary key is not needed by callers).
        return Answer(question=question, response=response, revision=based_on + 1, saved_at=now)
    # Not saved in one statement: not started, closed, time up, a first save, a stale
    # revision or lost passages to keep. The full path tells which, under the same lock.
    mine = Q(assignment_id=question.assignment_id, student=student)
    return _save(mine, None, question, response, based_on, now)


def _own_open_submission(now):
    """The SQL that finds the student's own submission of an assignment while it may still
    be saved to (in progress and in time, or returned), locking its row for the statement;
    and its parameters after (assignment id, student id)."""
    submission = Submission._meta
    for_update = " FOR UPDATE" if connection.features.has_select_for_update else ""
    sql = (
        f"FROM {submission.db_table} WHERE assignment_id = %s AND student_id = %s "
        "AND (status = %s OR (status = %s AND (deadline IS NULL OR deadline >= %s)))"
        f"{for_update}"
    )
    saved_at = Answer._meta.get_field("saved_at")
    params = [
        Submission.Status.RETURNED,
        Submission.Status.IN_PROGRESS,
        saved_at.get_db_prep_save(now - GRACE, connection),
    ]
    return sql, params


def _insert_own_answer(student, question, response, now):
    """A first save in one statement, its own transaction: the answer is inserted for the
    student's own submission if that is open and in time (the row locked as in
    `_update_own_answer`), and not if an answer to the question is already there (ON
    CONFLICT DO NOTHING on the one-answer-per-question constraint: another tab saved
    first). One statement instead of a locked read, an UPDATE that finds nothing and an
    INSERT in a transaction with a savepoint: a third of a class's saves are first ones.
    Returns True if the answer was inserted; otherwise the full path tells why not.
    """
    answer = Answer._meta
    column = {f.name: f.column for f in answer.concrete_fields}
    field = {f.name: f for f in answer.concrete_fields}
    submission_sql, submission_params = _own_open_submission(now)
    sql = (
        f"INSERT INTO {answer.db_table} ({column['submission']}, {column['question']}, "
        f"{column['response']}, {column['revision']}, {column['saved_at']}) "
        f"SELECT id, %s, %s, 1, %s {submission_sql} "
        f"ON CONFLICT ({column['submission']}, {column['question']}) DO NOTHING"
    )
    params = [
        question.pk,
        field["response"].get_db_prep_save(response, connection),
        field["saved_at"].get_db_prep_save(now, connection),
        question.assignment_id,
        student.pk,
        *submission_params,
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount == 1


def _update_own_answer(student, question, response, based_on, now):
    """The common autosave in one statement, which is its own transaction: the answer is
    updated only if it is at `based_on`, has no lost passages to keep, and the student's
    submission is still open and in time, that submission row being locked (FOR UPDATE in
    the subquery) for the statement. A concurrent submit holds the same row lock: if it
    came first, PostgreSQL re-checks the submission after it and finds it handed in, so
    nothing is written; if the save came first, the submit waits and scores the saved text.
    (SQLite has no row locks and runs one writer at a time.) Raw SQL because Django allows
    select_for_update() only inside a transaction, and a transaction costs two round
    trips more. Returns True if the answer was written.
    """
    answer = Answer._meta
    column = {f.name: f.column for f in answer.concrete_fields}
    prepare = {f.name: f for f in answer.concrete_fields}
    keeps_nothing_lost = ""
    if question.rules.anchors_words:
        lost = (
            "({} -> 'lost') IS NULL"
            if connection.vendor == "postgresql"
            else "json_extract({}, '$.lost') IS NULL"
        )
        keeps_nothing_lost = " AND " + lost.format(column["response"])
    submission_sql, submission_params = _own_open_submission(now)
    sql = (
        f"UPDATE {answer.db_table} SET {column['response']} = %s, "
        f"{column['revision']} = {column['revision']} + 1, {column['saved_at']} = %s "
        f"WHERE {column['question']} = %s AND {column['revision']} = %s{keeps_nothing_lost} "
        f"AND {column['submission']} = (SELECT id {submission_sql})"
    )
    params = [
        prepare["response"].get_db_prep_save(response, connection),
        prepare["saved_at"].get_db_prep_save(now, connection),
        question.pk,
        based_on,
        question.assignment_id,
        student.pk,
        *submission_params,
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount == 1


def _save(which, submission, question, response, based_on, now):
    now = now or timezone.now()
    try:
        return _save_answer(which, submission, question, response, based_on, now)
    except TimeUp as time_up:
        hand_in_if_time_up(time_up.submission, now=now)
        raise


@transaction.atomic
def _save_answer(which, submission, question, response, based_on, now):
    # The row lock orders this save against a concurrent submit of the same work (and
    # against another save of it, so the stored answer read with it stays current).
    locked = Submission.objects.select_for_update(of=("self",)).filter(which)
    if question.rules.anchors_words:
        stored = Answer.objects.filter(submission=OuterRef("pk"), question=question)
        locked = locked.annotate(
            stored_response=Subquery(stored.values("response")[:1], output_field=JSONField())
        )
    current = locked.only("status", "deadline", "assignment_id", "student_id").first()
    if current is None:
        if submission is None:
            raise NotStarted()
        raise SubmissionClosed()
    if submission is None:
        submission = current
    submission.status, submission.deadline = current.status, current.deadline
    if not submission.is_editable:
        raise SubmissionClosed()
    if submission.time_is_up(now, GRACE):
        raise TimeUp(submission)
    if question.rules.anchors_words:
        response = _keep_lost_passages(current.stored_response, response)
    answers = Answer.objects.filter(submission=submission, question=question)
    updated = answers.filter(revision=based_on).update(
        response=response, revision=F("revision") + 1, saved_at=now
    )
    if updated:
        # What the UPDATE wrote; not read back (the primary key is not needed by callers).
        return Answer(
            submission=submission,
            question=question,
            response=response,
            revision=based_on + 1,
            saved_at=now,
        )
    if based_on == 0 or not answers.exists():
        # A first save; or a page that thought an answer existed when none does, in which
        # case there is no newer work to protect.
        try:
            with transaction.atomic():
                return Answer.objects.create(
                    submission=submission,
                    question=question,
                    response=response,
                    revision=1,
                    saved_at=now,
                )
        except IntegrityError:
            pass  # another tab saved the first version a moment ago
    raise StaleAnswer(answers.get())


def _keep_lost_passages(stored, response):
    # Passages lost when a source was corrected stay on record until the teacher has seen
    # them; a new save from the student must not wipe the flag.
    lost = (stored or {}).get("lost")
    return {**response, "lost": lost} if lost else response


def submit(submission, *, now=None):
    """Hand the work in: answers become read-only and objective questions are scored.

    Only the first request changes anything; a second (double click, resend) raises
    AlreadySubmitted and leaves `submitted_at` as it was. Work handed in after the student's
    due date (their extended one, if any) is marked late, or refused if the assignment
    does not accept late work. Work the teacher returned for revision may always be handed
    in again and keeps its late mark. Timed work handed in once its clock ran out counts
    as handed in at the deadline, by the clock (`timed_out`), and is never refused.
    """
    now = now or timezone.now()
    with transaction.atomic():
        current = (
            Submission.objects.select_for_update()
            .select_related("assignment")
            .get(pk=submission.pk)
        )
        if not current.is_editable:
            raise AlreadySubmitted()
        late = current.late
        at, timed_out = now, False
        if current.status == Submission.Status.IN_PROGRESS:
            if current.time_is_up(now):
                at, timed_out = current.deadline, True
            _, due_at = _accommodation(current.assignment, current.student_id)
            late = current.assignment.is_late(at, due_at)
            if late and not current.assignment.accepts_late and not timed_out:
                raise LateWorkRefused()
        updated = Submission.objects.filter(pk=current.pk, status=current.status).update(
            status=Submission.Status.SUBMITTED, submitted_at=at, late=late, timed_out=timed_out
        )
        if not updated:
            raise AlreadySubmitted()
        score_answers(current)
    submission.refresh_from_db()
    return submission


def score_answers(submission):
    """Give every question an answer row and score the objective ones.

    Unanswered questions get an empty answer so that the teacher grades every question
    and an unanswered objective question scores 0 rather than nothing.
    """
    questions = list(
        submission.assignment.questions.prefetch_related(
            Prefetch("question_sources", queryset=QuestionSource.objects.select_related("source"))
        )
    )
    answers = {a.question_id: a for a in submission.answers.all()}
    missing = [
        Answer(submission=submission, question=q, response={}, revision=0)
        for q in questions
        if q.pk not in answers
    ]
    if missing:
        Answer.objects.bulk_create(missing, ignore_conflicts=True)
        answers = {a.question_id: a for a in submission.answers.all()}
    scored = []
    for question in questions:
        if not question.rules.objective:
            continue
        answer = answers[question.pk]
        sources = [qs.source for qs in question.question_sources.all()]
        answer.auto_score = question.auto_score(answer.response, sources)
        scored.append(answer)
    Answer.objects.bulk_update(scored, ["auto_score"])


def reopen(submission):
    """Return submitted work to the student for revision: it becomes editable again.

    Grades and feedback already released stay visible to the student (they are what to
    revise against), and each answer keeps a copy of itself as returned; the answer key
    and model answers stay hidden until it is handed in again. Returns False, changing
    nothing, if the work was not in the submitted state.
    """
    with transaction.atomic():
        updated = Submission.objects.filter(
            pk=submission.pk, status=Submission.Status.SUBMITTED
        ).update(status=Submission.Status.RETURNED)
        if updated:
            # The answers as returned: the resubmission shows the teacher what changed.
            Answer.objects.filter(submission=submission).update(returned_response=F("response"))
    submission.refresh_from_db(fields=["status"])
    return bool(updated)
