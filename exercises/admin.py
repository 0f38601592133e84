"""The teacher's desk is `exercises/desk/`, one module per area; importing them registers
their ModelAdmins and desk pages with the admin site (Django autodiscovers this module)."""

from .desk import (  # noqa: F401
    assignments,
    builder,
    classes,
    feedback_sheet,
    gradebook,
    grading_page,
    library,
    markbook,
    question_templates,
    rubric_copies,
    rubrics,
    submissions,
    workspace,
)
