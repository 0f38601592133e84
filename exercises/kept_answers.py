"""Answers a student sent after their session had ended, kept until they log in again.

A save (autosave or the Save button) that arrives after the session expired comes from
nobody, so it cannot be saved. Rather than lose it, it is kept in the new, anonymous
session: logging in keeps a session's data (Django only changes its key), so the
assignment page finds it after the login and saves it there.

Each answer form carries a signed token naming the student the page was made for, and a
kept answer is only ever used for that student: on a shared computer, the next student to
log in never gets someone else's text. Without a valid token nothing is kept.
"""

import json

from django.core import signing
from django.utils import timezone

SESSION_KEY = "exercises:kept_answers"
OWNER_FIELD = "owner"
OWNER_SALT = "exercises.kept-answer-owner"
# A page left open over a long weekend still keeps what is typed into it.
OWNER_TOKEN_MAX_AGE = 60 * 60 * 24 * 14
# The session is one database row: keep the most recent answers up to this size.
MAX_KEPT_CHARACTERS = 200_000
NOT_KEPT_FIELDS = {"csrfmiddlewaretoken", OWNER_FIELD}


def owner_token(user):
    """The token an answer form carries, naming the student its page was made for."""
    return signing.dumps(user.pk, salt=OWNER_SALT)


def _owner(data):
    token = data.get(OWNER_FIELD)
    if not isinstance(token, str) or not token:
        return None
    try:
        owner = signing.loads(token, salt=OWNER_SALT, max_age=OWNER_TOKEN_MAX_AGE)
    except signing.BadSignature:
        return None
    return owner if isinstance(owner, int) else None


def _key(assignment_pk, question_pk):
    return f"{assignment_pk}:{question_pk}"


def _size(entry):
    return len(json.dumps(entry))


def keep(request, assignment_pk, question_pk):
    """Keep the answer posted by a logged-out student; return whether it was kept.

    A later answer to the same question replaces an earlier one. The oldest answers are
    dropped when the session would grow beyond MAX_KEPT_CHARACTERS.
    """
    owner = _owner(request.POST)
    if owner is None:
        return False
    entry = {
        "owner": owner,
        "fields": {
            name: request.POST.getlist(name) for name in request.POST if name not in NOT_KEPT_FIELDS
        },
        "sent_at": timezone.now().isoformat(),
    }
    if _size(entry) > MAX_KEPT_CHARACTERS:
        return False
    kept = dict(request.session.get(SESSION_KEY) or {})
    key = _key(assignment_pk, question_pk)
    kept.pop(key, None)
    kept[key] = entry  # last in, so dropped last
    while sum(_size(value) for value in kept.values()) > MAX_KEPT_CHARACTERS:
        kept.pop(next(iter(kept)))
    request.session[SESSION_KEY] = kept
    return True


def kept_for(request, assignment):
    """{question pk: posted fields} of the answers this student sent to the assignment
    while logged out. Answers kept for anyone else are dropped from the session."""
    kept = request.session.get(SESSION_KEY)
    if not kept:
        return {}
    user_pk = request.user.pk
    others = [key for key, entry in kept.items() if entry.get("owner") != user_pk]
    if others:
        request.session[SESSION_KEY] = {
            key: entry for key, entry in kept.items() if key not in others
        }
    prefix = f"{assignment.pk}:"
    return {
        int(key.removeprefix(prefix)): entry["fields"]
        for key, entry in kept.items()
        if key.startswith(prefix) and key not in others
    }


def forget(request, assignment_pk, question_pk):
    """The answer is saved (or was shown for the last time): stop keeping it."""
    kept = request.session.get(SESSION_KEY)
    key = _key(assignment_pk, question_pk)
    if kept and key in kept:
        request.session[SESSION_KEY] = {k: v for k, v in kept.items() if k != key}
