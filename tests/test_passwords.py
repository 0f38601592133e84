"""Password hashing: Argon2id (OWASP's minimum parameters) for new hashes; hashes made with
PBKDF2 before still let their users in and are upgraded at the next login."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.urls import reverse

from tests import factories

ARGON2ID_OWASP = "argon2$argon2id$v=19$m=19456,t=2,p=1$"


def log_in(client, user, password=factories.PASSWORD):
    return client.post(reverse("login"), {"username": user.username, "password": password})


@pytest.fixture
def pbkdf2_student(db):
    student = factories.StudentFactory()
    student.password = make_password(factories.PASSWORD, hasher="pbkdf2_sha256")
    student.save(update_fields=["password"])
    return student


def test_new_passwords_are_hashed_with_argon2id_at_owasp_minimum(db):
    user = get_user_model().objects.create_user("new-pupil", password="a-long-secret-1936")
    assert user.password.startswith(ARGON2ID_OWASP)


def test_student_with_a_pbkdf2_hash_logs_in_and_the_hash_becomes_argon2id(client, pbkdf2_student):
    assert pbkdf2_student.password.startswith("pbkdf2_sha256$")
    response = log_in(client, pbkdf2_student)
    assert response.status_code == 302
    assert response["Location"] == reverse("exercises:dashboard")
    pbkdf2_student.refresh_from_db()
    assert pbkdf2_student.password.startswith(ARGON2ID_OWASP)
    assert pbkdf2_student.check_password(factories.PASSWORD)


def test_wrong_password_does_not_upgrade_a_pbkdf2_hash(client, pbkdf2_student):
    before = pbkdf2_student.password
    response = log_in(client, pbkdf2_student, password="not-the-password")
    assert response.status_code == 200
    pbkdf2_student.refresh_from_db()
    assert pbkdf2_student.password == before


def test_argon2_hash_with_django_default_parameters_is_brought_to_owasp_minimum(client, db):
    student = factories.StudentFactory()
    # Django's own Argon2 parameters (100 MiB, 8 lanes): verified, then re-hashed.
    from django.contrib.auth.hashers import Argon2PasswordHasher

    student.password = Argon2PasswordHasher().encode(factories.PASSWORD, "saltsaltsaltsalt")
    student.save(update_fields=["password"])
    assert log_in(client, student).status_code == 302
    student.refresh_from_db()
    assert student.password.startswith(ARGON2ID_OWASP)


def test_an_argon2id_hash_is_not_rehashed_at_every_login(client, db):
    student = factories.StudentFactory()
    assert student.password.startswith(ARGON2ID_OWASP)
    before = student.password
    assert log_in(client, student).status_code == 302
    student.refresh_from_db()
    assert student.password == before
