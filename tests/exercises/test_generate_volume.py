import pytest
from django.core.management import CommandError, call_command

from exercises.models import Answer, Submission

SMALL = {"classes": 2, "students": 3, "assignments": 2, "questions": 8, "quiet": True}


def _answers(prefix):
    answers = Answer.objects.filter(submission__student__username__startswith=f"{prefix}-")
    return list(
        answers.order_by(
            "submission__student__username", "question__assignment__title", "question__order"
        ).values_list("question__kind", "response", "auto_score")
    )


@pytest.mark.django_db
def test_generates_an_answer_for_every_question_of_every_submission():
    call_command("generate_volume", seed=1, prefix="a", **SMALL)
    assert Submission.objects.count() == 2 * 3 * 2
    assert Answer.objects.count() == 2 * 3 * 2 * 8


@pytest.mark.django_db
def test_same_seed_generates_the_same_answers():
    call_command("generate_volume", seed=7, prefix="a", **SMALL)
    call_command("generate_volume", seed=7, prefix="b", **SMALL)
    first, second = _answers("a"), _answers("b")
    kinds_and_scores = [(kind, score) for kind, _, score in first]
    assert kinds_and_scores == [(kind, score) for kind, _, score in second]
    texts = [r.get("text") for _, r, _ in first]
    assert texts == [r.get("text") for _, r, _ in second]


@pytest.mark.django_db
def test_generated_responses_are_valid_for_their_questions():
    call_command("generate_volume", seed=2, prefix="a", **SMALL)
    answers = Answer.objects.select_related("question").prefetch_related(
        "question__question_sources__source"
    )
    for answer in answers:
        sources = [qs.source for qs in answer.question.question_sources.all()]
        assert answer.question.clean_response(answer.response, sources) == answer.response


@pytest.mark.django_db
def test_refuses_to_generate_over_an_existing_prefix():
    call_command("generate_volume", seed=1, prefix="a", **SMALL)
    with pytest.raises(CommandError, match="exist already"):
        call_command("generate_volume", seed=1, prefix="a", **SMALL)
