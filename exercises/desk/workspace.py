"""The marking workspace: a class's handed-in answers marked in one page, by question or
by student, with one-click rubric levels, a comment bank and comments on the words.

Three desk pages, registered on the admin site (`register_view`), and the comment bank's
admin:

- "To mark" (/admin/exercises/to-mark/): per class and assignment the teacher teaches,
  how many have not started, are working, handed in, are waiting for a mark, are marked.
- The workspace (/admin/exercises/assignment/<pk>/workspace/): every answer of the
  assignment that the teacher marks (kinds that do not score themselves), one after
  another, ordered by question (all answers to question 5 together) or by student. A GET
  shows it; a POST saves one answer's grade through the grading page's own form
  (`GradeForm`) and rules (`grading.save_grades`: versions, conflicts, the rubric's words
  copied when given). Answered as JSON to the page's script, else by a redirect back to
  the answer (it works without JavaScript).
- Comments on words (/admin/exercises/assignment/<pk>/workspace/comments/): POST adds a
  comment anchored to words of an answer, or deletes one.

Where the teacher is (order, anonymity, last answer) is kept in the URL and the session,
so coming back to an assignment opens it as it was left.

Who may: staff behind the admin's login (the site's `admin_view`); the assignment must be
one of the teacher's classes' (404 otherwise, as the grading page's "absent"); saving
needs the grade permissions, commenting the anchored comment permission.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Exists, OuterRef, Prefetch, Subquery
from django.http import Http404, HttpResponseBadRequest, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_http_methods, require_POST

from .. import revisions
from ..marks import marks
from ..models import (
    AnchoredComment,
    Answer,
    Assignment,
    Classroom,
    CommentBankEntry,
    Criterion,
    Enrollment,
    FeedbackResponse,
    Grade,
    Question,
    Submission,
)
from ..selectors import awaiting_score, question_sources
from ..services import anchored_comments, comment_bank
from ..services.grading import (
    OBJECTIVE_KINDS,
    GradeConflict,
    GradeInput,
    LevelChoice,
    pupil_name,
    save_grades,
)
from .forms.submissions import GradeForm

GRADE_PERMISSIONS = ["exercises.add_grade", "exercises.change_grade"]
ORDERS = {"question": "By question", "student": "By student"}
MAX_ID = 2**31 - 1  # the largest id column value on every database we run on
MARKED_STATUSES = [Submission.Status.SUBMITTED, Submission.Status.RETURNED]


# Where the teacher is ---------------------------------------------------------------------


class Place:
    """The teacher's place in one assignment's marking: order, anonymity, last answer.

    Read from the query string when given there (a link, a bookmark), else from the
    session; always written back to the session.
    """

    def __init__(self, request, assignment):
        self.key = f"workspace:{assignment.pk}"
        kept = request.session.get(self.key, {})
        by = request.GET.get("by", kept.get("by", "question"))
        self.by = by if by in ORDERS else "question"
        anonymous = request.GET.get("anonymous", kept.get("anonymous", "0"))
        self.anonymous = str(anonymous) == "1"
        self.at = _id_or_none(request.GET.get("at", kept.get("at", "")))
        self.question = _id_or_none(request.GET.get("question", kept.get("question", "")))
        self.keep(request)

    def keep(self, request, **changes):
        for name, value in changes.items():
            setattr(self, name, value)
        request.session[self.key] = {
            "by": self.by,
            "anonymous": "1" if self.anonymous else "0",
            "at": self.at or "",
            "question": self.question or "",
        }

    def query(self, **changes):
        values = {
            "by": self.by,
            "anonymous": "1" if self.anonymous else "0",
            "question": self.question or "",
            **changes,
        }
        return "?" + "&".join(f"{name}={value}" for name, value in values.items())


def _id_or_none(value):
    """A positive id from untrusted text, else None ("²" and "１" are digits to
    str.isdigit, not to int; NUL bytes and numbers past the column are refused)."""
    value = str(value)
    if not (value.isascii() and value.isdigit() and len(value) < 12):
        return None
    return int(value) if int(value) <= MAX_ID else None


# Reads ------------------------------------------------------------------------------------


def _assignment_or_404(request, pk):
    return get_object_or_404(
        Assignment.objects.for_teacher(request.user).select_related("classroom"), pk=pk
    )


def questions_to_mark(assignment):
    """The assignment's questions that the teacher marks (kinds that do not score
    themselves), numbered as the students see them, each with `waiting`: answers of
    handed-in work still without a mark."""
    waiting = Answer.objects.filter(
        question=OuterRef("pk"), submission__status__in=MARKED_STATUSES
    ).filter(awaiting_score())
    questions = list(
        assignment.questions.order_by("order", "id").annotate(
            waiting=Subquery(
                waiting.order_by().values("question").annotate(n=Count("pk")).values("n")[:1]
            )
        )
    )
    for number, question in enumerate(questions, start=1):
        question.number = number
        question.waiting = question.waiting or 0
    return [q for q in questions if q.kind not in OBJECTIVE_KINDS]


def answers_to_mark(assignment, by, anonymous, question=None, only=None):
    """The answers of handed-in work that the teacher marks (of one question, or all), in
    the order asked for, with everything the page shows of them (a fixed number of
    queries, whatever the size of the class)."""
    order = ["question__order", "question_id", "submission_id"]
    if by == "student":
        names = (
            []
            if anonymous
            else ["submission__student__last_name", "submission__student__first_name"]
        )
        order = [*names, "submission_id", "question__order", "question_id"]
    answers = list(
        Answer.objects.filter(
            submission__assignment=assignment, submission__status__in=MARKED_STATUSES
        )
        .exclude(question__kind__in=OBJECTIVE_KINDS)
        .filter(**({"question_id": question} if question else {}))
        .filter(**({"pk": only} if only else {}))
        .select_related("question__rubric", "submission__student", "grade__graded_by")
        .prefetch_related(
            Prefetch(
                "question__rubric__criteria",
                queryset=Criterion.objects.prefetch_related("levels"),
            ),
            "grade__criterion_grades",
            Prefetch("anchored_comments", queryset=AnchoredComment.objects.order_by("start", "pk")),
            Prefetch(
                "feedback_responses", queryset=FeedbackResponse.objects.select_related("comment")
            ),
        )
        .order_by(*order)
    )
    sources = question_sources({answer.question_id for answer in answers})
    for answer in answers:
        answer.sources = sources.get(answer.question_id, [])
    return answers


def candidate_numbers(assignment):
    """{submission id: candidate number}: the order work was started in, which says
    nothing of a pupil's name."""
    ids = assignment.submissions.order_by("pk").values_list("pk", flat=True)
    return {pk: number for number, pk in enumerate(ids, start=1)}


def waiting_counts(assignments):
    """Annotate assignments with what there is to mark, in one query: `enrolled`,
    `not_started`, `working`, `handed_in`, `waiting` (handed in with an answer without a
    mark) and `released`."""
    submissions = Submission.objects.filter(assignment=OuterRef("pk")).order_by()

    def count(queryset):
        return Subquery(queryset.values("assignment").annotate(n=Count("pk")).values("n")[:1])

    waiting_answer = Answer.objects.filter(submission=OuterRef("pk")).filter(awaiting_score())
    enrolled = Enrollment.objects.filter(classroom=OuterRef("classroom")).order_by()
    return assignments.annotate(
        enrolled=Subquery(enrolled.values("classroom").annotate(n=Count("pk")).values("n")[:1]),
        working=count(submissions.filter(status=Submission.Status.IN_PROGRESS)),
        handed_in=count(submissions.filter(status__in=MARKED_STATUSES)),
        waiting=count(
            submissions.filter(status__in=MARKED_STATUSES).filter(Exists(waiting_answer))
        ),
        released=count(submissions.filter(released_at__isnull=False)),
    )


def not_started(assignments):
    """{assignment id: [pupil names]} of pupils enrolled in the class without any work on
    the assignment, in one query."""
    rows = (
        Enrollment.objects.filter(classroom__assignments__in=assignments)
        .exclude(
            Exists(
                Submission.objects.filter(
                    assignment=OuterRef("classroom__assignments"), student=OuterRef("student")
                )
            )
        )
        .values_list(
            "classroom__assignments",
            "student__first_name",
            "student__last_name",
            "student__username",
        )
        .order_by("classroom__assignments", "student__last_name", "student__first_name")
    )
    found = {}
    for assignment_id, first, last, username in rows:
        found.setdefault(assignment_id, []).append(f"{first} {last}".strip() or username)
    return found


def _waiting_by_question(assignments):
    """{assignment id: [(question number, question, answers waiting)]} in two queries."""
    ids = [a.pk for a in assignments]
    questions = list(
        Question.objects.filter(assignment__in=ids)
        .exclude(kind__in=OBJECTIVE_KINDS)
        .order_by("assignment", "order", "id")
        .only("pk", "assignment_id", "kind", "order", "prompt")
    )
    counts = dict(
        Answer.objects.filter(question__in=questions, submission__status__in=MARKED_STATUSES)
        .filter(awaiting_score())
        .order_by()
        .values("question")
        .annotate(n=Count("pk"))
        .values_list("question", "n")
    )
    numbers = dict(
        Question.objects.filter(assignment__in=ids)
        .order_by("assignment", "order", "id")
        .values_list("pk", "assignment")
    )
    position, found, last = 0, {}, None
    for pk, assignment_id in numbers.items():
        position = 1 if assignment_id != last else position + 1
        last = assignment_id
        numbers[pk] = position
    for question in questions:
        waiting = counts.get(question.pk, 0)
        if waiting:
            found.setdefault(question.assignment_id, []).append(
                (numbers[question.pk], question, waiting)
            )
    return found


# The grade form, with levels as buttons -----------------------------------------------------


class LevelButtons(forms.RadioSelect):
    """A criterion's levels as radio buttons, each carrying its band for the page's script
    (which fills in the top of the band as the mark, adjustable)."""

    template_name = "admin/exercises/workspace/level_buttons.html"

    def __init__(self, bands, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.bands = bands

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        band = self.bands.get(str(value))
        if band:
            option["attrs"]["data-min"] = marks(band[0])
            option["attrs"]["data-max"] = marks(band[1])
            option["key"] = index + 1
        return option

    def render(self, name, value, attrs=None, renderer=None):
        # The project's templates (not the form renderer's own folders) hold the markup.
        return mark_safe(render_to_string(self.template_name, self.get_context(name, value, attrs)))


class WorkspaceGradeForm(GradeForm):
    """The grading page's form, with levels as one-click buttons, the comment bank's
    `#codes` expanded in the feedback, and the score following the levels unless the
    teacher typed one (then the existing rule asks for a reason)."""

    response_required = forms.BooleanField(
        label="Ask the student to respond to this feedback (green pen)",
        required=False,
        show_hidden_initial=True,
        help_text="When you return the work for revision, the student writes a response.",
    )

    def __init__(self, *args, bank=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.bank = bank
        if self.grade is not None and not self.is_bound:
            self.initial["response_required"] = self.grade.response_required
            self.fields["response_required"].initial = self.grade.response_required
        for criterion in self.criteria:
            field = self.fields[f"level_{criterion.pk}"]
            bands = {
                str(level.pk): (level.min_points, level.max_points)
                for level in criterion.levels.all()
            }
            field.choices = [choice for choice in field.choices if choice[0] != ""]
            field.widget = LevelButtons(bands, choices=field.choices)
            field.label = criterion.name
        self.fields["feedback"].widget.attrs.update(
            {"class": "ws-feedback", "data-ws-feedback": ""}
        )
        self.fields["score"].help_text += " Follows the levels unless you change it."

    def clean_feedback(self):
        text = self.cleaned_data.get("feedback", "")
        if "\x00" in text:
            raise ValidationError("The feedback contains a character that cannot be saved.")
        return comment_bank.expand_codes(text, self.bank)

    def clean(self):
        if self.criteria and "score" not in self.changed_data:
            self.cleaned_data["score"] = None  # the levels' total
        return super().clean()

    def grade_input(self):
        return GradeInput(
            answer=self.answer,
            version=self.cleaned_data["version"],
            score=self.cleaned_data["score"],
            feedback=self.cleaned_data["feedback"],
            override_reason=self.cleaned_data["override_reason"],
            levels=[LevelChoice(*chosen) for chosen in self.levels],
            response_required=self.cleaned_data["response_required"],
        )


def _bank_by_criterion(entries):
    found = {}
    for entry in entries:
        found.setdefault(entry.criterion_id, []).append(entry)
    return found


def _same_as_saved(form, grade):
    """The grade as saved already says what this form says (a second click of Save, or a
    save repeated after a dropped connection): nothing to refuse."""
    data = form.cleaned_data
    given = {cg.criterion_id: (cg.level_id, cg.points) for cg in grade.criterion_grades.all()}
    chosen = {c.pk: (level.pk, points) for c, level, points in form.levels}
    return (
        grade.score == data["score"]
        and grade.feedback == data["feedback"]
        and grade.override_reason == data["override_reason"]
        and grade.response_required == data["response_required"]
        and given == chosen
    )


# Pages -------------------------------------------------------------------------------------


def _wants_json(request):
    return "application/json" in request.headers.get("Accept", "")


def _refuse(request, status, message):
    if _wants_json(request):
        return JsonResponse({"saved": False, "error": message}, status=status)
    if status == 400:
        return HttpResponseBadRequest(message)
    raise Http404(message)


def _answer_id(request):
    return _id_or_none(request.POST.get("answer", ""))


@require_http_methods(["GET", "HEAD", "POST"])
def workspace(request, pk):
    """Mark an assignment's answers one after another (see the module's docstring)."""
    assignment = _assignment_or_404(request, pk)
    if not request.user.has_perm("exercises.view_submission"):
        raise PermissionDenied
    can_grade = request.user.has_perms(GRADE_PERMISSIONS)
    place = Place(request, assignment)
    questions = questions_to_mark(assignment)
    if place.question not in {q.pk for q in questions}:
        place.keep(request, question=None)
    answers = answers_to_mark(assignment, place.by, place.anonymous, place.question)
    criteria = {
        c.pk for a in answers if a.question.rubric_id for c in a.question.rubric.criteria.all()
    }
    bank = comment_bank.bank_for(request.user, criteria)
    failed = {}
    if request.method == "POST":
        if not can_grade:
            raise PermissionDenied
        answer_id = _answer_id(request)
        if answer_id is None:
            return _refuse(request, 400, "Say which answer to save.")
        # Any answer of the assignment to mark, whichever question the page shows.
        answer = next(iter(answers_to_mark(assignment, place.by, False, only=answer_id)), None)
        if answer is None:
            return _refuse(request, 404, "That answer is not one of this assignment's to mark.")
        response = _save(request, assignment, place, answer, bank)
        if not isinstance(response, WorkspaceGradeForm):
            return response
        failed[answer.pk] = response
    by_criterion = _bank_by_criterion(bank)
    numbers = candidate_numbers(assignment)
    rows = []
    all_marked = bool(answers)
    for answer in answers:
        form = failed.get(answer.pk) or WorkspaceGradeForm(answer=answer, bank=bank)
        row = _row(answer, form, by_criterion, numbers, questions)
        row["marked"] = (form.grade is not None and form.grade.score is not None) or (
            answer.auto_score is not None
        )
        all_marked = all_marked and row["marked"]
        rows.append(row)
    # Names come back once every answer has its mark (or when the teacher turns anonymity off).
    show_names = not place.anonymous or all_marked
    for row in rows:
        row["who"] = (
            pupil_name(row["answer"].submission.student)
            if show_names
            else f"Candidate {row['candidate']}"
        )
    context = {
        **admin.site.each_context(request),
        "title": f"Mark: {assignment}",
        "subtitle": str(assignment.classroom),
        "assignment": assignment,
        "rows": rows,
        "place": place,
        "orders": [(key, label, place.query(by=key)) for key, label in ORDERS.items()],
        "questions": [(q, place.query(question=q.pk)) for q in questions],
        "all_questions_link": place.query(question=""),
        "next_question": _next_question(questions, place.question, place),
        "anonymous_link": place.query(anonymous="0" if place.anonymous else "1"),
        "show_names": show_names,
        "can_grade": can_grade,
        "can_comment": request.user.has_perm("exercises.add_anchoredcomment"),
        "bank_url": reverse("admin:exercises_commentbankentry_changelist"),
        "comments_url": reverse("admin:exercises_workspace_comments", args=[assignment.pk]),
    }
    status = 400 if failed else 200
    return TemplateResponse(
        request, "admin/exercises/workspace/workspace.html", context, status=status
    )


def _next_question(questions, current, place):
    """(question, link) of the next question after `current` with answers waiting for a
    mark (from the top again), or None."""
    if current is None:
        return None
    ids = [q.pk for q in questions]
    here = ids.index(current) + 1 if current in ids else 0
    for question in questions[here:] + questions[:here]:
        if question.waiting and question.pk != current:
            return question, place.query(question=question.pk, at="")
    return None


def _row(answer, form, by_criterion, numbers, questions):
    rules = answer.question.rules
    view = {
        "kind": answer.question.kind,
        "sources": answer.sources,
        "template": rules.template("grading"),
    }
    view.update(
        rules.grading_view(
            answer.response or {},
            answer.question.settings or {},
            answer.question.key or {},
            answer.sources,
        )
    )
    criteria = form.criterion_rows()
    return {
        "answer": answer,
        # Resubmitted work: what the student changed since it was returned, and how they
        # answered the feedback that asked for a response.
        "changes": revisions.answer_changes(answer),
        "responses": list(answer.feedback_responses.all()),
        "form": form,
        "view": view,
        "texts": anchored_comments.annotated_fields(answer, answer.anchored_comments.all()),
        "criteria": [
            (criterion, level, points, given, by_criterion.get(criterion.pk, []))
            for criterion, level, points, given in criteria
        ],
        "candidate": numbers.get(answer.submission_id),
        "number": next((q.number for q in questions if q.pk == answer.question_id), None),
    }


def _save(request, assignment, place, answer, bank):
    """Save one answer's grade; a form with errors (to show again) or a response."""
    form = WorkspaceGradeForm(request.POST, answer=answer, bank=bank)
    if not form.is_valid():
        if _wants_json(request):
            errors = {name: [str(e) for e in errs] for name, errs in form.errors.items()}
            return JsonResponse({"saved": False, "errors": errors}, status=400)
        messages.error(request, "Nothing was saved: correct the marks shown in red.")
        return form
    saved = False
    if form.grader_changed():
        try:
            save_grades(request.user, [form.grade_input()])
            saved = True
        except GradeConflict as conflict:
            grade = conflict.conflicts[0].grade
            if not (grade.graded_by_id == request.user.pk and _same_as_saved(form, grade)):
                who = pupil_name(grade.graded_by) if grade.graded_by else "Another grader"
                message = (
                    f"Not saved: {who} saved a grade for this answer while you were working "
                    f"(score {marks(grade.score) or 'none'}). Reload to see it."
                )
                if _wants_json(request):
                    return JsonResponse(
                        {"saved": False, "conflict": True, "error": message}, status=409
                    )
                messages.error(request, message)
                return redirect(_back(assignment, place, answer))
    place.keep(request, at=answer.pk)
    grade = Grade.objects.filter(answer=answer).first()
    if _wants_json(request):
        return JsonResponse(
            {
                "saved": True,
                "changed": saved,
                "version": grade.version if grade else 0,
                "score": marks(grade.score) if grade else "",
                "feedback": grade.feedback if grade else "",
            }
        )
    messages.success(request, "Saved." if saved else "Nothing had changed: nothing was saved.")
    return redirect(_back(assignment, place, answer))


def _back(assignment, place, answer):
    url = reverse("admin:exercises_workspace", args=[assignment.pk])
    return f"{url}{place.query(at=answer.pk)}#answer-{answer.pk}"


@require_POST
def comments(request, pk):
    """Add a comment on words of an answer, or delete one (`delete` = its id)."""
    assignment = _assignment_or_404(request, pk)
    answer_id = _answer_id(request)
    if answer_id is None:
        return _refuse(request, 400, "Say which answer the comment is on.")
    answer = (
        Answer.objects.filter(
            submission__assignment=assignment, submission__status__in=MARKED_STATUSES
        )
        .select_related("question")
        .filter(pk=answer_id)
        .first()
    )
    if answer is None:
        return _refuse(request, 404, "That answer is not one of this assignment's to mark.")
    place = Place(request, assignment)
    deleting = request.POST.get("delete", "")
    if deleting:
        if not request.user.has_perm("exercises.delete_anchoredcomment"):
            raise PermissionDenied
        if _id_or_none(deleting) is None:
            return _refuse(request, 400, "Say which comment to delete.")
        answer.anchored_comments.filter(pk=_id_or_none(deleting)).delete()
    else:
        if not request.user.has_perm("exercises.add_anchoredcomment"):
            raise PermissionDenied
        start = request.POST.get("start", "")
        try:
            anchored_comments.add_comment(
                request.user,
                answer,
                request.POST.get("field", ""),
                request.POST.get("quote", ""),
                request.POST.get("comment", ""),
                start=_id_or_none(start),
                response_required=request.POST.get("response_required") == "on",
            )
        except ValidationError as error:
            return _refuse(request, 400, " ".join(error.messages))
    if _wants_json(request):
        texts = anchored_comments.annotated_fields(
            answer, answer.anchored_comments.order_by("start", "pk")
        )
        html = render_to_string(
            "admin/exercises/workspace/_texts.html",
            {
                "answer": answer,
                "texts": texts,
                "can_comment": True,
                "comments_url": reverse("admin:exercises_workspace_comments", args=[assignment.pk]),
            },
            request=request,
        )
        return JsonResponse({"saved": True, "html": html})
    messages.success(request, "Comment deleted." if deleting else "Comment added.")
    return redirect(_back(assignment, place, answer))


def to_mark(request):
    """What is waiting to be marked, per class and assignment the teacher teaches."""
    if not request.user.has_perm("exercises.view_submission"):
        raise PermissionDenied
    assignments = list(
        waiting_counts(
            Assignment.objects.published()
            .filter(classroom__in=Classroom.objects.taught_by(request.user))
            .select_related("classroom")
        ).order_by("classroom__name", "-opens_at", "title")
    )
    missing = not_started([a.pk for a in assignments])
    waiting = _waiting_by_question(assignments)
    classes = {}
    for assignment in assignments:
        assignment.questions_waiting = waiting.get(assignment.pk, [])
        assignment.not_started_names = missing.get(assignment.pk, [])
        assignment.not_started = len(assignment.not_started_names)
        classes.setdefault(assignment.classroom, []).append(assignment)
    context = {
        **admin.site.each_context(request),
        "title": "To mark",
        "classes": list(classes.items()),
    }
    return TemplateResponse(request, "admin/exercises/workspace/to_mark.html", context)


# The comment bank's admin ------------------------------------------------------------------


class CommentBankEntryForm(forms.ModelForm):
    class Meta:
        model = CommentBankEntry
        fields = ["criterion", "level", "code", "text"]

    def clean_text(self):
        text = self.cleaned_data["text"]
        if "\x00" in text:
            raise ValidationError("The comment contains a character that cannot be saved.")
        return text


@admin.register(CommentBankEntry)
class CommentBankEntryAdmin(admin.ModelAdmin):
    """A teacher's own comment bank: only their entries are listed and editable (banks
    are private; see services/comment_bank.py)."""

    form = CommentBankEntryForm
    list_display = ["code", "text", "criterion", "level"]
    list_filter = ["criterion__rubric"]
    search_fields = ["code", "text"]
    list_select_related = ["criterion__rubric", "level"]

    def get_queryset(self, request):
        return super().get_queryset(request).owned_by(request.user)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "level":
            kwargs["queryset"] = db_field.related_model.objects.select_related("criterion__rubric")
        if db_field.name == "criterion":
            kwargs["queryset"] = Criterion.objects.select_related("rubric")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.owner = request.user
        super().save_model(request, obj, form, change)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        owner = obj.owner if obj is not None else request.user

        class OwnedForm(form):
            def clean_code(self):
                code = self.cleaned_data["code"]
                taken = CommentBankEntry.objects.filter(owner=owner, code__iexact=code)
                if self.instance.pk:
                    taken = taken.exclude(pk=self.instance.pk)
                if taken.exists():
                    raise ValidationError(f"You already have a comment with the code {code}.")
                return code

        return OwnedForm


admin.site.register_view("exercises/to-mark/", to_mark, "exercises_to_mark")
admin.site.register_view(
    "exercises/assignment/<int:pk>/workspace/", workspace, "exercises_workspace"
)
admin.site.register_view(
    "exercises/assignment/<int:pk>/workspace/comments/", comments, "exercises_workspace_comments"
)
