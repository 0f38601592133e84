"""A student import previewed on one app server and confirmed on another (several servers
behind a load balancer share only the database)."""

import tempfile

import pytest
from django.contrib.auth import get_user_model

from tests import factories
from tests.exercises.desk import class_of, fast_password_hashing, log_in
from tests.exercises.test_admin_import import confirm, upload

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures(fast_password_hashing.__name__)]


@pytest.fixture
def another_servers_temp_folder(tmp_path, monkeypatch):
    """Switch the temporary folder, as the confirmation reaching another machine would."""

    def switch():
        monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))

    return switch


def test_import_previewed_here_is_confirmed_on_a_server_without_our_temp_files(
    client, another_servers_temp_folder
):
    teacher = factories.DeskTeacherFactory()
    classroom = class_of(teacher)
    log_in(client, teacher)
    preview = upload(client, ["zaberg,Zoë,Åberg,zoe@example.org,,"], classroom)
    another_servers_temp_folder()
    result = confirm(client, preview)
    assert result.status_code == 200
    assert get_user_model().objects.filter(username="zaberg", first_name="Zoë").exists()


def test_an_altered_confirmation_is_refused_and_imports_nothing(client):
    teacher = factories.DeskTeacherFactory()
    classroom = class_of(teacher)
    log_in(client, teacher)
    preview = upload(client, ["zaberg,Zoë,Åberg,zoe@example.org,,"], classroom)
    fields = dict(preview.context["confirm_form"].initial)
    fields["import_file_name"] = fields["import_file_name"][:-3] + "abc"
    response = client.post("/admin/exercises/enrollment/process_import/", fields)
    assert response.status_code == 400
    assert not get_user_model().objects.filter(username="zaberg").exists()


def test_names_survive_the_round_trip_through_the_confirmation_form(client):
    # The upload (UTF-8 with a byte-order mark) is carried in the form, then decoded again.
    teacher = factories.DeskTeacherFactory()
    classroom = class_of(teacher)
    log_in(client, teacher)
    preview = upload(client, ["nhaddad,Noor,Håddad,,a-long-secret-1936,"], classroom)
    confirm(client, preview)
    assert get_user_model().objects.get(username="nhaddad").last_name == "Håddad"
