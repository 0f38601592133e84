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
import re

from django.core import signing
from django.utils import timezone

from purgeclass import client_json
from purgeclass.throttle import Throttle

from .forms import RANGES_MAX_CHARS
from .kinds.shared.answer_form import OWNER_FIELD, TOKEN_FIELDS

KEY = re.compile(r"\d{1,18}:\d{1,18}")

SESSION_KEY = "exercises:kept_answers"
OWNER_SALT = "exercises.kept-answer-owner"
# A page left open over a long weekend still keeps what is typed into it.
OWNER_TOKEN_MAX_AGE = 60 * 60 * 24 * 14
# The session is one database row: keep the most recent answers up to this size and number
# (an assignment has a dozen questions at most).
MAX_KEPT_CHARACTERS = 200_000
MAX_KEPT_ANSWERS = 30
NOT_KEPT_FIELDS = set(TOKEN_FIELDS)  # a replayed answer is sent with fresh ones
# Fields that carry JSON: only kept when they can be read (see `_readable`).
JSON_FIELDS = {"ranges"}
# Each save sent without a session cookie makes a new session row. A student whose session
# ended needs one (or a few, with several tabs or devices); beyond that a token is refused.
NEW_SESSIONS_PER_OWNER = Throttle("kept-answer-sessions", limit=10, window=60 * 60)


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


def _readable(fields):
    """Whether posted fields are plain lists of text, their JSON fields readable."""
    if not isinstance(fields, dict):
        return False
    for name, values in fields.items():
        if not (isinstance(values, list) and all(isinstance(v, str) for v in values)):
            return False
        if name in JSON_FIELDS:
            try:
                for value in values:
                    client_json.loads(value or "[]", max_chars=RANGES_MAX_CHARS, max_depth=4)
            except client_json.ClientJSONError:
                return False
    return True


def _valid_entries(kept):
    """The session's kept answers that have the shape `keep` gives them: a session written
    by an older version, or altered, must not break the student's page."""
    if not isinstance(kept, dict):
        return {}
    return {
        key: entry
        for key, entry in kept.items()
        if isinstance(key, str)
        and KEY.fullmatch(key)
        and isinstance(entry, dict)
        and isinstance(entry.get("owner"), int)
        and _readable(entry.get("fields"))
    }


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
    if _size(entry) > MAX_KEPT_CHARACTERS or not _readable(entry["fields"]):
        return False
    kept = _valid_entries(request.session.get(SESSION_KEY))
    if not kept and not NEW_SESSIONS_PER_OWNER.allow(f"owner:{owner}"):
        return False
    key = _key(assignment_pk, question_pk)
    kept.pop(key, None)
    kept[key] = entry  # last in, so dropped last
    while (
        len(kept) > MAX_KEPT_ANSWERS
        or sum(_size(value) for value in kept.values()) > MAX_KEPT_CHARACTERS
    ):
        kept.pop(next(iter(kept)))
    request.session[SESSION_KEY] = kept
    return True


def kept_for(request, assignment):
    """{question pk: posted fields} of the answers this student sent to the assignment
    while logged out. Answers kept for anyone else are dropped from the session."""
    stored = request.session.get(SESSION_KEY)
    if not stored:
        return {}
    kept = _valid_entries(stored)
    user_pk = request.user.pk
    others = [key for key, entry in kept.items() if entry.get("owner") != user_pk]
    if others or kept != stored:
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
    if isinstance(kept, dict) and key in kept:
        request.session[SESSION_KEY] = {k: v for k, v in kept.items() if k != key}
