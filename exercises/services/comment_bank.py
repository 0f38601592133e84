"""The comment bank: a teacher's reusable comments, per rubric criterion and level.

A bank is private to the teacher who writes it (`CommentBankEntry.objects.owned_by`):
another teacher neither sees nor edits it, so a bank can hold a teacher's own shorthand
without it reaching a colleague's marking. Entries hang off a rubric's criterion, not an
assignment, so they come back wherever the rubric is used.
"""

import re

from ..models import CommentBankEntry

# "#P1" in a feedback box: a hash, then the code, at a word's start.
CODE_IN_TEXT = re.compile(r"(?<![\w#])#([A-Za-z0-9]{1,12})\b")


def bank_for(user, criteria):
    """The user's entries for these criteria, in the order the workspace offers them."""
    return list(
        CommentBankEntry.objects.owned_by(user)
        .filter(criterion__in=criteria)
        .select_related("level")
        .order_by("criterion_id", "level__order", "code")
    )


def expand_codes(text, entries):
    """The feedback with each `#code` of the teacher's bank replaced by the comment's text.

    Codes are matched without regard to case (teachers type "p1" as often as "P1"); a code
    that is not in the bank is left as typed, so nothing the teacher wrote is lost.
    """
    by_code = {entry.code.lower(): entry.text for entry in entries}
    if not by_code or "#" not in text:
        return text
    return CODE_IN_TEXT.sub(lambda m: by_code.get(m.group(1).lower(), m.group(0)), text)
