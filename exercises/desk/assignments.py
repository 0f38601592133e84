"""The desk's assignments and their questions: sources, questions of each kind, copying, and
the links from an assignment to its grading, gradebook and analytics.
"""

from django import forms
from django.contrib import admin, messages
from django.db.models import Count, Exists, OuterRef, Subquery
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.text import Truncator

from purgeclass.admin_site import HardenedModelAdmin

from ..access import teacher_scope
from ..models import Answer, Assignment, AssignmentSource, Question, Submission
from ..services import answering, authoring
from . import gradebook
from .forms.assignments import (
    AssignmentSourceFormSet,
    LabelledSplitDateTime,
    QuestionForm,
    QuestionInlineForm,
    QuestionInlineFormSet,
    kind_fieldsets,
    question_problems,
)
from .naming import admin_link, counted
from .scope import TeacherScopedMixin


class AssignmentFilter(admin.RelatedOnlyFieldListFilter):
    """ "By assignment", each named with its class: two classes often share a title."""

    def field_choices(self, field, request, model_admin):
        shown = (
            model_admin.get_queryset(request)
            .order_by()
            .values_list(f"{self.field_path}__pk", flat=True)
            .distinct()
        )
        assignments = (
            Assignment.objects.filter(pk__in=shown)
            .select_related("classroom")
            .order_by("title", "classroom__name", "pk")
        )
        return [(a.pk, f"{a.title} ({a.classroom.name})") for a in assignments]


def preview_url(assignment):
    return reverse("exercises:assignment_preview", args=[assignment.pk])


def settings_summary(question, sources):
    parts = question.rules.summary(question.settings or {}, question.key or {})
    if sources:
        parts.append("Sources: " + ", ".join(s.label for s in sources))
    return " · ".join(parts)


class AssignmentSourceInline(TeacherScopedMixin, admin.TabularInline):
    model = AssignmentSource
    formset = AssignmentSourceFormSet
    autocomplete_fields = ["source"]
    extra = 0
    verbose_name = "source"
    verbose_name_plural = "sources students read (in this order)"


class QuestionInline(TeacherScopedMixin, admin.StackedInline):
    model = Question
    form = QuestionInlineForm
    formset = QuestionInlineFormSet
    fields = ["order", "kind", "prompt", ("points", "rubric", "skill"), "summary"]
    readonly_fields = ["summary"]
    # The rubric is a plain list here: the library's rubrics are few, and the search box
    # of an autocomplete in each stacked question went unnamed for screen readers.
    extra = 0
    ordering = ["order", "id"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("rubric")
            .prefetch_related("question_sources__source__author")
            .annotate(answered=Exists(Answer.objects.filter(question=OuterRef("pk"))))
        )

    @admin.display(description="sources, settings and key")
    def summary(self, question):
        if not question.pk:
            return "Save the assignment, then open the question to choose its sources."
        sources = [link.source for link in question.question_sources.all()]
        problems = question_problems(question, sources)
        url = reverse("admin:exercises_question_change", args=[question.pk])
        return format_html(
            '{}<br>{}<a href="{}">Edit its sources, settings and key →</a>',
            settings_summary(question, sources) or "—",
            format_html_join(
                "", '<span class="desk-problem">To finish: {}</span><br>', ((p,) for p in problems)
            ),
            url,
        )


@admin.register(Assignment)
class AssignmentAdmin(TeacherScopedMixin, HardenedModelAdmin, admin.ModelAdmin):
    list_display = [
        "title",
        "classroom",
        "status",
        "opens_at",
        "due_at",
        "question_count",
        "submitted_count",
    ]
    list_filter = ["status", ("classroom", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["classroom"]
    search_fields = ["title", "classroom__name"]
    autocomplete_fields = ["classroom"]
    date_hierarchy = "opens_at"
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "classroom",
                    "title",
                    "instructions",
                    "status",
                    "shared_with_colleagues",
                    "set_for",
                ]
            },
        ),
        ("Dates", {"fields": ["opens_at", "due_at", "accepts_late", "time_limit"]}),
        ("Teacher's desk", {"fields": ["desk_links"]}),
    ]
    readonly_fields = ["desk_links", "set_for"]
    inlines = [AssignmentSourceInline, QuestionInline]
    actions = ["duplicate", "export_gradebook"]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if isinstance(field, forms.SplitDateTimeField):
            field.widget = LabelledSplitDateTime(field.label or db_field.verbose_name)
        return field

    def response_add(self, request, obj, post_url_continue=None):
        if "_addanother" in request.POST or "_popup" in request.POST:
            return super().response_add(request, obj, post_url_continue)
        # A new assignment's next step is its questions: straight to the builder.
        return redirect("admin:exercises_assignment_builder", obj.pk)

    def view_on_site(self, assignment):
        return preview_url(assignment)  # the students' own page would refuse a teacher

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change and {"time_limit", "due_at", "accepts_late"} & set(form.changed_data):
            answering.refresh_deadlines(obj.submissions.all())  # running clocks follow

    class Media:
        css = {"all": ["css/admin.css"]}

    def get_queryset(self, request):
        def count(**filters):
            return Subquery(
                Submission.objects.filter(assignment=OuterRef("pk"), **filters)
                .order_by()
                .values("assignment")
                .annotate(n=Count("pk"))
                .values("n")
            )

        questions = (
            Question.objects.filter(assignment=OuterRef("pk"))
            .order_by()
            .values("assignment")
            .annotate(n=Count("pk"))
            .values("n")
        )
        return (
            super()
            .get_queryset(request)
            .annotate(
                question_total=Subquery(questions),
                submitted_total=count(status=Submission.Status.SUBMITTED),
            )
        )

    @admin.display(description="questions", ordering="question_total")
    def question_count(self, assignment):
        return assignment.question_total or 0

    @admin.display(description="handed in", ordering="submitted_total")
    def submitted_count(self, assignment):
        url = reverse("admin:exercises_submission_changelist")
        return format_html(
            '<a href="{}?assignment__id__exact={}">{}</a>',
            url,
            assignment.pk,
            assignment.submitted_total or 0,
        )

    @admin.display(description="set for")
    def set_for(self, assignment):
        # Follow-up work is set from the markbook, for the students its filter found.
        chosen = [s.get_full_name() or s.username for s in assignment.chosen_students.all()]
        return ", ".join(chosen) + " only" if chosen else "The whole class"

    @admin.display(description="links")
    def desk_links(self, assignment):
        if not assignment.pk:
            return "Save the assignment first."
        links = [
            (
                reverse("admin:exercises_assignment_builder", args=[assignment.pk]),
                "Build its questions on one page",
            ),
            (
                reverse("admin:exercises_question_add") + f"?assignment={assignment.pk}",
                "Add a question on its own page",
            ),
            (
                reverse("admin:exercises_question_templates", args=[assignment.pk]),
                "Add a question from an exam-board template",
            ),
            (
                reverse("admin:exercises_submission_changelist")
                + f"?assignment__id__exact={assignment.pk}",
                "Grade the submissions",
            ),
            (
                reverse("admin:exercises_workspace", args=[assignment.pk]),
                "Mark in the workspace",
            ),
            (
                reverse("admin:exercises_assignment_gradebook", args=[assignment.pk]),
                "Download the gradebook (CSV)",
            ),
            (reverse("exercises:analytics", args=[assignment.pk]), "Class analytics"),
            (
                reverse("admin:exercises_markbook_class", args=[assignment.classroom_id]),
                "The class's markbook",
            ),
        ]
        links.insert(0, (preview_url(assignment), "Preview as a student"))
        return format_html_join(" · ", '<a href="{}">{}</a>', links)

    @admin.action(description="Duplicate (as a draft copy, with questions and sources)")
    def duplicate(self, request, queryset):
        copies = [authoring.duplicate_assignment(assignment) for assignment in queryset]
        if len(copies) == 1:
            messages.success(
                request,
                format_html(
                    "Copied as {}. Change its class and dates, then publish it.",
                    admin_link(copies[0]),
                ),
            )
        else:
            messages.success(
                request,
                counted(len(copies), "%(count)d assignment copied", "%(count)d assignments copied")
                + " as drafts.",
            )

    @admin.action(description="Export the gradebook (CSV)")
    def export_gradebook(self, request, queryset):
        assignments = list(queryset[:2])
        if len(assignments) != 1:
            messages.error(request, "Choose one assignment: a gradebook is one assignment's.")
            return None
        return gradebook.gradebook_response(assignments[0])


@admin.register(Question)
class QuestionAdmin(TeacherScopedMixin, HardenedModelAdmin, admin.ModelAdmin):
    form = QuestionForm
    list_display = ["short_prompt", "assignment", "kind", "points", "order"]
    list_filter = ["kind", ("assignment", AssignmentFilter)]
    list_select_related = ["assignment"]
    search_fields = ["prompt", "assignment__title"]
    autocomplete_fields = ["assignment", "rubric"]
    fieldsets = [
        (None, {"fields": ["assignment", ("order", "kind"), "prompt", "chosen_sources"]}),
        *kind_fieldsets(),
        ("Marking", {"fields": ["points", "rubric", "model_answer", ("skill", "objective")]}),
    ]

    class Media:
        js = ["js/admin_question.js"]
        css = {"all": ["css/admin.css"]}

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        site = self.admin_site

        class BoundQuestionForm(form):
            def __init__(self, *args, **kw):
                kw.setdefault("admin_site", site)
                super().__init__(*args, **kw)

        return BoundQuestionForm

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        assignment = initial.get("assignment")
        if (
            assignment
            and not teacher_scope(
                Assignment.objects.filter(pk=assignment if str(assignment).isdigit() else None),
                request.user,
            ).exists()
        ):
            initial.pop("assignment")
        return initial

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        form.save_sources()
        question = form.instance
        if change and question.key != form.key_before and question.rules.objective:
            scored = question.answers.filter(auto_score__isnull=False).count()
            if scored:
                url = reverse("admin:exercises_submission_changelist")
                messages.warning(
                    request,
                    format_html(
                        "The key changed: {} scored with the old one. Choose "
                        '<a href="{}?assignment__id__exact={}">the submissions</a> and run '
                        "“Score the objective questions automatically” to rescore them.",
                        counted(scored, "%(count)d answer was", "%(count)d answers were"),
                        url,
                        question.assignment_id,
                    ),
                )

    def response_post_save_change(self, request, obj):
        return redirect("admin:exercises_assignment_change", obj.assignment_id)

    def response_post_save_add(self, request, obj):
        return redirect("admin:exercises_assignment_change", obj.assignment_id)

    @admin.display(description="question", ordering="prompt")
    def short_prompt(self, question):
        return Truncator(question.prompt).chars(80)
