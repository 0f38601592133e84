"""The desk's classes: a class and its teachers, its students' places and accommodations,
and the roster import that creates student accounts from a CSV file (django-import-export).
"""

import secrets

from axes.utils import reset as axes_reset
from django.contrib import admin, messages
from django.contrib.auth import get_user_model, password_validation
from django.core.exceptions import ValidationError
from django.db.models import Count, OuterRef, Subquery
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from import_export import fields, resources
from import_export.admin import ImportMixin
from import_export.formats.base_formats import CSV

from purgeclass.admin_site import HardenedModelAdmin
from purgeclass.signed import sign_for

from ..models import Classroom, Enrollment, Submission
from ..services import answering
from .forms.classes import (
    STUDENT_IMPORT,
    StudentConfirmImportForm,
    StudentImportForm,
    UploadInConfirmForm,
)
from .naming import counted, names, person
from .scope import TeacherScopedMixin

# The roster import: student accounts from a CSV file ---------------------------------------

PASSWORD_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no l/1, o/0: copied by hand


def new_password():
    words = ["".join(secrets.choice(PASSWORD_ALPHABET) for _ in range(4)) for _ in range(3)]
    return "-".join(words)


class _PreviewedColumn(fields.Field):
    """A column that is no attribute of the user: the import reads it itself, and the
    preview shows what it will do with it."""

    def __init__(self, preview, **kwargs):
        super().__init__(attribute=None, **kwargs)
        self.preview = preview

    def export(self, instance, **kwargs):
        return self.preview(instance) if instance.username else ""


class StudentResource(resources.ModelResource):
    """Student accounts from a spreadsheet: one row per student, enrolled in a class.

    Columns: username, first_name, last_name, email, password (optional: one is made up and
    shown once after the import), join_code (optional: the class chosen on the import page
    is used otherwise). Only new accounts are created, only in the importing teacher's
    classes; one bad row stops the whole import.
    """

    password = _PreviewedColumn(
        lambda user: (
            "(made up on import, shown once)"
            if getattr(user, "made_up_password", "")
            else "(as given)"
        ),
        column_name="password",
    )
    join_code = _PreviewedColumn(
        lambda user: (
            f"{user.enrol_in.join_code} ({user.enrol_in})"
            if getattr(user, "enrol_in", None)
            else ""
        ),
        column_name="join_code",
    )

    class Meta:
        model = get_user_model()
        fields = ["username", "first_name", "last_name", "email", "password", "join_code"]
        import_id_fields = ["username"]
        clean_model_instances = True
        use_transactions = True
        skip_unchanged = False
        store_instance = True
        skip_html_diff = True  # the preview shows the rows itself, without inline styles

    def __init__(self, teacher=None, classroom=None, **kwargs):
        super().__init__(**kwargs)
        self.teacher = teacher
        self.classroom = classroom

    @classmethod
    def get_display_name(cls):
        return "Student accounts"

    def _classroom_for(self, row):
        code = str(row.get("join_code") or "").strip().upper()
        if not code:
            if self.classroom is None:
                raise ValidationError(
                    {"join_code": "Give the class's join code, or choose a class above."}
                )
            return self.classroom
        classroom = Classroom.objects.taught_by(self.teacher).filter(join_code=code).first()
        if classroom is None:
            raise ValidationError({"join_code": f"None of your classes has the join code {code}."})
        return classroom

    def before_import(self, dataset, **kwargs):
        # A file whose first line is blank has no column names: import-export would then
        # read its rows against no headers and fail with a server error. Refuse it here,
        # with the rows dropped so that nothing is read.
        if not any(str(name or "").strip() for name in dataset.headers or []):
            dataset.wipe()
            raise ValidationError(
                "The first line of the file must name the columns: "
                + ",".join(self._meta.fields)
                + "."
            )
        super().before_import(dataset, **kwargs)

    def before_import_row(self, row, **kwargs):
        for name in ("username", "first_name", "last_name", "email", "password", "join_code"):
            if row.get(name) is None:
                row[name] = ""
            row[name] = str(row[name]).strip()
        if not row["username"]:
            raise ValidationError({"username": "Every row needs a username."})

    def after_init_instance(self, instance, new, row, **kwargs):
        if not new:
            raise ValidationError(
                {
                    "username": f"The username {row['username']} is already taken. "
                    "Choose another one; existing accounts are never changed by an import."
                }
            )

    def import_instance(self, instance, row, **kwargs):
        errors = {}
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        try:
            instance.enrol_in = self._classroom_for(row)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        password = row.get("password", "")
        instance.made_up_password = ""
        if password:
            try:
                password_validation.validate_password(password, instance)
            except ValidationError as error:
                errors.setdefault("password", []).extend(error.messages)
        else:
            password = new_password()
            instance.made_up_password = password
        instance.set_password(password)
        instance.is_staff = False
        instance.is_superuser = False
        if errors:
            raise ValidationError(errors)

    def after_save_instance(self, instance, row, **kwargs):
        Enrollment.objects.get_or_create(classroom=instance.enrol_in, student=instance)


def imported_accounts(result):
    """[(user, class, password made up or "")] of a finished import, for the result page."""
    return [
        (row.instance, row.instance.enrol_in, row.instance.made_up_password)
        for row in result.rows
        if row.instance is not None and hasattr(row.instance, "enrol_in")
    ]


# Classes and their students -----------------------------------------------------------------


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
    resource_classes = [StudentResource]
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
        accounts = imported_accounts(result)
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
