"""`{% anchored_comments answer %}`: a released answer with its teacher's comments on its
words, for the student's page (the words marked, the comments numbered below)."""

from django import template

from ..services.anchored_comments import annotated_fields

register = template.Library()


@register.inclusion_tag("exercises/_anchored_comments.html")
def anchored_comments(answer):
    # .all(): the student's page prefetches them for every answer at once.
    comments = (
        sorted(answer.anchored_comments.all(), key=lambda c: (c.start, c.pk)) if answer else []
    )
    if not comments:
        return {"texts": []}
    texts = [row for row in annotated_fields(answer, comments) if row[2].comments or row[2].lost]
    return {"answer": answer, "texts": texts}
