"""The source library in the admin: lists, search, filters, and importing a pack."""

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from sources.models import Author, Source, Unit
from tests.factories import (
    DeskTeacherFactory,
    SourceFactory,
    StudentFactory,
    TeacherFactory,
    UnitFactory,
)
from tests.sources.conftest import GREAT_PURGE

pytestmark = pytest.mark.django_db

IMPORT_URL = reverse("admin:sources_unit_import")
SOURCES_URL = reverse("admin:sources_source_changelist")


@pytest.fixture
def importer(client):
    """A teacher allowed to add sources, logged in."""
    teacher = TeacherFactory()
    teacher.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="sources",
            codename__in=[
                "add_source",
                "change_source",
                "view_source",
                "view_unit",
                "change_unit",
            ],
        )
    )
    client.force_login(teacher)
    return teacher


def upload(client, content=None, slug=""):
    content = GREAT_PURGE.read_bytes() if content is None else content
    return client.post(IMPORT_URL, {"pack": SimpleUploadedFile("pack.txt", content), "slug": slug})


def confirm(client, payload):
    return client.post(IMPORT_URL, {"payload": payload})


def payload_of(response):
    return response.context["confirm_form"].initial["payload"]


def test_unit_changelist_links_to_the_import_page_for_importers(client, importer):
    response = client.get(reverse("admin:sources_unit_changelist"))
    assert f'href="{IMPORT_URL}"' in response.text


def test_unit_changelist_hides_the_import_link_without_permission(client):
    teacher = TeacherFactory()
    teacher.user_permissions.add(Permission.objects.get(codename="view_unit"))
    client.force_login(teacher)
    response = client.get(reverse("admin:sources_unit_changelist"))
    assert response.status_code == 200
    assert IMPORT_URL not in response.text


def test_upload_shows_a_preview_and_writes_nothing(client, importer):
    response = upload(client)
    assert response.status_code == 200
    assert "Preview: nothing has been saved yet" in response.text
    assert "a <strong>new unit</strong> will be created" in response.text
    assert "23 sources" in response.text
    preview = response.text.split('<table id="preview">')[1].split("</table>")[0]
    assert preview.count("<tr>") == 24  # the header row and one per source
    assert "Alexander Orlov was a NKVD officer" in response.text
    assert "23 August 1936" in preview and "printed: 23rd August, 1936" in preview
    assert (Unit.objects.count(), Source.objects.count(), Author.objects.count()) == (0, 0, 0)


def test_preview_says_when_it_updates_an_existing_unit(client, importer, great_purge):
    response = upload(client, slug="great-purge")
    assert "the existing unit" in response.text
    assert "will be <strong>updated</strong>" in response.text
    assert "23 unchanged" in response.text


def test_confirm_imports_the_previewed_pack(client, importer):
    payload = payload_of(upload(client, slug="great-purge"))
    response = confirm(client, payload)
    unit = Unit.objects.get(slug="great-purge")
    assert response.status_code == 302
    assert response.url == reverse("admin:sources_unit_change", args=[unit.pk])
    assert unit.sources.count() == 23
    assert "23 created" in client.get(response.url).text


def test_tampered_confirmation_is_refused_and_nothing_is_written(client, importer):
    payload = payload_of(upload(client))
    tampered = payload[:-5] + ("AAAAA" if not payload.endswith("AAAAA") else "BBBBB")
    response = confirm(client, tampered)
    assert response.status_code == 400
    assert "The confirmation form was altered, so nothing was imported" in response.text
    assert Unit.objects.count() == 0


def test_confirmation_signed_for_another_user_is_refused(client, importer):
    payload = payload_of(upload(client))
    other = TeacherFactory(is_superuser=True)
    client.force_login(other)
    response = confirm(client, payload)
    assert response.status_code == 400
    assert Unit.objects.count() == 0


def test_malformed_upload_shows_the_line_and_writes_nothing(client, importer):
    content = b"Title\n\nNarrative.\n\nPrimary Sources\n\n(1) A, B (1936)\n\nText.\n\n(3) C\n\nx\n"
    response = upload(client, content)
    assert response.status_code == 400
    assert "line 11: source (3) follows (1): source (2) is missing" in response.text
    assert "confirm_form" not in response.context
    assert Unit.objects.count() == 0


def test_upload_that_is_not_utf8_shows_the_line(client, importer):
    response = upload(client, "Title\n\nCaf\u00e9\n".encode("latin-1"))
    assert response.status_code == 400
    assert "line 3: the file is not UTF-8 text" in response.text


def test_staff_without_add_source_permission_cannot_import(client):
    teacher = TeacherFactory()
    teacher.user_permissions.add(Permission.objects.get(codename="view_unit"))
    client.force_login(teacher)
    assert client.get(IMPORT_URL).status_code == 403
    assert upload(client).status_code == 403
    assert Unit.objects.count() == 0


def test_non_staff_cannot_reach_the_import_page(client):
    client.force_login(StudentFactory())
    response = upload(client)
    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))
    assert Unit.objects.count() == 0


def test_source_changelist_searches_author_title_and_text(admin_client, great_purge):
    def numbers(query):
        response = admin_client.get(SOURCES_URL, {"q": query})
        return [source.number for source in response.context["cl"].result_list]

    assert numbers("Kirchwey") == [18]
    assert numbers("Apologist") == [23]
    assert numbers("broad-chested Ossete") == [12]


def test_source_changelist_finds_a_source_by_its_number(admin_client, great_purge):
    response = admin_client.get(SOURCES_URL, {"q": "15"})
    assert 15 in [source.number for source in response.context["cl"].result_list]


def test_source_changelist_filters_by_decade(admin_client, great_purge):
    response = admin_client.get(SOURCES_URL, {"decade": "1950"})
    assert [s.number for s in response.context["cl"].result_list] == [21, 22]
    assert "1920s" in response.text and "Undated" in response.text


def test_source_changelist_filters_undated_sources(admin_client, great_purge):
    response = admin_client.get(SOURCES_URL, {"decade": "undated"})
    assert [s.number for s in response.context["cl"].result_list] == [2, 17]


def test_source_changelist_filters_by_unit(admin_client, great_purge):
    other = SourceFactory(unit=UnitFactory(), number=1)
    response = admin_client.get(SOURCES_URL, {"unit__id__exact": other.unit.pk})
    assert list(response.context["cl"].result_list) == [other]


def test_source_changelist_is_ordered_by_unit_then_number(admin_client, great_purge):
    response = admin_client.get(SOURCES_URL)
    assert [s.number for s in response.context["cl"].result_list] == list(range(1, 24))


@pytest.mark.parametrize("count", [3, 30])
def test_source_changelist_queries_do_not_grow(admin_client, django_assert_max_num_queries, count):
    unit = UnitFactory()
    for number in range(1, count + 1):
        SourceFactory(unit=unit, number=number)
    with django_assert_max_num_queries(7):
        response = admin_client.get(SOURCES_URL)
    assert len(response.context["cl"].result_list) == count


@pytest.mark.parametrize("count", [3, 30])
def test_unit_change_page_queries_do_not_grow(admin_client, django_assert_max_num_queries, count):
    unit = UnitFactory()
    for number in range(1, count + 1):
        SourceFactory(unit=unit, number=number)
    with django_assert_max_num_queries(6):
        response = admin_client.get(reverse("admin:sources_unit_change", args=[unit.pk]))
    assert response.text.count("inlinechangelink") == count


def test_author_autocomplete_finds_authors_by_name(admin_client, great_purge):
    response = admin_client.get(
        reverse("admin:autocomplete"),
        {"term": "Trot", "app_label": "sources", "model_name": "source", "field_name": "author"},
    )
    assert [result["text"] for result in response.json()["results"]] == ["Leon Trotsky"]


def test_unit_page_in_the_admin_lists_its_sources(admin_client, great_purge):
    response = admin_client.get(reverse("admin:sources_unit_change", args=[great_purge.pk]))
    assert response.status_code == 200
    assert "report on Reinhard Heydrich" in response.text
    assert reverse("admin:sources_source_change", args=[great_purge.sources.get(number=20).pk]) in (
        response.text
    )


def test_a_teacher_of_the_teachers_group_imports_a_pack(client):
    client.force_login(DeskTeacherFactory())
    preview = upload(client)
    assert preview.status_code == 200
    confirm(client, payload_of(preview))
    assert Source.objects.filter(unit__slug="the-great-purge").count() == 23


def test_importing_needs_the_right_to_correct_sources_too(client):
    teacher = TeacherFactory()
    teacher.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="sources", codename__in=["add_source", "view_unit"]
        )
    )
    client.force_login(teacher)
    assert upload(client).status_code == 403
    assert Unit.objects.count() == 0
