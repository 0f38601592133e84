"""When staff correct a source's text, highlight ranges follow their words or are flagged."""

import json

from django.forms.models import model_to_dict
from django.test import Client
from django.urls import reverse

from exercises.models import Answer, Question
from tests import factories

from .conftest import DAILY_WORKER, autosave


def mark(client, world, *phrases):
    ranges = []
    for phrase in phrases:
        start = DAILY_WORKER.index(phrase)
        ranges.append({"start": start, "end": start + len(phrase)})
    autosave(client, world.q["highlight"], ranges=json.dumps(ranges))


def correct(source, new_text):
    """Correct the text as staff do, in the source's admin page; return the page after it."""
    editor = Client()
    editor.force_login(factories.UserFactory(is_staff=True, is_superuser=True))
    fields = model_to_dict(source, exclude=["image"])
    data = {name: "" if value is None else value for name, value in fields.items()}
    data["text"] = new_text
    url = reverse("admin:sources_source_change", args=[source.pk])
    response = editor.post(url, data, follow=True)
    assert response.redirect_chain, response.context["adminform"].form.errors
    source.refresh_from_db()
    assert source.text == new_text
    return response


def answer_of(world):
    return Answer.objects.get(question=world.q["highlight"], submission__student=world.student)


def test_marked_words_that_moved_are_followed(student_client, world):
    mark(student_client, world, "Fascist agent Trotsky")
    corrected = "[Editor's note.] " + DAILY_WORKER
    correct(world.sources[0], corrected)
    (range_,) = answer_of(world).response["ranges"]
    assert corrected[range_["start"] : range_["end"]] == "Fascist agent Trotsky"
    assert "lost" not in answer_of(world).response


def test_the_answer_key_is_re_anchored_too(world):
    corrected = "[Editor's note.] " + DAILY_WORKER
    correct(world.sources[0], corrected)
    (range_,) = Question.objects.get(pk=world.q["highlight"].pk).key["ranges"]
    assert corrected[range_["start"] : range_["end"]] == "Fascist agent Trotsky"


def test_marked_words_that_are_gone_are_removed_and_flagged(student_client, world):
    mark(student_client, world, "Fascist agent Trotsky", "nest of wreckers")
    page = correct(world.sources[0], DAILY_WORKER.replace("nest of wreckers", "group of saboteurs"))
    told = [str(message) for message in page.context["messages"]]
    assert "Text corrected: 1 answer re-anchored, 1 passage lost." in told
    response = answer_of(world).response
    assert [r["quote"] for r in response["ranges"]] == ["Fascist agent Trotsky"]
    assert [r["quote"] for r in response["lost"]] == ["nest of wreckers"]
    html = student_client.get(world.assignment.get_absolute_url()).content.decode()
    assert "1 marked passage could not be found after the source was corrected" in html


def test_lost_passages_stay_flagged_after_the_student_saves_again(student_client, world):
    mark(student_client, world, "nest of wreckers")
    correct(world.sources[0], DAILY_WORKER.replace("nest of wreckers", "group of saboteurs"))
    answer = answer_of(world)
    autosave(student_client, world.q["highlight"], revision=answer.revision, ranges="[]")
    assert [r["quote"] for r in answer_of(world).response["lost"]] == ["nest of wreckers"]


def test_a_tab_holding_the_old_offsets_cannot_save_them_into_the_new_text(student_client, world):
    mark(student_client, world, "Fascist agent Trotsky")
    correct(world.sources[0], "[Editor's note.] " + DAILY_WORKER)
    stale = json.dumps([{"start": 0, "end": 5}])
    response = autosave(student_client, world.q["highlight"], revision=1, ranges=stale)
    assert response.status_code == 409
    assert answer_of(world).response["ranges"][0]["quote"] == "Fascist agent Trotsky"


def test_a_correction_elsewhere_in_the_source_leaves_answers_alone(student_client, world):
    mark(student_client, world, "Fascist agent Trotsky")
    before = answer_of(world)
    world.sources[0].title = "Daily Worker"
    world.sources[0].save()
    correct(world.sources[0], DAILY_WORKER + "\n\n[Source: Daily Worker]")
    after = answer_of(world)
    assert after.response == before.response and after.revision == before.revision


def test_teacher_preview_still_opens_after_a_correction(client, world):
    correct(world.sources[0], "Completely different words.")
    client.force_login(world.teacher)
    url = reverse("exercises:assignment_preview", args=[world.assignment.pk])
    assert client.get(url).status_code == 200
    assert Question.objects.get(pk=world.q["highlight"].pk).key["lost"][0]["quote"] == (
        "Fascist agent Trotsky"
    )


def test_the_editor_is_told_nothing_moved_when_no_highlight_is_on_the_source(world):
    page = correct(world.sources[2], "Source text 2, corrected.")
    assert not any("re-anchored" in str(message) for message in page.context["messages"])


def test_saving_a_source_without_changing_its_text_leaves_answers_alone(student_client, world):
    mark(student_client, world, "Fascist agent Trotsky")
    before = answer_of(world)
    correct(world.sources[0], DAILY_WORKER)
    after = answer_of(world)
    assert after.revision == before.revision
