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
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from exercises.models import Answer, Enrollment, Grade, Submission
from sources.models import Author, Source, Unit

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
field_value = st.one_of(
    some_text,
    st.integers(-(10**30), 10**30).map(str),
    st.lists(st.text(max_size=20), min_size=2, max_size=4),  # several values for one name
    json_value.map(json.dumps),
    st.just(""),
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
