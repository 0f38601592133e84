"""Comments anchored to words of a student's answer: adding them, and placing them on the
answer as it reads now.

A comment keeps the words it was given on (`quote`) and where they stood. When the
student revises the answer (work returned for revision), the comment is placed on the same
words where they now stand (`kinds.shared.ranges.reanchor`, as a source's correction moves a
highlight); if the words are gone it is listed apart as "on words since removed", never
put on other words.
"""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError

from ..kinds.shared.ranges import reanchor
from ..models import AnchoredComment

MAX_COMMENT_LENGTH = 1000


def answer_text(answer, field_name):
    """The text of one of the answer's text fields ("" when it has none)."""
    value = (answer.response or {}).get(field_name)
    return value if isinstance(value, str) else ""


def add_comment(author, answer, field_name, quote, comment, start=None, response_required=False):
    """Anchor `comment` to `quote` in the answer's field `field_name`.

    `start` is where the teacher selected the words; without it (or if the words are not
    there), the nearest occurrence of the words is used. Raises ValidationError when the
    field is not one of the kind's text fields, the words are not in the answer, or the
    comment is empty or too long. `response_required` asks the student to respond to it
    when the work is returned for revision ("green pen").
    """
    if field_name not in answer.question.rules.text_fields:
        raise ValidationError("That part of the answer takes no comments.")
    text = answer_text(answer, field_name)
    quote = (quote or "").strip()
    comment = (comment or "").strip()
    if "\x00" in quote or "\x00" in comment:
        raise ValidationError("The comment contains a character that cannot be saved.")
    if not quote:
        raise ValidationError("Select the words to comment on.")
    if not comment:
        raise ValidationError("Write the comment.")
    if len(comment) > MAX_COMMENT_LENGTH:
        raise ValidationError(f"Keep the comment under {MAX_COMMENT_LENGTH} characters.")
    near = start if isinstance(start, int) and 0 <= start <= len(text) else 0
    kept, _ = reanchor([{"start": near, "end": near + len(quote), "quote": quote}], text)
    if not kept:
        raise ValidationError("Those words are not in the answer (it may have been revised).")
    place = kept[0]
    return AnchoredComment.objects.create(
        answer=answer,
        field=field_name,
        start=place["start"],
        end=place["end"],
        quote=quote,
        comment=comment,
        author=author,
        response_required=response_required,
    )


@dataclass
class AnnotatedText:
    """A text cut into pieces for the page: (words, comment number or None), plus the
    comments in order, and those whose words are gone."""

    pieces: list = field(default_factory=list)
    comments: list = field(default_factory=list)  # (number, AnchoredComment)
    lost: list = field(default_factory=list)


def annotate(text, comments):
    """Place `comments` (of one text field) on `text` as it reads now.

    Overlapping comments are all listed; the words are marked once, for the first.
    """
    result = AnnotatedText()
    placed = []
    for comment in sorted(comments, key=lambda c: (c.start, c.pk or 0)):
        kept, _ = reanchor(
            [{"start": comment.start, "end": comment.end, "quote": comment.quote}], text
        )
        if not kept:
            result.lost.append(comment)
            continue
        number = len(result.comments) + 1
        result.comments.append((number, comment))
        placed.append((kept[0]["start"], kept[0]["end"], number))
    position = 0
    for start, end, number in sorted(placed):
        if start < position:  # overlaps a comment already marked
            continue
        if start > position:
            result.pieces.append((text[position:start], None))
        result.pieces.append((text[start:end], number))
        position = end
    if position < len(text):
        result.pieces.append((text[position:], None))
    return result


def annotated_fields(answer, comments):
    """[(label, AnnotatedText)] for each text field of the answer's kind."""
    by_field = {}
    for comment in comments:
        by_field.setdefault(comment.field, []).append(comment)
    return [
        (label, name, annotate(answer_text(answer, name), by_field.get(name, [])))
        for name, label in answer.question.rules.text_fields.items()
    ]
