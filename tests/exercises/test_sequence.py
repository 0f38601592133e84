"""The sequence kind: its rules, its scoring by the longest run in order, and its Move
buttons, which work without JavaScript by posting the form."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from exercises.kinds import KINDS
from exercises.kinds.sequence import longest_ordered_run, moved
from exercises.models import Answer
from tests import factories
from tests.exercises.conftest import add_question, save_url

SEQUENCE = KINDS["sequence"]
# Dates as the Great Purge pack gives them: Kirov's policy of reconciliation (spring 1934),
# the trial of Zinoviev and Kamenev (August 1936), of Piatakov, Radek and Sokolnikov
# (January 1937), Tukhachevsky and seven commanders charged (June 1937).
EVENTS = [
    {"id": "1", "text": "Kirov puts forward a policy of reconciliation"},
    {"id": "2", "text": "Zinoviev and Kamenev are put on trial"},
    {"id": "3", "text": "Piatakov, Radek and Sokolnikov are put on trial"},
    {"id": "4", "text": "Tukhachevsky and seven Red Army commanders are charged"},
]
KEY = {"order": ["1", "2", "3", "4"]}


def score(order, points=6):
    return SEQUENCE.score({"order": order}, {"items": EVENTS}, KEY, points, [])


def test_the_right_order_earns_every_point_and_the_reverse_none():
    assert score(["1", "2", "3", "4"]) == Decimal("6.00")
    assert score(["4", "3", "2", "1"]) == Decimal("0.00")


def test_one_event_out_of_place_costs_one_event_wherever_it_went():
    assert longest_ordered_run(["4", "1", "2", "3"], KEY["order"]) == 3
    assert score(["4", "1", "2", "3"]) == Decimal("4.00")  # 6 × (3 - 1) / (4 - 1)
    assert score(["1", "2", "4", "3"]) == Decimal("4.00")


def test_an_order_must_place_every_event_once():
    with pytest.raises(ValidationError, match="every event once"):
        SEQUENCE.clean_response({"order": ["1", "1", "2", "3"]}, {"items": EVENTS}, [])
    with pytest.raises(ValidationError, match="every event once"):
        SEQUENCE.clean_response({"order": ["1", "2"]}, {"items": EVENTS}, [])


def test_settings_need_two_to_twelve_events():
    with pytest.raises(ValidationError, match="from 2 to 12"):
        SEQUENCE.clean_settings({"items": EVENTS[:1]})


def test_a_move_swaps_with_the_neighbour_and_stops_at_the_ends():
    assert moved(["1", "2", "3"], "up:2") == ["2", "1", "3"]
    assert moved(["1", "2", "3"], "down:3") == ["1", "2", "3"]
    assert moved(["1", "2", "3"], "sideways:2") == ["1", "2", "3"]


@pytest.mark.django_db
def test_move_up_posted_without_javascript_saves_the_new_order_and_returns_to_the_question(
    client,
):
    student = factories.StudentFactory()
    assignment = factories.AssignmentFactory()
    factories.EnrollmentFactory(classroom=assignment.classroom, student=student)
    question = add_question(assignment, "sequence", settings={"items": EVENTS}, key=KEY)
    client.force_login(student)

    response = client.post(
        save_url(question), {"revision": 0, "order": ["1", "2", "3", "4"], "move": "up:3"}
    )

    assert response.status_code == 302
    assert response["Location"].endswith(f"#question-{question.pk}")
    answer = Answer.objects.get(question=question)
    assert answer.response == {"order": ["1", "3", "2", "4"]}


@pytest.mark.django_db
def test_an_order_naming_an_unknown_event_is_refused_with_a_400(client):
    student = factories.StudentFactory()
    assignment = factories.AssignmentFactory()
    factories.EnrollmentFactory(classroom=assignment.classroom, student=student)
    question = add_question(assignment, "sequence", settings={"items": EVENTS}, key=KEY)
    client.force_login(student)

    response = client.post(
        save_url(question),
        {"revision": 0, "order": ["1", "2", "3", "99"]},
        HTTP_ACCEPT="application/json",
    )

    assert response.status_code == 400
    assert not Answer.objects.filter(question=question).exists()
