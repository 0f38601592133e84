"""The school's rules for single sign-on, whatever the provider.

- Each provider is limited to the school's e-mail domains (`allowed_domains` in the
  provider app's settings, from SSO_<PROVIDER>_DOMAINS or the admin's "Social
  applications"). Only an address the provider vouches for counts.
- Nobody becomes a teacher by signing in: only an administrator makes teachers, or the app's
  `teacher_domains` (e.g. staff.school.org) and `teacher_groups` (values of the `groups`
  claim) when a school configures them.
- A student's first sign-in that started from a class's join link lands in that class.
"""

from urllib.parse import parse_qs, urlsplit

from django.contrib.auth.models import Group
from django.db import IntegrityError, transaction
from django.urls import reverse

from exercises.models import Classroom, Enrollment

TEACHERS_GROUP = "Teachers"  # made, with its permissions, by exercises migration 0003


class Refused(Exception):
    """A sign-in the school's rules refuse; the message is shown to the person."""


def app_settings(sociallogin):
    return sociallogin.provider.app.settings or {}


def _claims(sociallogin):
    """The provider's claims about the person (OpenID Connect: userinfo, then ID token)."""
    data = sociallogin.account.extra_data or {}
    merged = {}
    for part in ("id_token", "userinfo"):
        if isinstance(data.get(part), dict):
            merged.update(data[part])
    return merged or data


def vouched_email(sociallogin):
    """The e-mail address the provider vouches for, lower-cased, or None.

    Microsoft Graph says nothing about verification: its `mail` attribute can be set to
    anything by any tenant's administrator, but the domain of `userPrincipalName` must be
    one the tenant has proved it owns, so that is the one used (never `mail`).
    """
    if sociallogin.account.provider == "microsoft":
        upn = (sociallogin.account.extra_data or {}).get("userPrincipalName") or ""
        return upn.strip().lower() or None
    for address in sociallogin.email_addresses:
        if address.verified and address.email:
            return address.email.strip().lower()
    return None


def domain_of(email):
    return email.rpartition("@")[2] if email and "@" in email else ""


def _domains(values):
    return {value.strip().lower().lstrip("@") for value in values or () if value.strip()}


def check_allowed(sociallogin):
    """Raise Refused unless the provider vouches for an address in one of its domains."""
    allowed = _domains(app_settings(sociallogin).get("allowed_domains"))
    name = sociallogin.provider.name
    if not allowed:
        raise Refused(
            f"Signing in with {name} is not set up yet: an administrator has to name the "
            "school's e-mail domains for it."
        )
    email = vouched_email(sociallogin)
    if email is None:
        raise Refused(f"{name} did not confirm an e-mail address for this account.")
    if domain_of(email) not in allowed:
        raise Refused(
            f"{email} is not a school account. Sign in with {name} using your school "
            f"account (an address ending in {', '.join('@' + d for d in sorted(allowed))})."
        )
    return email


def is_teacher_by_claims(sociallogin):
    """True when the school configured this person's domain or group as its teachers'."""
    settings = app_settings(sociallogin)
    email = vouched_email(sociallogin)
    if email and domain_of(email) in _domains(settings.get("teacher_domains")):
        return True
    wanted = {group for group in settings.get("teacher_groups") or () if group}
    groups = _claims(sociallogin).get(settings.get("groups_claim", "groups")) or []
    if isinstance(groups, str):
        groups = [groups]
    return bool(wanted.intersection(map(str, groups)))


def make_teacher(user):
    """Staff in the "Teachers" group: what an administrator would do by hand."""
    group = Group.objects.filter(name=TEACHERS_GROUP).first()
    if group is None:  # the group is made by a migration; without it, promote nobody
        return False
    if not user.is_staff:
        user.is_staff = True
        user.save(update_fields=["is_staff"])
    user.groups.add(group)
    return True


def join_code_in(next_url):
    """The class code in a join link (/classes/join/?code=...) the sign-in started from."""
    if not next_url:
        return None
    parts = urlsplit(next_url)
    if parts.scheme or parts.netloc or parts.path != reverse("exercises:join_class"):
        return None
    code = (parse_qs(parts.query).get("code") or [""])[0]
    # The join form's rule: codes are read aloud and typed on phones.
    code = "".join(code.split()).replace("-", "").upper()
    return code or None


def enrol_from_join_link(user, next_url):
    """Enrol `user` in the class whose join link they followed; the class, or None."""
    code = join_code_in(next_url)
    if code is None:
        return None
    classroom = Classroom.objects.filter(join_code=code).first()
    if classroom is None:
        return None
    try:
        with transaction.atomic():
            Enrollment.objects.get_or_create(classroom=classroom, student=user)
    except IntegrityError:  # enrolled at the same moment by another request
        pass
    return classroom
