"""The demo's exam practice in a real browser: a student answers the sequence with the Move
buttons alone, sorts the sources, weighs Deutscher's interpretation and answers an IB
question, sees each answer saved and hands in; the teacher then marks the interpretation in
the marking workspace with the rubric's levels. axe finds nothing serious on the assignment
page or on its workspace."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from exercises import demo
from exercises.kinds.shared.demo import EXAM_PRACTICE
from exercises.models import Answer, Assignment, CriterionGrade, Grade, Submission

from .steps import check_accessibility, log_in, question_box, wait_until_saved
from .test_student_journeys import tab_until

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

# Grounded in the pack: Sources 4, 5 and 6 accept the confessions, 7 doubts them.
WHY_SUPPORTS = "Zinoviev confesses and the Observer calls the case genuine."
ARGUMENT = (
    "I agree in part. Zinoviev says he is fully and utterly guilty, which fits a man who had "
    "been broken, and the New Statesman could not explain why guilty men would cringe and "
    "crawl instead of defending their plot. But Deutscher wrote in 1949 with hindsight and "
    "writes about prisons and exile, not about the courtroom, so the sources of 1936 only "
    "show that the confessions puzzled people, not how they were obtained."
)
IB_ANSWER = (
    "The correspondents at the trial said the defendants' stories corroborated each other, "
    "that they did not seem coached, and that there was no sign of duress."
)


def in_question(question, test):
    """A tab_until predicate: `test` (on `el`) inside the question's box."""
    return f"el => ({test}) && !!el.closest('#question-{question.pk}')"


def saved_response(page, submission, question, wanted):
    """The stored response once the page's last save has arrived (typing saves as it goes)."""
    answer = Answer.objects.get(submission=submission, question=question)
    for _ in range(50):
        if wanted(answer.response):
            break
        page.wait_for_timeout(200)
        answer.refresh_from_db()
    return answer.response


def test_a_student_sits_the_exam_practice_by_keyboard_and_the_teacher_marks_it_by_levels(
    new_context, live_server, demo_assignment
):
    practice = Assignment.objects.get(title=EXAM_PRACTICE, classroom__join_code=demo.DEMO_JOIN_CODE)
    questions = {q.kind: q for q in practice.questions.order_by("-order")}  # each kind's first
    sequence, grouping = questions["sequence"], questions["grouping"]
    interpretation = questions["interpretation"]
    ib_q1a = practice.questions.filter(kind="written").order_by("order").first()
    sources = {qs.source.number: qs.source for qs in grouping.question_sources.all()}

    page = new_context().new_page()
    log_in(page, live_server, "student1")
    page.goto(live_server.url + practice.get_absolute_url())
    expect(page.get_by_role("heading", level=1)).to_contain_text(EXAM_PRACTICE)
    check_accessibility(page, live_server, "the exam practice assignment")

    # The sequence, by keyboard alone: for each place, Tab to the Move up button of the
    # source that belongs there and press Enter until it is there.
    shown = [item["id"] for item in sequence.settings["items"]]
    right = sequence.key["order"]
    texts = {item["id"]: item["text"] for item in sequence.settings["items"]}
    order = question_box(page, sequence).locator(".sequence-text")
    assert order.all_inner_texts() == [texts[i] for i in shown]
    current = list(shown)
    for place, item in enumerate(right):
        steps = current.index(item) - place
        if not steps:
            continue
        tab_until(page, f"el => el.name === 'move' && el.value === 'up:{item}'")
        for _ in range(steps):
            page.keyboard.press("Enter")
        current.remove(item)
        current.insert(place, item)
        assert order.all_inner_texts() == [texts[i] for i in current]
    assert wait_until_saved(page, sequence).startswith("Saved")

    # The card sort: Space picks a source's first group, the arrow keys move along.
    for source in sources.values():
        group = grouping.key["placements"][str(source.pk)]
        tab_until(page, in_question(grouping, f"el.name === 'group-{source.pk}'"))
        page.keyboard.press("Space")
        for _ in range(int(group) - 1):
            page.keyboard.press("ArrowRight")
    tab_until(page, in_question(grouping, "el.name === 'why-1'"))
    page.keyboard.type(WHY_SUPPORTS)
    assert wait_until_saved(page, grouping).startswith("Saved")

    # The interpretation: "Agree in part", Sources 4 and 7 cited, the argument written.
    tab_until(page, in_question(interpretation, "el.name === 'agreement'"))
    page.keyboard.press("Space")  # Disagree entirely
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")  # Agree in part
    for number in (4, 7):
        cited = sources[number].pk
        tab_until(
            page, in_question(interpretation, f"el.name === 'cited' && el.value === '{cited}'")
        )
        page.keyboard.press("Space")
    tab_until(page, in_question(interpretation, "el.name === 'text'"))
    page.keyboard.type(ARGUMENT)
    assert wait_until_saved(page, interpretation).startswith("Saved")

    # IB Paper 1, Q1(a): a short written answer.
    tab_until(page, in_question(ib_q1a, "el.name === 'text'"))
    page.keyboard.type(IB_ANSWER)
    assert wait_until_saved(page, ib_q1a).startswith("Saved")
    check_accessibility(page, live_server, "the exam practice, answered by keyboard")

    submission = Submission.objects.get(assignment=practice, student__username="student1")
    assert (
        saved_response(page, submission, sequence, lambda r: r.get("order") == right)["order"]
        == right
    )
    assert saved_response(page, submission, ib_q1a, lambda r: r.get("text") == IB_ANSWER)
    weighed = saved_response(page, submission, interpretation, lambda r: r.get("text") == ARGUMENT)
    assert weighed == {
        "agreement": 3,
        "cited": [str(sources[4].pk), str(sources[7].pk)],
        "text": ARGUMENT,
    }

    # Hand in by keyboard: the objective questions score themselves.
    tab_until(page, "el => el.matches('a.review-and-submit')")
    page.keyboard.press("Enter")
    page.wait_for_url("**/submit/")
    tab_until(page, "el => el.textContent.trim() === 'Submit my answers'")
    page.keyboard.press("Enter")
    page.wait_for_url(lambda url: "/submit/" not in url)
    submission.refresh_from_db()
    assert submission.submitted_at is not None
    assert Answer.objects.get(submission=submission, question=sequence).auto_score == 4
    assert Answer.objects.get(submission=submission, question=grouping).auto_score == 6
    sorted_answer = Answer.objects.get(submission=submission, question=grouping).response
    assert sorted_answer["justifications"] == {"1": WHY_SUPPORTS}

    # The teacher opens the workspace on the interpretation and picks a level per criterion
    # with the number keys (Proficient, Emergent, Emergent, Basic), then saves.
    teacher = new_context().new_page()
    log_in(teacher, live_server, "teacher", next_url="/admin/")
    url = reverse("admin:exercises_workspace", args=[practice.pk])
    teacher.goto(f"{live_server.url}{url}?question={interpretation.pk}")
    expect(teacher.get_by_role("heading", level=1)).to_contain_text("Mark:")
    answer = Answer.objects.get(submission=submission, question=interpretation)
    section = teacher.locator(f"#answer-{answer.pk}")
    expect(section).to_contain_text("fully and utterly guilty")
    check_accessibility(teacher, live_server, "the exam practice's marking workspace")
    teacher.wait_for_function(
        "() => document.activeElement && document.activeElement.type === 'radio'"
    )
    criteria = list(interpretation.rubric.criteria.order_by("order", "id"))
    levels = ["3", "2", "2", "1"]
    assert len(criteria) == len(levels)
    for key in levels:
        teacher.keyboard.press(key)
    expect(section.locator("[data-ws-feedback]")).to_be_focused()
    teacher.keyboard.type("Good use of the New Statesman; say what Deutscher's view rests on.")
    teacher.keyboard.press("Control+Enter")
    expect(section.locator(".ws-state")).to_have_text(re.compile(r"^Saved "))
    check_accessibility(teacher, live_server, "the marking workspace, one answer marked")

    grade = Grade.objects.get(answer=answer)
    chosen = {cg.criterion_id: cg.level_name for cg in CriterionGrade.objects.filter(grade=grade)}
    assert [chosen[c.pk] for c in criteria] == ["Proficient", "Emergent", "Emergent", "Basic"]
    assert grade.score == 2 + 1 + 1 + 0
