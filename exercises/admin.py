"""The teacher's desk is `exercises/desk/`, one module per area; importing them registers
their ModelAdmins and desk pages with the admin site (Django autodiscovers this module)."""

from .desk import assignments, classes, gradebook, grading_page, rubrics, submissions  # noqa: F401
