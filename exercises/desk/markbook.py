"""The markbook: a class's students against its assignments and its historical-thinking
skills, a filter that finds the students who need follow-up work, and setting that work.

Desk pages of their own (`DeskAdminSite.register_view`), under /admin/exercises/markbook/:
a teacher reaches the classes they teach only (`Classroom.objects.taught_by`); any other
class is a 404, as on the rest of the desk.
"""

import csv

from django import forms
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.text import slugify
from django.views.decorators.http import require_POST

from ..models import Assignment, Classroom, Skill
from ..progress import SkillLevel, markbook
from ..services.follow_up import NotInClass, set_follow_up
from .gradebook import spreadsheet_cell

MARKBOOK_PERMISSION = "exercises.view_submission"


def _taught(request):
    if not request.user.has_perm(MARKBOOK_PERMISSION):
        raise PermissionDenied
    return Classroom.objects.taught_by(request.user)


def _classroom(request, classroom_pk):
    return get_object_or_404(_taught(request), pk=classroom_pk)


class WeakStudentsForm(forms.Form):
    """Finds students whose last few levels on a skill are all below a level."""

    skill = forms.ChoiceField(choices=Skill.choices)
    below = forms.TypedChoiceField(
        label="below", choices=SkillLevel.choices[1:], coerce=int, initial=SkillLevel.EMERGENT
    )
    last = forms.IntegerField(
        label="in each of their last",
        min_value=1,
        max_value=10,
        initial=3,
        help_text="levels on the skill (1 to 10)",
    )


class FollowUpForm(forms.Form):
    assignment = forms.ModelChoiceField(
        queryset=Assignment.objects.none(), label="Copy this assignment as follow-up work"
    )
    students = forms.ModelMultipleChoiceField(
        queryset=get_user_model().objects.none(),
        widget=forms.CheckboxSelectMultiple,
        label="for these students only",
    )

    def __init__(self, classroom, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignment"].queryset = Assignment.objects.filter(classroom=classroom)
        students = get_user_model().objects.filter(enrollments__classroom=classroom)
        self.fields["students"].queryset = students.order_by("last_name", "first_name", "pk")
        self.fields["students"].label_from_instance = lambda u: u.get_full_name() or u.username


def _sort_headers(request, markbook_, key):
    """A sortable column's (label, link, aria-sort) for the name and each assignment."""
    kept = {name: value for name, value in request.GET.items() if name != "o"}

    def header(label, column):
        state = "ascending" if key == column else "descending" if key == f"-{column}" else "none"
        wanted = f"-{column}" if state == "ascending" else column
        return {"label": label, "url": "?" + urlencode({**kept, "o": wanted}), "sort": state}

    return header("Student", "name"), [
        header(assignment.title, f"a{assignment.pk}") for assignment in markbook_.assignments
    ]


def markbook_index(request):
    """The classes whose markbooks the teacher may open."""
    context = {
        **admin.site.each_context(request),
        "title": "Markbooks",
        "classes": _taught(request).order_by("name"),
    }
    return render(request, "admin/exercises/markbook/index.html", context)


def class_markbook(request, classroom_pk):
    return _markbook_page(request, _classroom(request, classroom_pk))


def _markbook_page(request, classroom, follow_up=None, status=200):
    book = markbook(classroom)
    key = request.GET.get("o", "name")
    name_header, assignment_headers = _sort_headers(request, book, key)
    finder = WeakStudentsForm(request.GET if "skill" in request.GET else None)
    weak = None
    if finder.is_bound and not finder.is_valid():
        status = 400
    elif finder.is_valid():
        data = finder.cleaned_data
        weak = book.weak_in(data["skill"], data["below"], data["last"])
        follow_up = follow_up or FollowUpForm(
            classroom,
            initial={
                "students": [row.student.pk for row in weak],
                "assignment": book.assignments[-1].pk if book.assignments else None,
            },
        )
    context = {
        **admin.site.each_context(request),
        "title": f"Markbook: {classroom}",
        "classroom": classroom,
        "markbook": book,
        "rows": book.sorted_by(key),
        "name_header": name_header,
        "columns": list(zip(book.assignments, assignment_headers, strict=True)),
        "skills": Skill.choices,
        "finder": finder,
        "weak": weak,
        "follow_up": follow_up,
    }
    return render(request, "admin/exercises/markbook/class.html", context, status=status)


def markbook_csv(request, classroom_pk):
    """The markbook as a CSV file: marks and percentages, then the last level per skill.
    Names are written as text, never as formulas (`spreadsheet_cell`, as in the gradebook)."""
    classroom = _classroom(request, classroom_pk)
    book = markbook(classroom)
    response = HttpResponse(
        content_type="text/csv; charset=utf-8",
        headers={
            "Content-Disposition": (
                f'attachment; filename="markbook-{slugify(str(classroom)) or "class"}.csv"'
            )
        },
    )
    response.write("\ufeff")
    writer = csv.writer(response, lineterminator="\r\n")
    header = ["Last name", "First name", "Username"]
    for assignment in book.assignments:
        title = spreadsheet_cell(assignment.title)
        header += [f"{title} (marks)", f"{title} (%)"]
    header += [f"{label} (last level)" for label in Skill.labels]
    writer.writerow(header)
    for row in book.sorted_by("name"):
        student = row.student
        line = [
            spreadsheet_cell(student.last_name),
            spreadsheet_cell(student.first_name),
            spreadsheet_cell(student.username),
        ]
        for mark in row.marks:
            if not mark.set_for_student:
                line += ["not set", ""]
            elif mark.awaiting:
                line += ["awaiting marking", ""]
            else:
                earned = "" if mark.earned is None else f"{mark.earned.normalize():f}"
                line += [earned, "" if mark.percent is None else mark.percent]
        for _skill, record in row.skill_cells:
            line.append(record.evidence[-1].level_label if record else "")
        writer.writerow(line)
    return response


@require_POST
def follow_up(request, classroom_pk):
    """Copy an assignment for the students chosen (those the filter found, as ticked)."""
    classroom = _classroom(request, classroom_pk)
    if not request.user.has_perm("exercises.add_assignment"):
        raise PermissionDenied
    form = FollowUpForm(classroom, request.POST)
    if form.is_valid():
        try:
            copy = set_follow_up(form.cleaned_data["assignment"], form.cleaned_data["students"])
        except NotInClass as refused:
            form.add_error("students", refused.message)
    if not form.is_valid():
        # The page again, with the form's errors and the choices as sent: nothing is lost.
        return _markbook_page(request, classroom, follow_up=form, status=400)
    count = len(form.cleaned_data["students"])
    messages.success(
        request,
        f"“{copy.title}” is a draft for {count} student{'s' if count != 1 else ''} only: "
        "check its dates, then publish it.",
    )
    return redirect(reverse("admin:exercises_assignment_change", args=[copy.pk]))


admin.site.register_view("exercises/markbook/", markbook_index, "exercises_markbook")
admin.site.register_view(
    "exercises/markbook/<int:classroom_pk>/", class_markbook, "exercises_markbook_class"
)
admin.site.register_view(
    "exercises/markbook/<int:classroom_pk>/csv/", markbook_csv, "exercises_markbook_csv"
)
admin.site.register_view(
    "exercises/markbook/<int:classroom_pk>/follow-up/", follow_up, "exercises_markbook_follow_up"
)
