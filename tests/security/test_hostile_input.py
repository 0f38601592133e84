"""Hostile and broken input: whatever is posted, the answer is a clear 4xx, never a 500, and
a refused request writes nothing.

Property-based (hypothesis) against the autosave and Save endpoint, the submit endpoint
and the admin's source-pack upload: arbitrary Unicode, strings over 10,000 characters,
lists where one value is expected, numbers, nested JSON, missing fields, and the ids of
other classes' assignments and questions. Each example runs in a transaction that is
rolled back, so examples never see each other's writes.
"""

import json

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.contrib.sessions.models import Session
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client, RequestFactory
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from exercises.kept_answers import owner_token
from exercises.models import Answer, Assignment, Enrollment, Grade, Submission
from sources.models import Author, Source, Unit
from tests import factories

from .conftest import make_teacher

User = get_user_model()

SETTINGS = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def rolled_back(check):
    """Run `check` in a transaction that is then rolled back."""
    with transaction.atomic():
        check()
        transaction.set_rollback(True)


def snapshot():
    """Everything a student's request could write."""
    return (
        sorted(Answer.objects.values_list("pk", "submission", "question", "revision", "response")),
        sorted(Submission.objects.values_list("pk", "student", "status", "submitted_at")),
        sorted(Grade.objects.values_list("pk", "score", "version")),
    )


def assert_clear_refusal(response):
    assert 400 <= response.status_code < 500, response.status_code
    body = response.content.decode()
    if response["Content-Type"].startswith("application/json"):
        error = json.loads(body)["error"]
        assert isinstance(error, str) and error.strip()
    else:
        assert body.strip()


# Values of the wrong shape ----------------------------------------------------------------

huge_text = st.builds(
    lambda char, length: char * length,
    st.characters(codec="utf-8"),
    st.integers(10_001, 25_000),
)
some_text = st.one_of(st.text(max_size=40), huge_text)
json_value = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=10),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=5), inner),
    max_leaves=12,
)
# Shapes that once gave a 500: JSON nested thousands deep (RecursionError), integers past
# the database's range, NUL characters (PostgreSQL refuses them in text).
deep_json = st.one_of(
    st.integers(100, 20_000).map(lambda n: "[" * n + "]" * n),
    st.integers(100, 5_000).map(lambda n: '{"a":' * n + "1" + "}" * n),
    st.integers(100, 5_000).map(lambda n: '[{"start":' * n),  # unfinished
)
out_of_range = st.one_of(
    st.sampled_from([2**31, 2**63 - 1, 2**63, 2**64, -(2**63) - 1, 10**30]),
    st.integers(2**63, 2**80),
).map(str)
with_nul = st.text(max_size=10).map(lambda t: f"{t}\x00{t}")
field_value = st.one_of(
    some_text,
    st.integers(-(10**30), 10**30).map(str),
    st.lists(st.text(max_size=20), min_size=2, max_size=4),  # several values for one name
    json_value.map(json.dumps),
    st.just(""),
    deep_json,
    out_of_range,
    with_nul,
)
ANSWER_FIELDS = [
    "text",
    "rating",
    "justification",
    "choice",
    "origin",
    "purpose",
    "value",
    "limitation",
    "ranges",
    "toggle",
    "remove",
    "selected",
    "owner",
]


@st.composite
def answer_posts(draw, world):
    """A save's data: some real field names, some invented, any values, revision or not."""
    verdicts = [f"verdict-{source.pk}" for source in world.sources]
    names = draw(
        st.lists(
            st.sampled_from(ANSWER_FIELDS + verdicts) | st.text(min_size=1, max_size=12),
            max_size=6,
            unique=True,
        )
    )
    data = {name: draw(field_value) for name in names}
    revision = draw(
        st.one_of(
            st.none(),
            st.sampled_from([0, 1, 2]),
            st.integers(-(10**20), 10**20),
            some_text,
            st.lists(st.sampled_from(["0", "1"]), min_size=2, max_size=3),
        )
    )
    if revision is not None:
        data["revision"] = revision
    return data


@st.composite
def answer_urls(draw, world):
    """The class's own question, or ids that belong to another class or to nothing."""
    mine, theirs = world.mine, world.theirs
    own = [(mine.assignment.pk, q.pk) for q in mine.questions.values()]
    crossed = [
        (mine.assignment.pk, theirs.questions["written"].pk),
        (theirs.assignment.pk, theirs.questions["written"].pk),
        (theirs.assignment.pk, mine.questions["written"].pk),
    ]
    made_up = st.tuples(
        st.integers(0, 10**30) | st.sampled_from([mine.assignment.pk]),
        st.integers(0, 10**30),
    )
    assignment_pk, question_pk = draw(st.sampled_from(own + crossed) | made_up)
    return f"/assignments/{assignment_pk}/questions/{question_pk}/answer/", (
        assignment_pk,
        question_pk,
    ) in own


# Autosave and Save ----------------------------------------------------------------------


@pytest.fixture
def student(client, world):
    client.force_login(world.mine.student)
    return client


@pytest.mark.parametrize("as_json", [True, False])
@pytest.mark.parametrize("where", ["assignment", "question"])
def test_a_save_to_an_id_past_any_database_id_is_not_found(student, world, where, as_json):
    question = world.mine.questions["written"]
    ids = {"assignment": (10**30, question.pk), "question": (question.assignment_id, 2**63)}
    assignment_pk, question_pk = ids[where]
    headers = {"HTTP_ACCEPT": "application/json"} if as_json else {}
    before = snapshot()
    response = student.post(
        f"/assignments/{assignment_pk}/questions/{question_pk}/answer/",
        {"revision": 0, "text": "Saved to nowhere."},
        **headers,
    )
    assert response.status_code == 404
    assert snapshot() == before


@pytest.mark.parametrize("as_json", [True, False])
@pytest.mark.parametrize("revision", [2**31, 2**63, 10**30])
def test_a_save_based_on_a_revision_past_any_revision_is_refused_clearly(
    student, world, revision, as_json
):
    question = world.mine.questions["written"]
    headers = {"HTTP_ACCEPT": "application/json"} if as_json else {}
    before = snapshot()
    response = student.post(
        f"/assignments/{question.assignment_id}/questions/{question.pk}/answer/",
        {"revision": revision, "text": "Based on a revision that cannot be."},
        **headers,
    )
    assert response.status_code == 400
    assert snapshot() == before


@SETTINGS
@given(data=st.data(), as_json=st.booleans())
def test_no_save_ever_fails_with_a_500_or_writes_when_refused(student, world, data, as_json):
    url, own = data.draw(answer_urls(world))
    posted = data.draw(answer_posts(world))

    def check():
        before = snapshot()
        headers = {"HTTP_ACCEPT": "application/json"} if as_json else {}
        response = student.post(url, posted, **headers)
        saved = response.status_code == 200 if as_json else response.status_code == 302
        if not saved:
            assert_clear_refusal(response)
            assert snapshot() == before
            return
        assert own
        after = snapshot()
        changed = [row for row in after[0] if row not in before[0]]
        assert len(changed) == 1  # one answer, and only it
        assert after[1:] == before[1:]

    rolled_back(check)


@SETTINGS
@given(data=st.data())
def test_saves_while_logged_out_never_write_an_answer(client, world, data):
    url, _ = data.draw(answer_urls(world))
    posted = data.draw(answer_posts(world))

    def check():
        before = snapshot()
        response = client.post(url, posted, HTTP_ACCEPT="application/json")
        assert response.status_code == 403 and response.json()["logged_out"] is True
        assert snapshot() == before

    rolled_back(check)


@pytest.mark.parametrize(
    "content_type, body",
    [
        ("application/json", json.dumps({"revision": 0, "text": {"nested": ["x"]}})),
        ("application/json", "{not json"),
        ("text/plain", "\x00\xff" * 100),
        ("multipart/form-data; boundary=broken", "--broken\r\nContent-Disposition: nonsense"),
        ("application/x-www-form-urlencoded", "revision=0&text=%ZZ%00&&=="),
    ],
)
def test_a_save_in_a_strange_encoding_is_refused_clearly(student, world, content_type, body):
    question = world.mine.questions["written"]
    url = reverse("exercises:save_answer", args=[world.mine.assignment.pk, question.pk])
    before = snapshot()
    response = student.generic(
        "POST", url, body, content_type=content_type, HTTP_ACCEPT="application/json"
    )
    assert_clear_refusal(response)
    assert snapshot() == before


def test_a_save_larger_than_the_request_limit_is_refused_clearly(student, world):
    question = world.mine.questions["written"]
    url = reverse("exercises:save_answer", args=[world.mine.assignment.pk, question.pk])
    before = snapshot()
    response = student.post(url, {"revision": 1, "text": "x" * 3_000_000})
    assert_clear_refusal(response)
    assert snapshot() == before


def test_a_save_with_too_many_fields_is_refused_clearly(student, world):
    question = world.mine.questions["written"]
    url = reverse("exercises:save_answer", args=[world.mine.assignment.pk, question.pk])
    before = snapshot()
    response = student.post(url, {f"field{n}": "x" for n in range(1_500)})
    assert_clear_refusal(response)
    assert snapshot() == before


# Submit ---------------------------------------------------------------------------------


@SETTINGS
@given(data=st.data())
def test_no_submit_ever_fails_with_a_500_or_hands_in_someone_elses_work(student, world, data):
    mine, theirs = world.mine, world.theirs
    pk = data.draw(
        st.sampled_from([mine.assignment.pk, theirs.assignment.pk]) | st.integers(0, 10**30)
    )
    posted = data.draw(st.dictionaries(st.text(min_size=1, max_size=10), field_value, max_size=4))

    def check():
        before = snapshot()
        response = student.post(f"/assignments/{pk}/submit/", posted)
        if pk != mine.assignment.pk:
            assert response.status_code == 404
            assert snapshot() == before
            return
        assert response.status_code == 302
        submission = Submission.objects.get(pk=mine.submission.pk)
        assert submission.status == Submission.Status.SUBMITTED
        theirs_now = Submission.objects.get(pk=theirs.submission.pk)
        assert theirs_now.status == theirs.submission.status

    rolled_back(check)


# The admin's source-pack upload ---------------------------------------------------------

IMPORT_URL = reverse("admin:sources_unit_import")


@pytest.fixture
def importer(world):
    teacher = make_teacher()
    teacher.user_permissions.add(
        *Permission.objects.filter(codename__in=["add_source", "view_source", "view_unit"])
    )
    client = Client()
    client.force_login(teacher)
    return client


def library():
    return (
        sorted(Unit.objects.values_list("pk", "slug", "title", "narrative")),
        sorted(Source.objects.values_list("pk", "unit", "number", "header", "text", "author")),
        sorted(Author.objects.values_list("pk", "name", "description")),
    )


good_headers = st.sampled_from(
    [
        "Pravda (23rd August, 1936)",
        "Walter Duranty, The New York Times (31st August, 1936)",
        "Alexander Orlov was a NKVD officer who escaped to the United States.",
        "Nikolai Bukharin, letter (March, 1937)",
    ]
)
header_text = st.one_of(
    good_headers,
    good_headers,
    st.text(max_size=60),
    st.just("Walter Duranty, The New York Times (31st February, 1936)"),
    st.text(max_size=300).map(lambda t: f"{t}, The Work (23rd August, 1936)"),
    st.builds(lambda n: "A" * n + ", Pravda (1936)", st.integers(150, 400)),
)
hostile_characters = st.sampled_from(["\x00", "\t", "<", "&", '"', "\u202e", "\ufeff", "🎉"])
line_text = st.text(
    alphabet=st.characters(codec="utf-8", exclude_characters="\n\r") | hostile_characters,
    max_size=80,
)


@st.composite
def packs(draw):
    """Something shaped like a pack: half the time well-formed apart from its contents."""
    long_title = st.builds(lambda n: "T" * n, st.integers(190, 260))
    well_formed = draw(st.booleans())
    if well_formed:
        title, heading = "The Show Trials", "Primary Sources"
        numbers = list(range(1, draw(st.integers(1, 6)) + 1))
    else:
        title = draw(st.one_of(line_text, long_title))
        heading = draw(st.sampled_from(["Primary Sources", "PRIMARY SOURCES", "Sources", ""]))
        numbers = draw(st.lists(st.integers(0, 30), max_size=6))
    lines = [title, "", draw(line_text), "", heading, ""]
    for number in numbers:
        text = draw(line_text)
        if well_formed:  # some text, with something awkward in it
            text = f"Text {text}{draw(hostile_characters)}{draw(line_text)}"
        lines += [f"({number}) {draw(header_text)}", "", text, ""]
    text = "\n".join(lines)
    encoding = draw(st.sampled_from(["utf-8"] * 4 + ["utf-8-sig", "latin-1", "utf-16"]))
    try:
        return text.encode(encoding)
    except UnicodeEncodeError:
        return text.encode("utf-8")


slugs = st.one_of(
    st.just(""),
    st.sampled_from(["show-trials", "great-purge"]),  # new, and the class's unit
    st.from_regex(r"[a-z0-9-]{1,30}", fullmatch=True),
    st.text(max_size=30),
    st.just("x" * 300),
)


@settings(
    max_examples=100,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(content=packs() | st.binary(max_size=300), slug=slugs)
def test_no_pack_upload_ever_fails_with_a_500_and_a_refused_import_writes_nothing(
    importer, content, slug
):
    def check():
        before = library()
        upload = importer.post(
            IMPORT_URL, {"pack": SimpleUploadedFile("pack.txt", content), "slug": slug}
        )
        assert upload.status_code in (200, 400), upload.status_code
        assert library() == before  # the preview never writes
        if upload.status_code == 400:
            assert "errorlist" in upload.content.decode()
            return
        payload = upload.context["confirm_form"].initial["payload"]
        confirmed = importer.post(IMPORT_URL, {"payload": payload})
        assert confirmed.status_code in (302, 400), confirmed.status_code
        if confirmed.status_code == 400:
            assert library() == before
            assert confirmed.context["error"]

    rolled_back(check)


@SETTINGS
@given(payload=field_value)
def test_an_altered_confirmation_is_refused_and_writes_nothing(importer, payload):
    def check():
        before = library()
        response = importer.post(IMPORT_URL, {"payload": payload})
        assert response.status_code == 400
        assert library() == before

    rolled_back(check)


def test_a_pack_with_a_nul_character_is_refused_at_upload_naming_the_line(importer):
    pack = "The Show Trials\n\nBackground.\n\nPrimary Sources\n\n(1) Pravda (1936)\n\nTe\x00xt.\n"
    before = library()
    response = importer.post(
        IMPORT_URL, {"pack": SimpleUploadedFile("pack.txt", pack.encode()), "slug": ""}
    )
    assert response.status_code == 400
    assert "line 9: the file contains a NUL character" in response.content.decode()
    assert library() == before


# The admin's student CSV import ---------------------------------------------------------

STUDENT_IMPORT_URL = reverse("admin:exercises_enrollment_import")
STUDENT_CONFIRM_URL = reverse("admin:exercises_enrollment_process_import")
COLUMNS = ["username", "first_name", "last_name", "email", "password", "join_code"]


def people():
    return (
        sorted(User.objects.values_list("pk", "username", "first_name", "is_staff")),
        sorted(Enrollment.objects.values_list("pk", "classroom", "student")),
    )


def csv_cell(world):
    return st.one_of(
        st.text(max_size=20),
        st.text(max_size=20).map(lambda t: f"{t}\x00"),
        st.builds(lambda n: "n" * n, st.integers(140, 300)),  # around the 150-character limit
        st.sampled_from(
            [
                "",
                "ok-pupil",
                world.mine.student.username,  # taken
                world.mine.classroom.join_code,
                world.theirs.classroom.join_code,  # another teacher's class
                "not-an-email",
                "pupil@example.org",
                "a-long-secret-1936",
                "password",
                '=HYPERLINK("http://x")',
                '"quoted, with comma"',
            ]
        ),
    )


@st.composite
def student_csvs(draw, world):
    """A students' CSV file: half the time well-formed but for awkward names."""
    if draw(st.booleans()):
        header = COLUMNS
        usernames = draw(st.lists(st.from_regex(r"[a-z]{3,12}", fullmatch=True), max_size=4))
        code = st.sampled_from(["", world.mine.classroom.join_code.lower()])
        name = st.text(max_size=30).filter(lambda t: not set(t) & set(',"\r\n'))
        rows = [[username, draw(name), draw(name), "", "", draw(code)] for username in usernames]
    else:
        header = draw(
            st.one_of(
                st.just(COLUMNS),
                st.permutations(COLUMNS),
                st.lists(st.sampled_from([*COLUMNS, "extra", ""]), max_size=7),
            )
        )
        cells = st.lists(csv_cell(world), min_size=len(header), max_size=len(header) + 1)
        rows = draw(st.lists(cells, max_size=4))
    lines = [",".join(header), *[",".join(row) for row in rows]]
    text = "\r\n".join(lines) + "\r\n"
    encoding = draw(st.sampled_from(["utf-8"] * 4 + ["utf-8-sig", "latin-1", "utf-16"]))
    try:
        return text.encode(encoding)
    except UnicodeEncodeError:
        return text.encode("utf-8")


@SETTINGS
@given(data=st.data())
def test_no_student_import_ever_fails_with_a_500_and_is_all_or_nothing(world, data):
    content = data.draw(student_csvs(world))
    classroom = data.draw(
        st.sampled_from([world.mine.classroom.pk] * 3 + [world.theirs.classroom.pk, "", "x"])
    )
    teacher = Client(raise_request_exception=False)
    teacher.force_login(world.mine.teacher)

    def check():
        before = people()
        upload = SimpleUploadedFile("students.csv", content, content_type="text/csv")
        preview = teacher.post(
            STUDENT_IMPORT_URL,
            {"resource": "0", "format": "0", "classroom": classroom, "import_file": upload},
        )
        assert preview.status_code == 200, preview.status_code
        assert people() == before  # the preview never writes
        confirm_form = preview.context.get("confirm_form")
        if confirm_form is None:
            return
        result = teacher.post(STUDENT_CONFIRM_URL, dict(confirm_form.initial))
        assert result.status_code in (200, 302), result.status_code
        users, enrollments = people()
        new_users = len(users) - len(before[0])
        if result.status_code == 302:  # refused: "Nothing was imported"
            assert people() == before
            return
        accounts = result.context["accounts"]
        assert new_users == len(accounts) and len(enrollments) - len(before[1]) == new_users
        assert not any(user.is_staff for user, _, _ in accounts)
        theirs = world.theirs.classroom
        assert not any(classroom == theirs for _, classroom, _ in accounts)

    rolled_back(check)


def test_a_students_file_whose_first_line_is_blank_is_refused_clearly(world):
    teacher = Client()
    teacher.force_login(world.mine.teacher)
    before = people()
    upload = SimpleUploadedFile("students.csv", b"\r\nzaberg,Zoe\r\n", content_type="text/csv")
    preview = teacher.post(
        STUDENT_IMPORT_URL,
        {
            "resource": "0",
            "format": "0",
            "classroom": world.mine.classroom.pk,
            "import_file": upload,
        },
    )
    assert preview.status_code == 200
    assert "The first line of the file must name the columns" in preview.content.decode()
    assert preview.context.get("confirm_form") is None
    assert people() == before


def test_altered_hidden_fields_of_the_student_import_confirmation_are_refused(world):
    teacher = Client()
    teacher.force_login(world.mine.teacher)
    upload = SimpleUploadedFile(
        "students.csv", ("\r\n".join([",".join(COLUMNS), "zaberg,Zoe,,,,"]) + "\r\n").encode()
    )
    preview = teacher.post(
        STUDENT_IMPORT_URL,
        {
            "resource": "0",
            "format": "0",
            "classroom": world.mine.classroom.pk,
            "import_file": upload,
        },
    )
    genuine = dict(preview.context["confirm_form"].initial)
    before = people()
    altered = [
        ("format", "99"),
        ("format", "abc"),
        ("format", "-1"),
        ("format", "1"),
        ("format", str(2**64)),
        ("resource", "99"),
        ("resource", "abc"),
        ("resource", "\x00"),
        ("classroom", "abc"),
        ("classroom", str(2**64)),
        ("classroom", str(world.theirs.classroom.pk)),
        ("import_file_name", "students.csv"),
        ("import_file_name", ""),
    ]
    for name, value in altered:
        response = teacher.post(STUDENT_CONFIRM_URL, {**genuine, name: value})
        assert response.status_code == 400, (name, value, response.status_code)
        assert "errorlist" in response.text, (name, value)
        assert people() == before


@SETTINGS
@given(data=st.data())
def test_no_altered_student_import_confirmation_ever_fails_with_a_500(world, data):
    teacher = Client(raise_request_exception=False)
    teacher.force_login(world.mine.teacher)
    upload = SimpleUploadedFile(
        "students.csv", ("\r\n".join([",".join(COLUMNS), "zaberg,Zoe,,,,"]) + "\r\n").encode()
    )

    def check():
        preview = teacher.post(
            STUDENT_IMPORT_URL,
            {
                "resource": "0",
                "format": "0",
                "classroom": world.mine.classroom.pk,
                "import_file": upload,
            },
        )
        fields = dict(preview.context["confirm_form"].initial)
        names = data.draw(st.lists(st.sampled_from(sorted(fields)), min_size=1, unique=True))
        for name in names:
            fields[name] = data.draw(field_value)
        before = people()
        response = teacher.post(STUDENT_CONFIRM_URL, fields)
        assert response.status_code in (200, 302, 400), response.status_code
        if response.status_code != 200:
            assert people() == before

    rolled_back(check)


# Deeply nested JSON, and answers kept while logged out -------------------------------------

DEEP = "[" * 5_000 + "]" * 5_000


@pytest.mark.parametrize("as_json", [True, False])
def test_deeply_nested_json_in_a_highlight_answer_is_refused_clearly(student, world, as_json):
    question = world.mine.questions["highlight"]
    url = reverse("exercises:save_answer", args=[world.mine.assignment.pk, question.pk])
    before = snapshot()
    headers = {"HTTP_ACCEPT": "application/json"} if as_json else {}
    response = student.post(url, {"revision": 0, "ranges": DEEP}, **headers)
    assert response.status_code == 400
    assert_clear_refusal(response)
    assert "could not be read" in response.content.decode()
    assert snapshot() == before


def logged_out_save(client, world, question, fields):
    url = reverse("exercises:save_answer", args=[world.mine.assignment.pk, question.pk])
    data = {"owner": owner_token(world.mine.student), **fields}
    return client.post(url, data, HTTP_ACCEPT="application/json")


def test_a_logged_out_save_with_deeply_nested_json_is_not_kept(client, world):
    question = world.mine.questions["highlight"]
    response = logged_out_save(client, world, question, {"revision": 0, "ranges": DEEP})
    assert response.status_code == 403 and response.json()["kept"] is False
    client.force_login(world.mine.student)
    page = client.get(reverse("exercises:assignment", args=[world.mine.assignment.pk]))
    assert page.status_code == 200


@pytest.mark.parametrize(
    "kept",
    [
        "{key}",  # the kept answers, not a mapping
        ["{key}"],
        {"{key}": "not an entry"},
        {"{key}": {"owner": "{owner}", "fields": {"ranges": [DEEP], "revision": ["0"]}}},
        {"{key}": {"owner": "{owner}", "fields": {"ranges": DEEP}}},
        {"{key}": {"owner": "{owner}", "fields": ["ranges"]}},
        {"{key}": {"owner": "{owner}"}},
        {"not-a-key": {"owner": "{owner}", "fields": {"revision": ["0"]}}},
    ],
)
def test_kept_answers_damaged_in_the_session_do_not_break_the_students_page(client, world, kept):
    """A session written by an older version, or altered: the page opens all the same."""
    question = world.mine.questions["highlight"]
    key, owner = f"{world.mine.assignment.pk}:{question.pk}", world.mine.student.pk
    text = json.dumps(kept).replace('"{key}"', json.dumps(key)).replace('"{owner}"', str(owner))
    client.force_login(world.mine.student)
    session = client.session
    session["exercises:kept_answers"] = json.loads(text)
    session.save()
    page = client.get(reverse("exercises:assignment", args=[world.mine.assignment.pk]))
    assert page.status_code == 200
    answer = reverse("exercises:save_answer", args=[world.mine.assignment.pk, question.pk])
    assert student_saves(client, answer).status_code == 200


def student_saves(client, url):
    return client.post(url, {"revision": 0, "ranges": "[]"}, HTTP_ACCEPT="application/json")


def test_an_anonymous_session_keeps_at_most_thirty_answers(client, world):
    question = world.mine.questions["written"]
    for n in range(40):
        url = reverse("exercises:save_answer", args=[world.mine.assignment.pk, question.pk + n])
        data = {"owner": owner_token(world.mine.student), "revision": 0, "text": "x" * 100}
        client.post(url, data, HTTP_ACCEPT="application/json")
    assert len(client.session["exercises:kept_answers"]) == 30


def test_one_token_cannot_make_sessions_without_limit(world):
    question = world.mine.questions["written"]
    before = Session.objects.count()
    kept = []
    for _ in range(25):  # no cookie kept: each save would start a new session
        response = logged_out_save(Client(), world, question, {"revision": 0, "text": "x" * 9000})
        kept.append(response.json()["kept"])
    assert Session.objects.count() - before == 10
    assert kept == [True] * 10 + [False] * 15


# Admin actions with ids that are not ids; NUL in searches ----------------------------------

JUNK_IDS = ["abc", str(2**63), str(2**64), "-1" + "0" * 25, "\x00", "1\x00", "", "1.5", "1e3"]


def registered_admins():
    return sorted(admin.site._registry.items(), key=lambda item: item[0]._meta.label)


def changelist_url(model):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")


def every_row():
    return {
        model._meta.label: model._default_manager.count()
        for model in apps.get_models()
        if model._meta.app_label in ("auth", "axes", "sources", "exercises", "admin")
        and model._meta.model_name != "logentry"
    }


@pytest.mark.parametrize("model, model_admin", registered_admins(), ids=lambda v: str(v))
def test_every_admin_action_with_junk_ids_is_refused_without_an_error(world, model, model_admin):
    superuser = Client()
    superuser.force_login(world.superuser)
    request = RequestFactory().get("/")
    request.user = world.superuser
    actions = list(model_admin.get_actions(request))
    assert actions
    before = every_row()
    for action in actions:
        for junk in JUNK_IDS:
            for confirmed in ({}, {"post": "yes"}):
                data = {"action": action, "index": 0, "_selected_action": [junk], **confirmed}
                response = superuser.post(changelist_url(model), data)
                assert response.status_code < 500
        assert every_row() == before, action


def test_every_model_admin_of_the_project_filters_action_ids_and_search_terms():
    from purgeclass.admin_site import HardenedModelAdmin

    assert all(isinstance(a, HardenedModelAdmin) for _, a in registered_admins())


def test_a_nul_in_a_changelist_search_is_ignored(world):
    factories.AuthorFactory(name="Walter Duranty")
    superuser = Client()
    superuser.force_login(world.superuser)
    response = superuser.get(reverse("admin:sources_author_changelist"), {"q": "Dur\x00anty"})
    assert response.status_code == 200
    assert "Walter Duranty" in response.text


def test_a_nul_in_an_autocomplete_term_is_ignored(world):
    factories.AuthorFactory(name="Walter Duranty")
    teacher = Client()
    teacher.force_login(world.mine.teacher)
    params = {"app_label": "sources", "model_name": "source", "field_name": "author"}
    response = teacher.get("/admin/autocomplete/", {**params, "term": "Dur\x00anty"})
    assert response.status_code == 200
    assert [r["text"] for r in response.json()["results"]] == ["Walter Duranty"]


def autocomplete_fields():
    for model, model_admin in registered_admins():
        for name in model_admin.autocomplete_fields:
            yield model, name
        for inline in model_admin.inlines:
            for name in inline.autocomplete_fields:
                yield inline.model, name


HOSTILE_TERMS = ["\x00", "a\x00b", "%", "_", "\\", "'", str(2**64), "=" + str(2**64), "x" * 2000]


@pytest.mark.parametrize("model, field", list(autocomplete_fields()), ids=str)
def test_no_autocomplete_term_ever_fails_with_a_500(world, model, field):
    teacher = Client()
    teacher.force_login(world.superuser)
    params = {"app_label": model._meta.app_label, "model_name": model._meta.model_name}
    for term in HOSTILE_TERMS:
        response = teacher.get(
            "/admin/autocomplete/", {**params, "field_name": field, "term": term}
        )
        assert response.status_code == 200, (term, response.status_code)


CHANGELIST_PARAMS = [
    "q",
    "p",
    "o",
    "all",
    "e",
    "status",
    "kind",
    "late",
    "graded",
    "decade",
    "unit__id__exact",
    "assignment__id__exact",
    "classroom__id__exact",
    "assignment__classroom__id__exact",
    "rubric__id__exact",
    "opens_at__year",
    "opens_at__month",
    "opens_at__day",
    "is_staff__exact",
    "groups__id__exact",
]


@SETTINGS
@given(data=st.data())
def test_no_changelist_query_ever_fails_with_a_500(world, data):
    model, _ = data.draw(st.sampled_from(registered_admins()))
    who = data.draw(st.sampled_from([world.superuser, world.mine.teacher]))
    params = data.draw(
        st.dictionaries(
            st.sampled_from(CHANGELIST_PARAMS),
            st.one_of(some_text, out_of_range, with_nul, st.just("1")),
            max_size=3,
        )
    )
    client = Client()
    client.force_login(who)
    response = client.get(changelist_url(model), params)
    assert response.status_code in (200, 302, 400, 403), response.status_code


@pytest.mark.parametrize("year", [str(10**30), str(2**63)])
def test_a_date_filter_past_any_date_is_a_bad_lookup_not_a_500(world, year):
    client = Client()
    client.force_login(world.superuser)
    response = client.get(changelist_url(Assignment), {"opens_at__year": year})
    assert response.status_code == 302
    assert response.url.endswith("?e=1")


# The grading page's hidden fields ----------------------------------------------------------


def page_fields(form):
    """What the grading page posts for one answer, as the browser would send it."""
    fields = {}
    for name, field in form.fields.items():
        value = form[name].value()
        fields[form.add_prefix(name)] = "" if value is None else str(value)
        if field.show_hidden_initial:
            fields[form.add_initial_prefix(name)] = "" if value is None else str(value)
    return fields


@SETTINGS
@given(data=st.data())
def test_no_altered_grading_post_ever_fails_with_a_500(world, data):
    teacher = Client()
    teacher.force_login(world.mine.teacher)
    url = reverse("admin:exercises_submission_change", args=[world.mine.handed_in.pk])
    page = teacher.get(url)
    posted = {}
    for _, _, form in page.context["rows"]:
        posted.update(page_fields(form))
    names = data.draw(st.lists(st.sampled_from(sorted(posted)), min_size=1, max_size=3))
    for name in names:
        posted[name] = data.draw(field_value)

    def check():
        before = snapshot()
        response = teacher.post(url, posted)
        assert response.status_code in (200, 302), response.status_code
        if response.status_code == 200:  # shown again with its errors: nothing saved
            assert snapshot() == before

    rolled_back(check)
