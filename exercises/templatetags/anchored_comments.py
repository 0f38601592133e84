"""`{% anchored_comments answer %}`: a released answer with its teacher's comments on its
words, for the student's page (the words marked, the comments numbered below)."""

from django import template

from ..services.anchored_comments import annotated_fields

register = template.Library()


@register.inclusion_tag("exercises/_anchored_comments.html")
def anchored_comments(answer, comments=None):
    """`comments`: the answer's comments when the page has read them already (the student's
    page reads them for every answer that has some in one query, QuestionOnPage)."""
    if comments is None:
        comments = answer.anchored_comments.all() if answer else []
    comments = sorted(comments, key=lambda c: (c.start, c.pk))
    if not comments:
        return {"texts": []}
    texts = [row for row in annotated_fields(answer, comments) if row[2].comments or row[2].lost]
    return {"answer": answer, "texts": texts}
