"""The teacher's desk: classes, assignments and their questions, rubrics, grading.

A teacher is a staff user in the "Teachers" group (see migration 0003). The group's
permissions say what kinds of thing a teacher may touch; `TeacherScopedMixin` narrows them
to the classes the teacher teaches, everywhere the admin reaches the database for them:
change lists, change pages, autocomplete results, the choices of related fields, bulk
actions and exports. Sources and rubrics are shared by all teachers. A superuser sees all.
"""

import copy

from axes.utils import reset as axes_reset
from django.contrib import admin, messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.templatetags.admin_urls import add_preserved_filters
from django.contrib.admin.utils import unquote
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import connection
from django.db.models import Count, Exists, OuterRef, Prefetch, Subquery
from django.http import Http404, QueryDict
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import cached_property
from django.utils.html import format_html, format_html_join
from django.utils.text import Truncator
from django.utils.translation import ngettext
from import_export.admin import ImportMixin
from import_export.formats.base_formats import CSV

from purgeclass.admin_site import HardenedModelAdmin
from purgeclass.signed import sign_for

from . import grading
from .admin_forms import (
    STUDENT_IMPORT,
    AssignmentSourceFormSet,
    GradeForm,
    LevelForm,
    QuestionForm,
    QuestionInlineForm,
    QuestionInlineFormSet,
    StudentConfirmImportForm,
    StudentImportForm,
    UploadInConfirmForm,
    kind_fieldsets,
    marks,
    question_problems,
    rubric_maximum,
)
from .models import (
    Answer,
    Assignment,
    AssignmentSource,
    Classroom,
    Criterion,
    Enrollment,
    Grade,
    Level,
    Question,
    Rubric,
    Submission,
)
from .services import answering

# Who sees what -----------------------------------------------------------------------------

# How each model of a class hangs off it: the lookup from the model to its class.
CLASS_OF = {
    Classroom: "pk",
    Enrollment: "classroom",
    Assignment: "classroom",
    AssignmentSource: "assignment__classroom",
    Question: "assignment__classroom",
    Submission: "assignment__classroom",
    Answer: "submission__assignment__classroom",
    Grade: "answer__submission__assignment__classroom",
}


def teacher_scope(queryset, user):
    """Narrow a queryset of a class's things to the classes `user` teaches.

    Shared material (sources, rubrics) is returned as it is. A superuser sees everything.
    """
    lookup = CLASS_OF.get(queryset.model)
    if lookup is None or user.is_superuser:
        return queryset
    return queryset.filter(**{f"{lookup}__in": Classroom.objects.taught_by(user).values("pk")})


class TeacherScopedMixin:
    """For ModelAdmins and inlines: a teacher works on their own classes only."""

    def get_queryset(self, request):
        return teacher_scope(super().get_queryset(request), request.user)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        model = db_field.related_model
        if model in CLASS_OF and "queryset" not in kwargs:
            kwargs["queryset"] = teacher_scope(model._default_manager.all(), request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class LargeTablePaginator(Paginator):
    """Does not COUNT(*) a huge table: an unfiltered list on PostgreSQL uses the planner's
    estimate of the table's size (as healthchecks' admin does). A teacher's list is always
    filtered to their classes, so it is counted exactly, and is never huge."""

    ESTIMATE_ABOVE = 10_000

    @cached_property
    def count(self):
        query = getattr(self.object_list, "query", None)
        if query is not None and not query.where and connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT reltuples FROM pg_class WHERE relname = %s",
                    [query.model._meta.db_table],
                )
                row = cursor.fetchone()
            estimate = int(row[0]) if row else 0
            if estimate > self.ESTIMATE_ABOVE:
                return estimate
        return super().count


def person(user):
    """A person as the desk names them: full name, else username."""
    if user is None:
        return ""
    return grading.pupil_name(user)


def counted(count, singular, plural):
    """ "1 answer" / "3 answers": a count with its noun in the right number (ngettext)."""
    return ngettext(singular, plural, count) % {"count": count}


def names(users):
    """The pupils' names in alphabetical order, joined with commas."""
    return ", ".join(sorted(person(user) for user in users))


def admin_link(obj, text=None):
    opts = obj._meta
    url = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
    return format_html('<a href="{}">{}</a>', url, text or obj)


# Classes and students -------------------------------------------------------------------------


def accommodation_label(extra_time, extended_due_at, note):
    """A compact mark of a student's accommodations for the teacher's lists ("" if none):
    "+25% · due 5 May · note", the note itself in the tooltip."""
    parts = []
    if extra_time:
        parts.append(f"+{extra_time}%")
    if extended_due_at:
        parts.append(f"due {date_format(timezone.localtime(extended_due_at), 'j M')}")
    if note:
        parts.append("note")
    if not parts:
        return ""
    return format_html('<span class="accommodation" title="{}">{}</span>', note, " · ".join(parts))


class EnrollmentInline(TeacherScopedMixin, admin.TabularInline):
    model = Enrollment
    verbose_name = "student"
    verbose_name_plural = "students"
    fields = ["student_name", "student_username", "joined_at"]
    readonly_fields = fields
    extra = 0

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("student")

    def has_add_permission(self, request, obj=None):
        return False  # students join with the class's code, or are imported

    @admin.display(description="name")
    def student_name(self, enrollment):
        return person(enrollment.student)

    @admin.display(description="username")
    def student_username(self, enrollment):
        return enrollment.student.username


@admin.register(Classroom)
class ClassroomAdmin(TeacherScopedMixin, HardenedModelAdmin, admin.ModelAdmin):
    list_display = ["name", "teacher_names", "student_count", "join_code"]
    search_fields = ["name", "join_code"]
    fields = ["name", "teachers", "join_code", "import_students"]
    readonly_fields = ["join_code", "import_students"]
    filter_horizontal = ["teachers"]
    inlines = [EnrollmentInline]

    def get_queryset(self, request):
        students = (
            Enrollment.objects.filter(classroom=OuterRef("pk"))
            .order_by()
            .values("classroom")
            .annotate(n=Count("pk"))
            .values("n")
        )
        return (
            super()
            .get_queryset(request)
            .prefetch_related("teachers")
            .annotate(student_count=Subquery(students))
        )

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "teachers":
            kwargs["queryset"] = get_user_model().objects.filter(is_staff=True)
            kwargs["help_text"] = "Everyone who teaches this class sees and grades its work."
            if not request.user.is_superuser:
                kwargs["required"] = False
                kwargs["help_text"] += " You stay one of them."
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if not request.user.is_superuser:
            # A teacher's new class is theirs, and they cannot lock themselves out of one.
            form.instance.teachers.add(request.user)

    @admin.display(description="teachers")
    def teacher_names(self, classroom):
        return ", ".join(person(teacher) for teacher in classroom.teachers.all())

    @admin.display(description="students", ordering="student_count")
    def student_count(self, classroom):
        return classroom.student_count or 0

    @admin.display(description="import students")
    def import_students(self, classroom):
        if not classroom.pk:
            return "Save the class first."
        url = reverse("admin:exercises_enrollment_import")
        return format_html(
            '<a href="{}?classroom={}">Create student accounts from a CSV file</a>',
            url,
            classroom.pk,
        )


@admin.register(Enrollment)
class EnrollmentAdmin(ImportMixin, TeacherScopedMixin, HardenedModelAdmin, admin.ModelAdmin):
    """Students' places in classes; new student accounts are imported from a CSV file."""

    list_display = ["student_name", "student_username", "classroom", "joined_at", "accommodation"]
    list_filter = [("classroom", admin.RelatedOnlyFieldListFilter)]
    # Only the accommodations change here: a student moves class by joining or by import.
    fields = [
        "student_name",
        "classroom",
        "joined_at",
        "extra_time_percent",
        "extended_due_at",
        "accommodation_note",
    ]
    readonly_fields = ["student_name", "classroom", "joined_at"]
    list_select_related = ["student", "classroom"]
    search_fields = [
        "student__username",
        "student__first_name",
        "student__last_name",
        "classroom__name",
    ]
    resource_classes = [grading.StudentResource]
    import_formats = [CSV]
    import_form_class = StudentImportForm
    confirm_form_class = StudentConfirmImportForm
    # Not a temporary file: the confirmation may reach another app server.
    tmp_storage_class = UploadInConfirmForm
    import_template_name = "admin/exercises/enrollment/import.html"

    def has_add_permission(self, request):
        return False  # a student is added by joining with the code, or by import

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if {"extra_time_percent", "extended_due_at"} & set(form.changed_data):
            # Running clocks of this student's timed work follow the new accommodation.
            answering.refresh_deadlines(
                Submission.objects.filter(assignment__classroom=obj.classroom, student=obj.student)
            )

    @admin.display(description="accommodation")
    def accommodation(self, enrollment):
        return accommodation_label(
            enrollment.extra_time_percent,
            enrollment.extended_due_at,
            enrollment.accommodation_note,
        )

    def has_import_permission(self, request):
        return request.user.has_perm("exercises.add_enrollment")

    actions = ["unlock_logins"]

    def has_unlock_permission(self, request):
        # Lifting a login lock-out (too many wrong passwords) changes the student's access, so
        # it needs change permission on enrolments, not just sight of them (the Teachers
        # group has it: migration 0005). The list is already narrowed to their classes.
        return request.user.has_perm("exercises.change_enrollment")

    @admin.action(
        description="Unlock the selected students' logins (after too many wrong passwords)",
        permissions=["unlock"],
    )
    def unlock_logins(self, request, queryset):
        students = {enrollment.student for enrollment in queryset.select_related("student")}
        cleared = sum(axes_reset(username=student.username) for student in students)
        self.message_user(
            request,
            counted(len(students), "Unlocked %(count)d student", "Unlocked %(count)d students")
            + f" ({names(students)}); "
            + counted(
                cleared,
                "%(count)d failed login record cleared.",
                "%(count)d failed login records cleared.",
            ),
            messages.SUCCESS,
        )

    @admin.display(description="student", ordering="student__last_name")
    def student_name(self, enrollment):
        return person(enrollment.student)

    @admin.display(description="username", ordering="student__username")
    def student_username(self, enrollment):
        return enrollment.student.username

    # Import: the class is one of the importing teacher's.

    def _taught(self, request):
        return Classroom.objects.taught_by(request.user)

    def create_import_form(self, request):
        form = super().create_import_form(request)
        form.fields["classroom"].queryset = self._taught(request)
        return form

    def get_import_form_initial(self, request):
        return {"classroom": request.GET.get("classroom")}

    def create_confirm_form(self, request, import_form=None):
        form = super().create_confirm_form(request, import_form)
        form.fields["classroom"].queryset = self._taught(request)
        form.user = request.user
        form.format_count = len(self.get_import_formats())
        form.resource_count = len(self.get_import_resource_classes(request))
        return form

    def get_confirm_form_initial(self, request, import_form):
        initial = super().get_confirm_form_initial(request, import_form)
        if import_form is not None:
            # The file rides in the form: signed for this teacher, for an hour.
            initial["import_file_name"] = sign_for(
                request.user, STUDENT_IMPORT, initial["import_file_name"]
            )
            if import_form.cleaned_data.get("classroom"):
                initial["classroom"] = import_form.cleaned_data["classroom"].pk
        return initial

    def process_import(self, request, **kwargs):
        response = super().process_import(request, **kwargs)
        if getattr(response, "context_data", {}).get("errors"):
            response.status_code = 400  # an altered or expired confirmation: nothing imported
        return response

    def get_import_resource_kwargs(self, request, **kwargs):
        form = kwargs.get("form")
        classroom = None
        if form is not None and hasattr(form, "cleaned_data"):
            classroom = form.cleaned_data.get("classroom")
        return {"teacher": request.user, "classroom": classroom}

    def get_import_data_kwargs(self, **kwargs):
        kwargs = super().get_import_data_kwargs(**kwargs)
        kwargs["rollback_on_validation_errors"] = True  # one bad row: nothing is imported
        return kwargs

    def process_result(self, result, request):
        if result.has_errors() or result.has_validation_errors():
            messages.error(
                request,
                "Nothing was imported: some rows were refused. Correct the file and "
                "upload it again.",
            )
            return redirect("admin:exercises_enrollment_import")
        self.generate_log_entries(result, request)
        accounts = grading.imported_accounts(result)
        context = {
            **self.admin_site.each_context(request),
            "title": counted(
                len(accounts),
                "%(count)d student account created",
                "%(count)d student accounts created",
            ),
            "opts": self.opts,
            "accounts": accounts,
        }
        return TemplateResponse(request, "admin/exercises/enrollment/import_result.html", context)


# Rubrics -------------------------------------------------------------------------------------


class LevelInline(admin.TabularInline):
    model = Level
    form = LevelForm
    extra = 0
    verbose_name = "level of response"
    verbose_name_plural = "levels of response (the grader picks a level, then a mark in its band)"


class CriterionInline(admin.TabularInline):
    model = Criterion
    fields = ["order", "name", "description", "levels"]
    readonly_fields = ["levels"]
    extra = 0
    show_change_link = True

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("levels")

    @admin.display(description="levels of response")
    def levels(self, criterion):
        if not criterion.pk:
            return "Save, then open the criterion to add its levels."
        return ", ".join(str(level) for level in criterion.levels.all()) or "None yet: open it"


@admin.register(Rubric)
class RubricAdmin(HardenedModelAdmin, admin.ModelAdmin):
    list_display = ["name", "criterion_count", "maximum"]
    search_fields = ["name", "description"]
    inlines = [CriterionInline]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(criterion_count=Count("criteria"))
            .prefetch_related("criteria__levels")
            .order_by("name")  # Meta.ordering is dropped from GROUP BY queries
        )

    @admin.display(description="criteria", ordering="criterion_count")
    def criterion_count(self, rubric):
        return rubric.criterion_count

    @admin.display(description="maximum marks")
    def maximum(self, rubric):
        return marks(rubric_maximum(rubric))


@admin.register(Criterion)
class CriterionAdmin(HardenedModelAdmin, admin.ModelAdmin):
    list_display = ["name", "rubric", "order"]
    list_filter = ["rubric"]
    search_fields = ["name", "rubric__name"]
    autocomplete_fields = ["rubric"]
    inlines = [LevelInline]


# Assignments and questions -------------------------------------------------------------------


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
    fields = ["order", "kind", "prompt", ("points", "rubric"), "summary"]
    readonly_fields = ["summary"]
    autocomplete_fields = ["rubric"]
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
        (None, {"fields": ["classroom", "title", "instructions", "status"]}),
        ("Dates", {"fields": ["opens_at", "due_at", "accepts_late", "time_limit"]}),
        ("Teacher's desk", {"fields": ["desk_links"]}),
    ]
    readonly_fields = ["desk_links"]
    inlines = [AssignmentSourceInline, QuestionInline]
    actions = ["duplicate", "export_gradebook"]

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

    @admin.display(description="links")
    def desk_links(self, assignment):
        if not assignment.pk:
            return "Save the assignment first."
        links = [
            (
                reverse("admin:exercises_question_add") + f"?assignment={assignment.pk}",
                "Add a question on its own page",
            ),
            (
                reverse("admin:exercises_submission_changelist")
                + f"?assignment__id__exact={assignment.pk}",
                "Grade the submissions",
            ),
            (
                reverse("admin:exercises_assignment_gradebook", args=[assignment.pk]),
                "Download the gradebook (CSV)",
            ),
            (reverse("exercises:analytics", args=[assignment.pk]), "Class analytics"),
        ]
        links.insert(0, (preview_url(assignment), "Preview as a student"))
        return format_html_join(" · ", '<a href="{}">{}</a>', links)

    def get_urls(self):
        return [
            path(
                "<path:object_id>/gradebook/",
                self.admin_site.admin_view(self.gradebook_view),
                name="exercises_assignment_gradebook",
            )
        ] + super().get_urls()

    def gradebook_view(self, request, object_id):
        assignment = self.get_object(request, unquote(object_id))
        if assignment is None:
            raise Http404("No such assignment among your classes.")
        if not self.has_view_permission(request, assignment):
            raise PermissionDenied
        return grading.gradebook_response(assignment)

    @admin.action(description="Duplicate (as a draft copy, with questions and sources)")
    def duplicate(self, request, queryset):
        copies = [grading.duplicate_assignment(assignment) for assignment in queryset]
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
        return grading.gradebook_response(assignments[0])


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
        ("Marking", {"fields": ["points", "rubric", "model_answer"]}),
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


# Grading ------------------------------------------------------------------------------------


class GradedFilter(admin.SimpleListFilter):
    title = "graded"
    parameter_name = "graded"

    def lookups(self, request, model_admin):
        return [("yes", "Every answer has a score"), ("no", "Waiting for a score")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return grading.graded(queryset)
        if self.value() == "no":
            return grading.not_graded(queryset)
        return queryset


@admin.register(Submission)
class SubmissionAdmin(TeacherScopedMixin, HardenedModelAdmin, admin.ModelAdmin):
    # Narrow enough for a 1366-px laptop with the filters beside it: Total, Graded, By and
    # Released must show without scrolling sideways (tests/e2e/test_teacher_journey.py).
    list_display = [
        "student_name",
        "assignment_title",
        "status",
        "handed_in",
        "auto_score",
        "total_score",
        "graded",
        "graded_by",
        "released",
    ]
    list_filter = [
        ("assignment__classroom", admin.RelatedOnlyFieldListFilter),
        ("assignment", AssignmentFilter),
        "status",
        "late",
        GradedFilter,
    ]
    list_select_related = ["student", "assignment"]
    search_fields = ["student__username", "student__first_name", "student__last_name"]
    ordering = ["-submitted_at", "-pk"]
    show_full_result_count = False
    show_facets = admin.ShowFacets.NEVER  # counts per filter choice: too dear on a big table
    paginator = LargeTablePaginator
    list_per_page = 50
    actions = [
        "score_objective",
        "release_grades",
        "withdraw_release",
        "return_for_revision",
        "export_gradebook",
    ]
    grade_template = "admin/exercises/submission/grade.html"

    class Media:
        css = {"all": ["css/admin.css"]}

    def get_queryset(self, request):
        enrollment = Enrollment.objects.filter(
            classroom=OuterRef("assignment__classroom"), student=OuterRef("student")
        )
        return grading.with_scores(super().get_queryset(request)).annotate(
            extra_time=Subquery(enrollment.values("extra_time_percent")[:1]),
            extended_due_at=Subquery(enrollment.values("extended_due_at")[:1]),
            accommodation_note=Subquery(enrollment.values("accommodation_note")[:1]),
        )

    def changelist_view(self, request, extra_context=None):
        # Timed work whose clock ran out is handed in before the teacher sees the list.
        answering.hand_in_timed_out(teacher_scope(Submission.objects.all(), request.user))
        return super().changelist_view(request, extra_context)

    def has_add_permission(self, request):
        return False  # students hand in work; teachers grade it

    # Columns

    @admin.display(description="student", ordering="student__last_name")
    def student_name(self, submission):
        return person(submission.student)

    @admin.display(description="assignment", ordering="assignment__title")
    def assignment_title(self, submission):
        return Truncator(submission.assignment.title).chars(32)

    @admin.display(description="handed in", ordering="submitted_at")
    def handed_in(self, submission):
        # "Late" only when it is: a red cross for "on time" read as an error. The student's
        # accommodations and a clock that ran out go under it, not in a column of their own,
        # so the list still fits a 1366-px laptop.
        when = "–"
        if submission.submitted_at is not None:
            when = date_format(timezone.localtime(submission.submitted_at), "j M, H:i")
            if submission.late:
                when = format_html('{} <strong class="desk-late">late</strong>', when)
        notes = [
            note
            for note in (
                accommodation_label(
                    submission.extra_time,
                    submission.extended_due_at,
                    submission.accommodation_note,
                ),
                "⏱ time ran out" if submission.timed_out else "",
            )
            if note
        ]
        if not notes:
            return when
        return format_html(
            '{}<br><small class="desk-accommodation">{}</small>',
            when,
            format_html_join(" ", "{}", ((note,) for note in notes)),
        )

    @admin.display(description="auto", ordering="auto_total")
    def auto_score(self, submission):
        return _points(submission.auto_total)

    @admin.display(description="total", ordering="total")
    def total_score(self, submission):
        return _points(submission.total)

    @admin.display(description="graded", boolean=True, ordering="is_graded")
    def graded(self, submission):
        return submission.is_graded

    @admin.display(description="by", ordering="last_grader_username")
    def graded_by(self, submission):
        return (submission.last_grader_name or "").strip() or submission.last_grader_username or ""

    @admin.display(description="released", boolean=True, ordering="released_at")
    def released(self, submission):
        return submission.released_at is not None

    # Actions

    @admin.action(description="Score the objective questions automatically", permissions=["change"])
    def score_objective(self, request, queryset):
        count = grading.score_objective(queryset)
        messages.success(
            request,
            counted(count, "%(count)d answer", "%(count)d answers")
            + " to objective questions scored.",
        )

    @admin.action(
        description="Release grades to the students (fully marked work only)",
        permissions=["change"],
    )
    def release_grades(self, request, queryset):
        result = grading.release(queryset)
        count = result.released
        messages.success(
            request,
            ngettext(
                "Grades released for %(count)d submission.",
                "Grades released for %(count)d submissions.",
                count,
            )
            % {"count": count},
        )
        if result.skipped:
            messages.warning(
                request,
                format_html(
                    "{} {}.",
                    ngettext(
                        "%(count)d submission was not released:",
                        "%(count)d submissions were not released:",
                        len(result.skipped),
                    )
                    % {"count": len(result.skipped)},
                    format_html_join("; ", "{} ({})", result.skipped),
                ),
            )

    @admin.action(description="Hide released grades again", permissions=["change"])
    def withdraw_release(self, request, queryset):
        count = grading.withdraw_release(queryset)
        messages.success(
            request,
            "Grades hidden again for "
            + counted(count, "%(count)d submission.", "%(count)d submissions."),
        )

    @admin.action(description="Return to the students for revision", permissions=["change"])
    def return_for_revision(self, request, queryset):
        count = grading.return_for_revision(queryset)
        messages.success(
            request,
            counted(
                count,
                "%(count)d submission returned: the student can edit and hand it in again.",
                "%(count)d submissions returned: the students can edit and hand them in again.",
            ),
        )

    @admin.action(description="Export the gradebook of their assignment (CSV)")
    def export_gradebook(self, request, queryset):
        assignment_ids = list(
            queryset.order_by().values_list("assignment_id", flat=True).distinct()[:2]
        )
        if len(assignment_ids) != 1:
            messages.error(request, "Choose submissions of one assignment.")
            return None
        return grading.gradebook_response(Assignment.objects.get(pk=assignment_ids[0]))

    # The grading page: the whole submission, graded on one page.

    def change_view(self, request, object_id, form_url="", extra_context=None):
        submission = self.get_object(request, unquote(object_id))
        if submission is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        if not self.has_view_or_change_permission(request, submission):
            raise PermissionDenied
        answering.hand_in_if_time_up(submission)  # no query unless its clock ran out
        can_grade = self.has_change_permission(request, submission) and request.user.has_perms(
            ["exercises.add_grade", "exercises.change_grade"]
        )
        answers = self._answers(submission)
        if request.method == "POST":
            if not can_grade:
                raise PermissionDenied
            forms = [GradeForm(request.POST, answer=answer) for answer in answers]
            if all(form.is_valid() for form in forms):
                response = self._save(request, submission, forms)
                if response is not None:
                    return response
                answers, forms = self._forms_after_conflict(request, submission)
            else:
                messages.error(request, "Nothing was saved: correct the marks shown in red below.")
        else:
            forms = [GradeForm(answer=answer) for answer in answers]
        return self._grading_page(request, submission, answers, forms, can_grade)

    def _answers(self, submission):
        answers = list(
            submission.answers.select_related("question__rubric", "grade__graded_by")
            .prefetch_related(
                Prefetch(
                    "question__rubric__criteria",
                    queryset=Criterion.objects.prefetch_related("levels"),
                ),
                "grade__criterion_grades",
            )
            .order_by("question__order", "question_id")
        )
        sources = grading.question_sources([answer.question_id for answer in answers])
        for answer in answers:
            answer.sources = sources.get(answer.question_id, [])
        return answers

    def _save(self, request, submission, forms):
        inputs = [
            grading.GradeInput(
                answer=form.answer,
                version=form.cleaned_data["version"],
                score=form.cleaned_data["score"],
                feedback=form.cleaned_data["feedback"],
                override_reason=form.cleaned_data["override_reason"],
                levels=[grading.LevelChoice(*chosen) for chosen in form.levels],
            )
            for form in forms
            if form.grader_changed()
        ]
        try:
            grading.save_grades(request.user, inputs)
        except grading.GradeConflict as conflict:
            request._grade_conflicts = {c.answer.pk: c.grade for c in conflict.conflicts}
            messages.error(
                request,
                "Nothing was saved: someone else graded "
                + counted(
                    len(conflict.conflicts),
                    "%(count)d of these answers while you were working. Their grade is",
                    "%(count)d of these answers while you were working. Their grades are",
                )
                + " shown below; yours are still in the form. Save again to replace theirs "
                "with yours.",
            )
            return None
        if inputs:
            messages.success(
                request,
                counted(len(inputs), "%(count)d grade saved", "%(count)d grades saved")
                + f" for {person(submission.student)}.",
            )
        else:
            messages.info(request, "Nothing had changed: nothing was saved.")
        preserved = {"preserved_filters": self.get_preserved_filters(request), "opts": self.opts}
        if "_grade_next" in request.POST:
            following = self._next_ungraded(request, submission)
            if following is not None:
                url = reverse("admin:exercises_submission_change", args=[following])
                return redirect(add_preserved_filters(preserved, url))
            messages.info(
                request, f"Every submission handed in for {submission.assignment} is graded."
            )
            changelist = reverse("admin:exercises_submission_changelist")
            filters = request.GET.get("_changelist_filters")
            return redirect(
                f"{changelist}?{filters}"
                if filters
                else f"{changelist}?assignment__id__exact={submission.assignment_id}"
            )
        url = reverse("admin:exercises_submission_change", args=[submission.pk])
        return redirect(add_preserved_filters(preserved, url))

    def _next_ungraded(self, request, submission):
        """The id of the next handed-in submission still waiting for a score, in the order and
        with the filters of the list the teacher opened this one from (the list of this
        assignment when they came some other way); after the last row, from the top again."""
        filters = request.GET.get("_changelist_filters") or (
            f"assignment__id__exact={submission.assignment_id}"
        )
        list_request = copy.copy(request)
        list_request.method = "GET"
        list_request.GET = QueryDict(filters)
        list_request.POST = QueryDict()
        try:
            changelist = self.get_changelist_instance(list_request)
        except IncorrectLookupParameters:
            changelist = None
        if changelist is None:
            rows = self.get_queryset(request).filter(assignment_id=submission.assignment_id)
            rows = rows.order_by(*self.ordering)
        else:
            rows = changelist.get_queryset(list_request)
        order = list(rows.values_list("pk", flat=True))
        waiting = set(
            grading.not_graded(
                rows.filter(status=Submission.Status.SUBMITTED).exclude(pk=submission.pk)
            ).values_list("pk", flat=True)
        )
        here = order.index(submission.pk) + 1 if submission.pk in order else 0
        return next((pk for pk in order[here:] + order[:here] if pk in waiting), None)

    def _forms_after_conflict(self, request, submission):
        """The grader's input kept, now based on the grades as the other grader left them:
        saving again replaces theirs, knowingly."""
        conflicts = request._grade_conflicts
        data = request.POST.copy()
        answers = self._answers(submission)
        forms = []
        for answer in answers:
            if answer.pk in conflicts:
                as_saved = GradeForm(answer=answer)
                data[as_saved.add_prefix("version")] = as_saved.initial["version"]
                data.update(as_saved.loaded_values())
            form = GradeForm(data, answer=answer)
            if answer.pk in conflicts:
                form.conflict = conflicts[answer.pk]
                form.conflict_grader = person(form.conflict.graded_by) or "Another grader"
            form.is_valid()
            forms.append(form)
        return answers, forms

    def _grading_page(self, request, submission, answers, forms, can_grade):
        questions = list(submission.assignment.questions.order_by("order", "id"))
        positions = {question.pk: n for n, question in enumerate(questions, start=1)}
        answered = {answer.question_id for answer in answers}
        unanswered = [question for question in questions if question.pk not in answered]
        for question in unanswered:
            question.position = positions[question.pk]
        for answer in answers:
            answer.position = positions.get(answer.question_id)
        rows = [
            (answer, answer_view(answer), form) for answer, form in zip(answers, forms, strict=True)
        ]
        context = {
            **self.admin_site.each_context(request),
            "title": f"Grade {person(submission.student)}",
            "subtitle": str(submission.assignment),
            "opts": self.opts,
            "submission": submission,
            "rows": rows,
            "unanswered": unanswered,
            "can_grade": can_grade,
            "history": grade_history(
                submission, {answer.pk: answer.position for answer in answers}
            ),
            "original": submission,
            "has_view_permission": True,
            "media": self.media,
        }
        return TemplateResponse(request, self.grade_template, context)


def _points(value):
    return "–" if value is None else marks(value)


# How an answer is shown to its grader ------------------------------------------------------------


def answer_view(answer):
    """What the template needs to show an answer next to its question and key."""
    question, rules = answer.question, answer.question.rules
    sources = answer.sources
    view = {"kind": question.kind, "sources": sources, "template": rules.template("grading")}
    view.update(
        rules.grading_view(
            answer.response or {}, question.settings or {}, question.key or {}, sources
        )
    )
    return view


def grade_history(submission, positions):
    """Every change of a grade on this submission, newest first: who, when, what it was.

    `positions` numbers the questions as the page does: {answer id: question number}.
    """
    records = list(
        Grade.history.filter(answer__submission_id=submission.pk)
        .select_related("history_user")
        .order_by("id", "history_date", "history_id")
    )
    previous, rows = {}, []
    for record in records:
        before = previous.get(record.id)
        changes = []
        if before is None or before.score != record.score:
            changes.append(
                ("score", _points(before.score) if before else "–", _points(record.score))
            )
        if before is None or before.feedback != record.feedback:
            changes.append(
                (
                    "feedback",
                    Truncator(before.feedback).chars(120) if before else "",
                    Truncator(record.feedback).chars(120),
                )
            )
        if before is not None and before.override_reason != record.override_reason:
            changes.append(("reason for override", before.override_reason, record.override_reason))
        previous[record.id] = record
        if changes:
            rows.append(
                {
                    "when": record.history_date,
                    "who": person(record.history_user) or "(unknown)",
                    "question": positions.get(record.answer_id),
                    "changes": changes,
                }
            )
    rows.reverse()
    return rows
