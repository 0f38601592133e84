"""How the desk words people, counts and links in its lists and messages."""

from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import ngettext

from ..services import grading


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
