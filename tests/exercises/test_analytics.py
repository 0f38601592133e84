"""Class analytics: the numbers a teacher leads the follow-up discussion with.

The known class: four students submitted, one is still working, one had work returned for
revision. Their answers are chosen so that every number on the page can be worked out by hand.
"""

from html.parser import HTMLParser

import pytest
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from exercises.analytics import AssignmentReport
from exercises.kinds import UnknownKind
from exercises.kinds.highlight import heat_segments
from exercises.models import FeaturedAnswer, Question, Submission
from tests import factories

HIGHLIGHT_TEXT = (
    "The nest of wreckers and spies has been exposed.\n\n"
    "Every weak, corrupt or ambitious enemy of socialism has been hired."
)
# "nest of wreckers and spies" is 4–30, "wreckers" 12–20, "Every" 50–55.
KEY_RANGES = [{"start": 4, "end": 30, "quote": HIGHLIGHT_TEXT[4:30]}]


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def ranges(*pairs):
    return [{"start": s, "end": e, "quote": HIGHLIGHT_TEXT[s:e]} for s, e in pairs]


class PageTables(HTMLParser):
    """The page's tables as {(section id, caption): [[cell text, ...], ...]}, plus the text
    of each section, read the way a screen reader or a copy-and-paste would."""

    def __init__(self):
        super().__init__()
        self.tables, self.section, self.caption = {}, None, None
        self.row, self.cell, self.in_caption, self.in_head = None, None, False, False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "section" and attrs.get("id", "").startswith("q") and "-" not in attrs["id"]:
            self.section = attrs["id"]
        elif tag == "caption":
            self.in_caption, self.caption = True, ""
        elif tag == "thead":
            self.in_head = True
        elif tag == "tr" and not self.in_head:
            self.row = []
        elif tag in ("td", "th") and self.row is not None:
            self.cell = ""

    def handle_endtag(self, tag):
        if tag == "thead":
            self.in_head = False
        elif tag == "caption":
            self.in_caption = False
            self.tables[(self.section, self.caption.strip())] = []
        elif tag in ("td", "th") and self.cell is not None:
            self.row.append(" ".join(self.cell.split()))
            self.cell = None
        elif tag == "tr" and self.row is not None:
            self.tables[(self.section, self.caption.strip())].append(self.row)
            self.row = None

    def handle_data(self, data):
        if self.in_caption:
            self.caption += data
        elif self.cell is not None:
            self.cell += data


def tables_of(response):
    parser = PageTables()
    parser.feed(response.content.decode())
    return parser.tables


def answer(submission, question, response):
    return factories.AnswerFactory(submission=submission, question=question, response=response)


def build_class(students=4, *, extra_students=0):
    """An assignment with one question of each kind and the known answers above.

    `extra_students` more submitted students answer like the first one (for query counts).
    """
    teacher = factories.DeskTeacherFactory()  # in the "Teachers" group
    classroom = factories.ClassroomFactory(teachers=[teacher])
    assignment = factories.AssignmentFactory(classroom=classroom, title="The 1936 trial")
    unit = factories.UnitFactory()
    duranty = factories.SourceFactory(unit=unit, author__name="Walter Duranty")
    trotsky = factories.SourceFactory(unit=unit, author__name="Leon Trotsky")
    observer = factories.SourceFactory(unit=unit, author__name="The Observer", text=HIGHLIGHT_TEXT)

    def question(kind, sources, **fields):
        q = factories.QuestionFactory(assignment=assignment, kind=kind, **fields)
        for order, source in enumerate(sources):
            factories.QuestionSourceFactory(question=q, source=source, order=order)
        return q

    rubric = factories.RubricFactory(name="Usefulness")
    sourcing = factories.CriterionFactory(rubric=rubric, name="Sourcing", order=0)
    for order, (name, low, high) in enumerate(
        [("Basic", 0, 1), ("Emergent", 1, 2), ("Proficient", 3, 5)]
    ):
        factories.LevelFactory(
            criterion=sourcing, name=name, order=order, min_points=low, max_points=high
        )
    qs = {
        "rating": question(
            Question.Kind.RATING,
            [duranty],
            settings={"enquiry": "the trial", "min_justification": 0, "labels": []},
            key={"rating": 2},
        ),
        "comparison": question(
            Question.Kind.COMPARISON,
            [duranty, trotsky],
            settings={"enquiry": "the trial", "min_justification": 0},
            key={"choice": str(trotsky.pk)},
        ),
        "matrix": question(
            Question.Kind.MATRIX,
            [duranty, trotsky, observer],
            settings={"claim": "The confessions were true."},
            key={
                "verdicts": {
                    str(duranty.pk): "supports",
                    str(trotsky.pk): "challenges",
                    str(observer.pk): "supports",
                }
            },
        ),
        "choice": question(
            Question.Kind.CHOICE,
            [],
            settings={
                "options": [
                    {"id": "a", "text": "He sat in the courtroom"},
                    {"id": "b", "text": "His paper wanted good relations with Moscow"},
                    {"id": "c", "text": "He won a Pulitzer Prize"},
                ],
                "multiple": False,
            },
            key={"correct": ["b"]},
        ),
        "highlight": question(
            Question.Kind.HIGHLIGHT,
            [observer],
            settings={"instruction": "Mark the loaded language."},
            key={"ranges": KEY_RANGES},
        ),
        "written": question(Question.Kind.WRITTEN, [duranty], rubric=rubric),
        "opvl": question(Question.Kind.OPVL, [trotsky], settings={"enquiry": "the trial"}),
    }
    d, t, o = str(duranty.pk), str(trotsky.pk), str(observer.pk)
    known = [
        # rating, comparison, matrix verdicts, choice, highlight ranges, rubric level
        (1, d, {d: "supports", t: "challenges", o: "supports"}, "a", [(4, 30)], "Proficient"),
        (2, d, {d: "supports", t: "supports", o: "silent"}, "a", [(12, 20)], "Emergent"),
        (
            2,
            d,
            {d: "challenges", t: "challenges", o: "silent"},
            "b",
            [(12, 20), (50, 55)],
            "Proficient",
        ),  # noqa: E501
        (5, t, {d: "supports", t: "challenges"}, "c", [], None),
    ]
    rows = known[:students] + [known[0]] * extra_students
    people = []
    for rating, choice, verdicts, option, marks, level in rows:
        student = factories.StudentFactory()
        factories.EnrollmentFactory(classroom=classroom, student=student)
        sub = factories.SubmittedSubmissionFactory(assignment=assignment, student=student)
        answer(sub, qs["rating"], {"rating": rating, "justification": f"Rated {rating}."})
        answer(sub, qs["comparison"], {"choice": choice, "justification": "Closer to events."})
        answer(sub, qs["matrix"], {"verdicts": verdicts})
        answer(sub, qs["choice"], {"selected": [option]})
        answer(sub, qs["highlight"], {"ranges": ranges(*marks)})
        written = answer(sub, qs["written"], {"text": f"Duranty saw the trial ({rating})."})
        answer(sub, qs["opvl"], {"origin": "Exile", "purpose": "Defend himself"})
        if level:
            factories.CriterionGradeFactory(
                grade__answer=written, criterion=sourcing, level_name=level
            )
        people.append(student)

    # Work not submitted: it must change none of the numbers above.
    for status in (Submission.Status.IN_PROGRESS, Submission.Status.RETURNED):
        student = factories.StudentFactory()
        factories.EnrollmentFactory(classroom=classroom, student=student)
        sub = factories.SubmissionFactory(assignment=assignment, student=student, status=status)
        answer(sub, qs["rating"], {"rating": 5, "justification": ""})
        answer(sub, qs["comparison"], {"choice": t, "justification": ""})
        answer(sub, qs["matrix"], {"verdicts": {d: "silent", t: "silent", o: "challenges"}})
        answer(sub, qs["choice"], {"selected": ["c"]})
        answer(sub, qs["highlight"], {"ranges": ranges((0, 48))})
        answer(sub, qs["written"], {"text": "Draft."})
    factories.EnrollmentFactory(classroom=classroom)  # enrolled, not started
    return {"teacher": teacher, "assignment": assignment, "questions": qs, "students": people}


@pytest.fixture
def known_class(db):
    return build_class()


def page(client, data, name="analytics"):
    client.force_login(data["teacher"])
    url = reverse(f"exercises:{name}", args=[data["assignment"].pk])
    response = client.get(url)
    assert response.status_code == 200
    return response


def table(response, question, caption):
    return tables_of(response)[(f"q{question.pk}", caption)]


# The numbers ----------------------------------------------------------------------------


def test_rating_distribution_and_mean(client, known_class):
    response = page(client, known_class)
    rating = known_class["questions"]["rating"]

    assert table(response, rating, "Ratings given by the class") == [
        ["1 · Not reliable", "1", "25%"],
        ["2 · Of little reliability key", "2", "50%"],
        ["3 · Partly reliable", "0", "0%"],
        ["4 · Mostly reliable", "0", "0%"],
        ["5 · Very reliable", "1", "25%"],
    ]
    assert "Mean rating <strong>2.5</strong>" in response.content.decode()


def test_rating_uses_the_scale_labels_of_the_question(client, known_class):
    rating = known_class["questions"]["rating"]
    rating.settings["labels"] = ["Worthless", "Weak", "Mixed", "Strong", "Solid"]
    rating.save()

    rows = table(page(client, known_class), rating, "Ratings given by the class")

    assert [row[0] for row in rows][:2] == ["1 · Worthless", "2 · Weak key"]


def test_comparison_counts_how_many_chose_each_source(client, known_class):
    comparison = known_class["questions"]["comparison"]

    rows = table(
        page(client, known_class), comparison, "Which source the class judged more reliable"
    )

    assert rows == [
        [f"Source {comparison.sources.all()[0].number} (Walter Duranty)", "3", "75%"],
        [f"Source {comparison.sources.all()[1].number} (Leon Trotsky) key", "1", "25%"],
    ]


def test_matrix_shares_per_source_with_the_key_marked(client, known_class):
    matrix = known_class["questions"]["matrix"]
    labels = [f"Source {s.number} ({s.author.name})" for s in matrix.sources.all()]

    rows = table(
        page(client, known_class),
        matrix,
        "How the class judged each source: share of answers (students)",
    )

    assert rows == [
        [labels[0], "75% (3) (key)✓", "25% (1)", "0% (0)", "0% (0)", "Supports the claim"],
        [labels[1], "25% (1)", "75% (3) (key)✓", "0% (0)", "0% (0)", "Challenges the claim"],
        [labels[2], "25% (1) (key)✓", "0% (0)", "50% (2)", "25% (1)", "Supports the claim"],
    ]


def test_matrix_lists_the_sources_misread_most_first(client, known_class):
    matrix = known_class["questions"]["matrix"]
    response = page(client, known_class)

    misread = response.context["report"].questions[2].panel["misread"]

    assert [(row.source.author.name, row.wrong_percent) for row in misread] == [
        ("The Observer", 50),
        ("Walter Duranty", 25),
        ("Leon Trotsky", 25),
    ]
    observer = matrix.sources.get(author__name="The Observer")
    assert (
        f"<strong>Source {observer.number} (The Observer)</strong>: 50% chose another verdict"
        in response.content.decode()
    )


def test_choice_shares_and_the_most_chosen_wrong_option(client, known_class):
    choice = known_class["questions"]["choice"]
    response = page(client, known_class)

    assert table(response, choice, "Options chosen by the class") == [
        ["A. He sat in the courtroom most chosen wrong", "2", "50%"],
        ["B. His paper wanted good relations with Moscow key", "1", "25%"],
        ["C. He won a Pulitzer Prize", "1", "25%"],
    ]
    assert (
        "Most chosen wrong option: <strong>A. He sat in the courtroom</strong>"
        in response.content.decode()
    )


def test_highlight_heat_counts_each_character_once_per_student(client, known_class):
    response = page(client, known_class)
    report = response.context["report"].questions[4]

    def count_at(position):
        return next(s.count for s in report.panel["heat"] if s.start <= position < s.end)

    assert count_at(HIGHLIGHT_TEXT.index("wreckers")) == 3
    assert count_at(HIGHLIGHT_TEXT.index("nest")) == 1
    assert count_at(HIGHLIGHT_TEXT.index("spies")) == 1
    assert count_at(HIGHLIGHT_TEXT.index("Every")) == 1
    assert count_at(HIGHLIGHT_TEXT.index("exposed")) == 0
    assert "".join(s.text for s in report.panel["heat"]) == HIGHLIGHT_TEXT


span = st.tuples(st.integers(0, 40), st.integers(1, 12)).map(lambda p: (p[0], p[0] + p[1]))


@given(answers=st.lists(st.lists(span, max_size=4), max_size=6), key=st.lists(span, max_size=3))
def test_heat_counts_every_character_by_the_answers_that_cover_it(answers, key):
    text = "x" * 45
    as_ranges = [[{"start": s, "end": e} for s, e in answer] for answer in answers]

    segments = heat_segments(text, as_ranges, [{"start": s, "end": e} for s, e in key], 6)

    assert "".join(segment.text for segment in segments) == text
    for position in range(len(text)):
        segment = next(s for s in segments if s.start <= position < s.end)
        covering = sum(any(s <= position < e for s, e in answer) for answer in answers)
        assert segment.count == covering
        assert segment.in_key == any(s <= position < e for s, e in key)


def test_highlight_heat_map_shows_counts_and_the_key_without_colour(client, known_class):
    html = page(client, known_class).content.decode()

    assert (
        '<span class="heat heat-3 in-key" title="Marked by 3 of 4; in the key" '
        'data-count="3">wreckers</span>'
    ) in html
    assert '<sup class="heat-count" aria-hidden="true">3</sup>' in html
    assert "[marked by 3 of 4; in the key]" in html
    assert '<span class="heat heat-1" title="Marked by 1 of 4" data-count="1">Every</span>' in html


def test_highlight_overlap_scores_are_bucketed(client, known_class):
    highlight = known_class["questions"]["highlight"]

    rows = table(page(client, known_class), highlight, "Overlap with the key (F1) of each answer")

    # F1: 100%, 47% ("wreckers"), 41% ("wreckers" and "Every"), 0% (nothing marked).
    assert [row[1] for row in rows] == ["1", "0", "2", "0", "1"]


def test_rubric_level_counts_per_criterion_include_levels_nobody_reached(client, known_class):
    written = known_class["questions"]["written"]

    rows = table(page(client, known_class), written, "Levels reached: Sourcing")

    assert rows == [["Basic", "0", "0%"], ["Emergent", "1", "33%"], ["Proficient", "2", "67%"]]


def test_work_in_progress_and_returned_work_are_not_counted(client, known_class):
    response = page(client, known_class)
    html = response.content.decode()
    rating = known_class["questions"]["rating"]

    assert "<strong>4</strong> of 7 students submitted" in html
    assert "<strong>3</strong> still working" in html
    assert "2 have started (1 returned for revision) and 1 has not started" in html
    assert sum(int(r[1]) for r in table(response, rating, "Ratings given by the class")) == 4


def test_page_without_submitted_work_shows_zeros(client, db):
    data = build_class(students=0)

    rating = data["questions"]["rating"]
    rows = table(page(client, data), rating, "Ratings given by the class")

    assert [row[1] for row in rows] == ["0"] * 5


# Who may see it -------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["analytics", "analytics_projector"])
def test_another_teacher_gets_404(client, known_class, name):
    client.force_login(factories.TeacherFactory())

    url = reverse(f"exercises:{name}", args=[known_class["assignment"].pk])

    assert client.get(url).status_code == 404


@pytest.mark.parametrize("name", ["analytics", "analytics_projector"])
def test_a_student_of_the_class_gets_404(client, known_class, name):
    client.force_login(known_class["students"][0])

    url = reverse(f"exercises:{name}", args=[known_class["assignment"].pk])

    assert client.get(url).status_code == 404


@pytest.mark.parametrize("name", ["analytics", "analytics_projector"])
def test_anonymous_visitor_is_sent_to_log_in(client, known_class, name):
    url = reverse(f"exercises:{name}", args=[known_class["assignment"].pk])

    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_superuser_may_see_any_class(client, known_class):
    client.force_login(factories.UserFactory(is_staff=True, is_superuser=True))

    url = reverse("exercises:analytics", args=[known_class["assignment"].pk])

    assert client.get(url).status_code == 200


def test_another_teacher_cannot_pick_answers_to_show(client, known_class):
    client.force_login(factories.TeacherFactory())
    written = known_class["questions"]["written"]
    pick = written.answers.filter(submission__status=Submission.Status.SUBMITTED).first()

    url = reverse("exercises:analytics", args=[known_class["assignment"].pk])
    response = client.post(url, {"question": written.pk, "answers": [pick.pk]})

    assert response.status_code == 404
    assert not FeaturedAnswer.objects.exists()


def test_teaching_the_class_without_the_permission_does_not_let_a_teacher_pick_answers(
    client, known_class
):
    # Staff and one of the class's teachers, but not given the Teachers group's rights.
    teacher = factories.TeacherFactory()
    known_class["assignment"].classroom.teachers.add(teacher)
    client.force_login(teacher)
    written = known_class["questions"]["written"]
    pick = written.answers.filter(submission__status=Submission.Status.SUBMITTED).first()

    url = reverse("exercises:analytics", args=[known_class["assignment"].pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"question": written.pk, "answers": [pick.pk]})

    assert response.status_code == 403
    assert not FeaturedAnswer.objects.exists()


# Featured answers and anonymity ------------------------------------------------------------


def submitted_answers(question):
    return list(
        question.answers.filter(submission__status=Submission.Status.SUBMITTED).order_by("pk")
    )


def pick(client, data, question, answers):
    client.force_login(data["teacher"])
    url = reverse("exercises:analytics", args=[data["assignment"].pk])
    return client.post(url, {"question": question.pk, "answers": [a.pk for a in answers]})


def test_teacher_picks_answers_shown_as_student_a_and_b(client, known_class):
    written = known_class["questions"]["written"]
    first, second = submitted_answers(written)[:2]

    response = pick(client, known_class, written, [first, second])

    assert response.status_code == 302
    assert list(
        FeaturedAnswer.objects.filter(question=written).values_list("answer_id", "order")
    ) == [(first.pk, 0), (second.pk, 1)]
    html = page(client, known_class, "analytics_projector").content.decode()
    assert "<figcaption>Student A</figcaption>" in html
    assert "<figcaption>Student B</figcaption>" in html
    assert first.response["text"] in html


def test_at_most_three_answers_can_be_shown(client, known_class):
    written = known_class["questions"]["written"]

    response = pick(client, known_class, written, submitted_answers(written)[:4])

    assert response.status_code == 200
    assert "Choose at most 3 answers to show the class; you chose 4." in response.content.decode()
    assert not FeaturedAnswer.objects.exists()


def test_only_answers_to_the_question_can_be_shown_with_it(client, known_class):
    written, opvl = known_class["questions"]["written"], known_class["questions"]["opvl"]

    response = pick(client, known_class, written, submitted_answers(opvl)[:1])

    assert "Choose only answers to this question." in response.content.decode()
    assert not FeaturedAnswer.objects.exists()


def test_work_not_submitted_cannot_be_shown(client, known_class):
    written = known_class["questions"]["written"]
    draft = written.answers.get(submission__status=Submission.Status.IN_PROGRESS)

    response = pick(client, known_class, written, [draft])

    assert "no longer submitted work" in response.content.decode()
    assert not FeaturedAnswer.objects.exists()


def test_picking_again_keeps_the_letters_of_answers_still_shown(client, known_class):
    written = known_class["questions"]["written"]
    a, b, c = submitted_answers(written)[:3]
    pick(client, known_class, written, [a, b])

    pick(client, known_class, written, [b, c])

    assert list(
        FeaturedAnswer.objects.filter(question=written).values_list("answer_id", "order")
    ) == [(b.pk, 0), (c.pk, 1)]


def test_projector_view_names_no_student(client, known_class):
    written = known_class["questions"]["written"]
    factories.FeaturedAnswerFactory(answer=submitted_answers(written)[0], order=0)
    comparison = known_class["questions"]["comparison"]
    factories.FeaturedAnswerFactory(answer=submitted_answers(comparison)[1], order=0)
    everyone = [s.student for s in known_class["assignment"].submissions.all()]
    for number, student in enumerate(everyone):
        student.first_name, student.last_name = f"Zebedee{number}", f"Quartermain{number}"
        student.save()

    html = page(client, known_class, "analytics_projector").content.decode()

    assert "<figcaption>Student A</figcaption>" in html
    assert submitted_answers(written)[0].response["text"] in html
    assert "Zebedee" not in html
    assert "Quartermain" not in html
    for student in everyone:
        assert student.username not in html
    assert 'name="answers"' not in html  # no picker


def test_teacher_page_names_students_in_the_picker(client, known_class):
    student = known_class["students"][0]

    html = page(client, known_class).content.decode()

    assert f"<strong>{student.get_full_name()}</strong>:" in html


# Queries -------------------------------------------------------------------------------


@pytest.mark.parametrize("students", [3, 300])
@pytest.mark.parametrize("name", ["analytics", "analytics_projector"])
def test_page_runs_a_fixed_number_of_queries(
    client, db, django_assert_max_num_queries, students, name
):
    data = build_class(students=min(students, 4), extra_students=max(students - 4, 0))
    written = data["questions"]["written"]
    factories.FeaturedAnswerFactory(answer=submitted_answers(written)[0], order=0)
    client.force_login(data["teacher"])
    url = reverse(f"exercises:{name}", args=[data["assignment"].pk])

    with django_assert_max_num_queries(14):
        response = client.get(url)

    assert response.status_code == 200


def test_a_question_of_an_unregistered_kind_raises_rather_than_showing_no_panel(known_class):
    question = known_class["questions"]["rating"]
    Question.objects.filter(pk=question.pk).update(kind="retired")

    with pytest.raises(UnknownKind):
        AssignmentReport.build(known_class["assignment"])
