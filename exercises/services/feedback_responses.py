"""Students answering the feedback their teacher asked them to respond to ("green pen").

The teacher ticks "ask the student to respond" on an answer's feedback or on a comment on
its words; when the work is returned for revision the student writes a response to each
on the assignment page, saved with the page's Save button (or the autosave), and the
teacher reads the responses beside what changed when the work comes back.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from ..models import Answer, FeedbackResponse, Grade, Submission

MAX_RESPONSE_LENGTH = 2000


def awaiting_response(answer):
    """What of this answer's feedback asks for a response: None for the overall feedback,
    then each comment on words that does."""
    asked = []
    try:
        grade = answer.grade
    except Grade.DoesNotExist:
        grade = None
    if grade is not None and grade.response_required and grade.feedback:
        asked.append(None)
    asked.extend(comment for comment in answer.anchored_comments.all() if comment.response_required)
    return asked


def save_responses(student, submission, texts, now=None):
    """Save the student's responses: `texts` maps (answer id, comment id or None) to text.

    Only work returned for revision, released, and the student's own takes responses, and
    only to feedback that asks for one; anything else raises ValidationError and nothing
    is saved. An empty text removes the response. Returns the number saved.
    """
    now = now or timezone.now()
    if submission.student_id != student.pk:
        raise ValidationError("That work is not yours.")
    if submission.status != Submission.Status.RETURNED or not submission.is_released:
        raise ValidationError(
            "Responses to feedback can be written only while the work is returned for revision."
        )
    answers = {
        answer.pk: answer
        for answer in Answer.objects.filter(submission=submission)
        .select_related("grade")
        .prefetch_related("anchored_comments")
    }
    wanted = {}
    for (answer_id, comment_id), text in texts.items():
        answer = answers.get(answer_id)
        if answer is None:
            raise ValidationError("That answer is not part of this work.")
        asked = {c.pk if c else None for c in awaiting_response(answer)}
        if comment_id not in asked:
            raise ValidationError("That feedback does not ask for a response.")
        text = (text or "").strip()
        if "\x00" in text:
            raise ValidationError("The response contains a character that cannot be saved.")
        if len(text) > MAX_RESPONSE_LENGTH:
            raise ValidationError(f"Keep each response under {MAX_RESPONSE_LENGTH} characters.")
        wanted[(answer_id, comment_id)] = text
    saved = 0
    with transaction.atomic():
        for (answer_id, comment_id), text in wanted.items():
            existing = FeedbackResponse.objects.filter(answer_id=answer_id, comment_id=comment_id)
            if not text:
                existing.delete()
                continue
            if not existing.update(text=text, saved_at=now):
                FeedbackResponse.objects.create(
                    answer_id=answer_id, comment_id=comment_id, text=text, saved_at=now
                )
            saved += 1
    return saved
