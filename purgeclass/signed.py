"""Signed values a form carries from a preview to its confirmation (source packs, students).

One rule for both imports: the value is bound to the user it was made for (the salt names
them, so a form cannot be replayed by anyone else) and to a time limit; anything altered,
expired or sent by someone else is refused with a message, never a server error.
"""

from django.core import signing
from django.core.exceptions import ValidationError

CONFIRM_MAX_AGE = 60 * 60  # seconds between a preview and its confirmation
EXPIRED = "This preview is more than an hour old, so nothing was imported. Upload the file again."
ALTERED = "The confirmation form was altered, so nothing was imported. Upload the file again."


def _salt(purpose, user):
    return f"{purpose}:{user.pk}"


def sign_for(user, purpose, value, *, compress=False):
    return signing.dumps(value, salt=_salt(purpose, user), compress=compress)


def unsign_for(user, purpose, token, *, max_age=CONFIRM_MAX_AGE):
    """The value signed for this user and purpose; ValidationError if it is not one."""
    if not isinstance(token, str) or not token:
        raise ValidationError(ALTERED, code="altered")
    try:
        return signing.loads(token, salt=_salt(purpose, user), max_age=max_age)
    except signing.SignatureExpired:
        raise ValidationError(EXPIRED, code="expired") from None
    except (signing.BadSignature, ValueError):
        raise ValidationError(ALTERED, code="altered") from None
