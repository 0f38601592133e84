"""Signals other apps may listen to, so the teacher's desk need not know about them."""

from django.dispatch import Signal

# Sent by grading.release() with `submissions`: a queryset of the submissions just released.
# Receivers must not slow the release down: the LMS passback only enqueues a task.
grades_released = Signal()
