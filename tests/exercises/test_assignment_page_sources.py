"""The assignment page reads its sources once: the reading list and the questions' sources
come from the same rows, in the order the teacher set."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from exercises.models import Question
from tests import factories

from .conftest import add_question
from .test_source_text_cache import reading_pane


def test_reading_list_is_the_assignments_order_then_the_sources_only_questions_use(client, db):
    student = factories.StudentFactory()
    classroom = factories.ClassroomFactory()
    factories.EnrollmentFactory(classroom=classroom, student=student)
    assignment = factories.AssignmentFactory(classroom=classroom)
    unit = factories.UnitFactory()
    first, second, forgotten, also_forgotten = (
        factories.SourceFactory(unit=unit, number=n) for n in (1, 2, 3, 4)
    )
    factories.AssignmentSourceFactory(assignment=assignment, source=second, order=0)
    factories.AssignmentSourceFactory(assignment=assignment, source=first, order=1)
    add_question(assignment, Question.Kind.MATRIX, [forgotten, first], settings={"claim": "C"})
    add_question(
        assignment,
        Question.Kind.COMPARISON,
        [also_forgotten, forgotten],
        settings={"enquiry": "E", "min_justification": 0},
    )
    client.force_login(student)
    html = client.get(assignment.get_absolute_url()).content.decode()
    pane = reading_pane(html)
    shown = [pane.index(f'id="source-{source.pk}"') for source in (second, first, forgotten)]
    shown.append(pane.index(f'id="source-{also_forgotten.pk}"'))
    assert shown == sorted(shown)
    assert pane.count('class="source-card') == 4
    # Each question names its own sources, in its own order.
    assert f"Read: {source_link(forgotten)}, {source_link(first)}</p>" in html
    assert f"Read: {source_link(also_forgotten)}, {source_link(forgotten)}</p>" in html


def source_link(source):
    return f'<a href="#source-{source.pk}">Source {source.number} ({source.author.name})</a>'


def test_the_page_reads_each_source_once_and_no_unit(client, db):
    student = factories.StudentFactory()
    classroom = factories.ClassroomFactory()
    factories.EnrollmentFactory(classroom=classroom, student=student)
    assignment = factories.AssignmentFactory(classroom=classroom)
    sources = [factories.SourceFactory() for _ in range(4)]
    for order, source in enumerate(sources):
        factories.AssignmentSourceFactory(assignment=assignment, source=source, order=order)
    add_question(assignment, Question.Kind.MATRIX, sources, settings={"claim": "C"})
    add_question(assignment, Question.Kind.OPVL, sources[:1], settings={"enquiry": "E"})
    client.force_login(student)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(assignment.get_absolute_url())
    assert response.content.decode().count('class="source-card') == 4 + 4 + 1  # pane, inline
    reads = [q["sql"] for q in queries.captured_queries if 'FROM "sources_source"' in q["sql"]]
    assert len(reads) == 1
    assert not [q for q in queries.captured_queries if '"sources_unit"' in q["sql"]]
