"""Desk pages for authoring: questions from exam-board templates, the department library,
a teacher's own copy of a rubric. Each is a view registered on the desk's admin site
(`register_view`), served under /admin/ behind its login, with the admin's look."""

from django.contrib import admin

from . import library, rubric_copies, templates

admin.site.register_view(
    "exercises/assignment/<int:pk>/question-templates/",
    templates.question_templates,
    "exercises_question_templates",
)
admin.site.register_view(
    "exercises/department-library/",
    library.department_library,
    "exercises_department_library",
)
admin.site.register_view(
    "exercises/department-library/<int:pk>/copy/",
    library.copy_into_class,
    "exercises_department_library_copy",
)
admin.site.register_view(
    "exercises/rubric/<int:pk>/own-copy/",
    rubric_copies.own_copy,
    "exercises_rubric_own_copy",
)
