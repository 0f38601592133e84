"""Follow-up work: a copy of an assignment set for a few students of its class only."""

from django.db import transaction

from .authoring import duplicate_assignment

SUFFIX = " (follow-up)"


class NotInClass(Exception):
    message = "Choose students of the assignment's class."


@transaction.atomic
def set_follow_up(assignment, students):
    """Copy `assignment` as a draft titled "… (follow-up)" for `students` only.

    The copy keeps the class, questions and sources; the teacher checks its dates, then
    publishes it, and only the chosen students ever see it (`AssignmentQuerySet.for_student`).
    Every student must be enrolled in the assignment's class, and there must be one.
    """
    students = list(students)
    enrolled = set(
        assignment.classroom.enrollments.filter(student__in=students).values_list(
            "student_id", flat=True
        )
    )
    if not students or any(student.pk not in enrolled for student in students):
        raise NotInClass
    copy = duplicate_assignment(assignment)
    copy.title = assignment.title[: 200 - len(SUFFIX)] + SUFFIX
    copy.save(update_fields=["title"])
    copy.chosen_students.set(students)
    return copy
