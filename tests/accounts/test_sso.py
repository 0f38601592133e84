"""Single sign-on against a real OpenID Connect provider on 127.0.0.1 (see conftest.py)."""

import pytest
from allauth.socialaccount.models import SocialAccount
from django.contrib.auth import get_user_model
from django.urls import reverse

from exercises.models import Enrollment
from tests import factories

from .conftest import Provider, _free_port, school_app

User = get_user_model()
pytestmark = pytest.mark.django_db


def test_first_sign_in_makes_a_student_account_from_the_providers_claims(school, browser):
    landed = browser.sign_in("ada")

    assert landed.status_code == 302
    assert landed["Location"] == reverse("exercises:dashboard")
    ada = User.objects.get(email="ada@school.example")
    assert (ada.first_name, ada.last_name) == ("Ada", "Gray")
    assert not ada.is_staff and not ada.groups.exists()
    assert not ada.has_usable_password()
    link = SocialAccount.objects.get(user=ada)
    assert link.provider == "school"
    assert browser.client.get(reverse("exercises:dashboard")).status_code == 200


def test_a_second_sign_in_uses_the_same_account(school, browser, client):
    browser.sign_in("ada")
    client.post(reverse("logout"))
    browser.sign_in("ada")

    assert User.objects.filter(email="ada@school.example").count() == 1
    assert SocialAccount.objects.count() == 1


def test_first_sign_in_from_a_class_join_link_lands_enrolled_in_that_class(school, browser):
    classroom = factories.ClassroomFactory(name="Year 12 History")
    join_link = f"{reverse('exercises:join_class')}?code={classroom.join_code.lower()}"

    landed = browser.sign_in("ada", next_url=join_link)

    assert landed["Location"] == reverse("exercises:dashboard")
    ada = User.objects.get(email="ada@school.example")
    assert Enrollment.objects.filter(classroom=classroom, student=ada).exists()
    dashboard = browser.client.get(landed["Location"])
    assert "You have joined Year 12 History." in dashboard.content.decode()


def test_a_join_link_with_an_unknown_code_enrols_nobody(school, browser):
    factories.ClassroomFactory()
    browser.sign_in("ada", next_url=f"{reverse('exercises:join_class')}?code=NOSUCH99")

    assert User.objects.filter(email="ada@school.example").exists()
    assert not Enrollment.objects.exists()


def test_a_person_outside_the_schools_domains_is_refused_and_nothing_is_written(school, browser):
    refused = browser.sign_in("eve")

    assert refused.status_code == 403
    assert "eve@elsewhere.example is not a school account" in refused.content.decode()
    assert "@school.example" in refused.content.decode()
    assert not User.objects.exists()
    assert not SocialAccount.objects.exists()
    dashboard = browser.client.get(reverse("exercises:dashboard"))
    assert dashboard.status_code == 302 and dashboard["Location"].startswith(reverse("login"))


def test_an_address_the_provider_has_not_verified_is_refused(school, browser):
    refused = browser.sign_in("uma")

    assert refused.status_code == 403
    assert "did not confirm an e-mail address" in refused.content.decode()
    assert not User.objects.exists()


def test_a_provider_without_school_domains_refuses_everyone(db, oidc_provider, browser):
    school_app(oidc_provider, allowed_domains=[])

    refused = browser.sign_in("ada")

    assert refused.status_code == 403
    assert "not set up yet" in refused.content.decode()
    assert not User.objects.exists()


def test_an_existing_account_with_the_same_verified_address_is_linked_and_keeps_its_password(
    school, browser, client
):
    bo = factories.StudentFactory(username="bo.lind", email="bo@school.example")
    bo.set_password("bo-own-password-1")
    bo.save()

    landed = browser.sign_in("bo")

    assert landed["Location"] == reverse("exercises:dashboard")
    assert User.objects.count() == 1
    assert SocialAccount.objects.get().user == bo
    bo.refresh_from_db()
    assert bo.check_password("bo-own-password-1")
    client.post(reverse("logout"))
    assert client.login(username="bo.lind", password="bo-own-password-1")


def test_an_administrators_account_is_never_linked_by_email(school, browser):
    head = factories.UserFactory(email="head@school.example", is_staff=True, is_superuser=True)

    refused = browser.sign_in("root")

    assert refused.status_code == 403
    assert "cannot be linked automatically" in refused.content.decode()
    assert not SocialAccount.objects.exists()
    assert User.objects.get() == head


def test_a_closed_account_cannot_sign_in(school, browser, client):
    browser.sign_in("ada")
    client.post(reverse("logout"))
    User.objects.filter(email="ada@school.example").update(is_active=False)

    refused = browser.sign_in("ada")

    assert refused.status_code == 403
    assert "closed" in refused.content.decode()
    assert client.get(reverse("exercises:dashboard")).status_code == 302


def test_signing_in_never_makes_a_teacher_when_no_teacher_claim_is_configured(school, browser):
    browser.sign_in("tess")  # in the provider's "history-teachers" group

    tess = User.objects.get(email="tess@school.example")
    assert not tess.is_staff
    assert not tess.groups.exists()
    assert browser.client.get(reverse("admin:index")).status_code == 302


def test_a_configured_group_claim_makes_a_teacher(db, oidc_provider, browser):
    school_app(oidc_provider, teacher_groups=["history-teachers"])

    browser.sign_in("tess")

    tess = User.objects.get(email="tess@school.example")
    assert tess.is_staff
    assert list(tess.groups.values_list("name", flat=True)) == ["Teachers"]
    assert browser.client.get(reverse("admin:index")).status_code == 200


def test_a_configured_teacher_group_does_not_promote_other_groups(db, oidc_provider, browser):
    school_app(oidc_provider, teacher_groups=["history-teachers"])

    browser.sign_in("sam")  # in "year-12"

    sam = User.objects.get(email="sam@school.example")
    assert not sam.is_staff and not sam.groups.exists()


def test_a_configured_teacher_domain_makes_a_teacher(db, oidc_provider, browser):
    school_app(
        oidc_provider,
        allowed_domains=["school.example", "staff.school.example"],
        teacher_domains=["staff.school.example"],
    )

    browser.sign_in("mo")

    mo = User.objects.get(email="mo@staff.school.example")
    assert mo.is_staff and mo.groups.filter(name="Teachers").exists()


def test_an_existing_student_is_promoted_when_the_school_configures_their_group(
    db, oidc_provider, browser, client
):
    app = school_app(oidc_provider)
    browser.sign_in("tess")
    client.post(reverse("logout"))
    app.settings["teacher_groups"] = ["history-teachers"]
    app.save()

    browser.sign_in("tess")

    assert User.objects.get(email="tess@school.example").is_staff


def test_an_id_token_whose_signature_fails_against_the_providers_keys_is_refused(
    db, oidc_provider, browser
):
    # The provider's key id, but someone else's public key: as a forged token would be.
    school_app(
        oidc_provider,
        provider_id="forged",
        openid_configuration_overrides={"jwks_uri": f"{oidc_provider.url}/other-keys.json"},
    )

    refused = browser.sign_in("ada", provider_id="forged")

    assert refused.status_code == 400
    assert "did not work" in refused.content.decode()
    assert not User.objects.exists()
    assert browser.client.get(reverse("exercises:dashboard")).status_code == 302


def test_an_id_token_from_another_issuer_is_refused(db, oidc_provider, browser):
    school_app(
        oidc_provider,
        provider_id="forged",
        openid_configuration_overrides={"issuer": "https://login.elsewhere.example"},
    )

    refused = browser.sign_in("ada", provider_id="forged")

    assert refused.status_code == 400
    assert not User.objects.exists()


def test_the_same_callback_cannot_be_replayed(school, browser, client):
    browser.sign_in("ada")
    client.post(reverse("logout"))

    replayed = browser.back_at_purgeclass(browser.callback_url)

    assert replayed.status_code == 400
    assert client.get(reverse("exercises:dashboard")).status_code == 302


def test_a_callback_with_a_state_this_browser_never_sent_is_refused(school, client):
    forged = client.get("/accounts/oidc/school/login/callback/?code=abc&state=forged")

    assert forged.status_code == 400
    assert "did not work" in forged.content.decode()
    assert not User.objects.exists()


def test_cancelling_at_the_provider_says_so(school, browser):
    location = browser.start()
    state = dict(p.split("=", 1) for p in location.split("?", 1)[1].split("&"))["state"]

    cancelled = browser.client.get(
        f"/accounts/oidc/school/login/callback/?error=access_denied&state={state}"
    )

    assert cancelled.status_code == 400
    assert "cancelled" in cancelled.content.decode()


def test_logging_out_ends_the_single_sign_on_session(school, browser, client):
    browser.sign_in("ada")
    assert client.get(reverse("exercises:dashboard")).status_code == 200

    client.post(reverse("logout"))

    dashboard = client.get(reverse("exercises:dashboard"))
    assert dashboard.status_code == 302 and dashboard["Location"].startswith(reverse("login"))


def test_a_provider_that_cannot_be_reached_gets_a_clear_page(db, client):
    school_app(Provider(url=f"http://127.0.0.1:{_free_port()}", log=None))  # nobody listens

    response = client.post("/accounts/oidc/school/login/")

    assert response.status_code == 503
    assert "cannot be reached just now" in response.content.decode()


def test_a_provider_that_is_not_set_up_is_not_found(db, client):
    assert client.post("/accounts/google/login/").status_code == 404
    assert client.get("/accounts/microsoft/login/callback/?code=x&state=y").status_code == 404
    assert client.post("/accounts/oidc/school/login/").status_code == 404


def test_axes_still_locks_password_log_ins_and_a_school_sign_in_unlocks_like_a_right_password(
    school, browser, client, settings
):
    settings.AXES_ENABLED = True  # off in the rest of the suite (purgeclass/pytest_plugin.py)
    factories.StudentFactory(username="bo.lind", email="bo@school.example")
    wrong = {"username": "bo.lind", "password": "not-it"}
    answers = [client.post(reverse("login"), wrong).status_code for _ in range(5)]
    assert answers[-1] == 429

    landed = browser.sign_in("bo")

    assert landed["Location"] == reverse("exercises:dashboard")
    assert client.get(reverse("exercises:dashboard")).status_code == 200
    client.post(reverse("logout"))
    # AXES_RESET_ON_SUCCESS: the provider proved who it is, as a right password would have.
    assert client.post(reverse("login"), wrong).status_code == 200
