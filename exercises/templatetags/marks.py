"""`{{ value|marks }}`: marks as `exercises.marks.marks` writes them (8, 2.5)."""

from django import template

from exercises.marks import marks as write_marks

register = template.Library()


@register.filter
def marks(value):
    return write_marks(value)
