"""django-allauth adapters: purgeclass's rules hooked into allauth's sign-in flow."""

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.models import EmailAddress
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.providers.base.constants import AuthError
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.shortcuts import render
from django.urls import reverse

from . import sso


def refusal(request, message, status=403):
    return ImmediateHttpResponse(
        render(request, "accounts/sso_refused.html", {"message": message}, status=status)
    )


class NoSignupAccountAdapter(DefaultAccountAdapter):
    """Accounts come from the school (the admin, the CSV import) or from single sign-on;
    there is no sign-up form with a password."""

    def is_open_for_signup(self, request):
        return False


class SchoolSocialAccountAdapter(DefaultSocialAccountAdapter):
    def is_open_for_signup(self, request, sociallogin):
        # Whoever passed check_allowed() is one of the school's people.
        return True

    def authenticate_by_email(self, sociallogin):
        """Link to the existing account with the address the provider vouches for.

        Administrators' accounts are never taken over this way: they keep their password
        (and its lockout) and an administrator links them by hand if they want to.
        """
        try:
            email = sso.check_allowed(sociallogin)
        except sso.Refused:
            return None  # refused in pre_social_login, before anything is written
        if not self.can_authenticate_by_email(sociallogin, email):
            return None
        users = list(
            get_user_model()
            .objects.filter(email__iexact=email, is_active=True, is_superuser=False)
            .order_by("pk")[:2]
        )
        if len(users) != 1:  # none, or two accounts share the address: link neither
            return None
        user = users[0]
        # The address on the account was entered by the school, not by its user (there is
        # no self sign-up or e-mail change here): record it as verified, or allauth would
        # wipe the password of the account it links to.
        address, _ = EmailAddress.objects.get_or_create(
            user=user, email__iexact=email, defaults={"email": email, "verified": True}
        )
        if not address.verified:
            address.verified = True
            address.save(update_fields=["verified"])
        return user, address.email

    def pre_social_login(self, request, sociallogin):
        try:
            email = sso.check_allowed(sociallogin)
        except sso.Refused as refused:
            raise refusal(request, str(refused)) from None
        # From here on the address acted on is the one the provider vouches for (for
        # Microsoft its userPrincipalName, never the `mail` attribute).
        sociallogin.email_addresses = [EmailAddress(email=email, verified=True, primary=True)]
        user = sociallogin.user
        if not sociallogin.is_existing:
            if get_user_model().objects.filter(email__iexact=email).exists():
                # An administrator's, a closed or a shared address: not linked on its own.
                raise refusal(
                    request,
                    f"An account with the address {email} already exists and cannot be "
                    "linked automatically. Log in with its password, or ask an "
                    "administrator to link it.",
                )
            return
        if not user.is_active:
            raise refusal(request, "This account has been closed by the school.")
        if sso.is_teacher_by_claims(sociallogin):
            sso.make_teacher(user)

    def save_user(self, request, sociallogin, form=None):
        """A first sign-in: the new account, in the class whose join link was followed."""
        email = sso.vouched_email(sociallogin)
        if email:
            sociallogin.user.email = email
        user = super().save_user(request, sociallogin, form)
        if sso.is_teacher_by_claims(sociallogin):
            sso.make_teacher(user)
        classroom = sso.enrol_from_join_link(user, sociallogin.state.get("next"))
        if classroom is not None:
            messages.success(request, f"You have joined {classroom}.")
            sociallogin.state["next"] = reverse("exercises:dashboard")
        return user

    def on_authentication_error(
        self, request, provider, error=None, exception=None, extra_context=None
    ):
        """A clear page with a 4xx instead of allauth's own: a cancelled sign-in, a state
        that does not match this browser's, a token that fails its checks."""
        if error == AuthError.CANCELLED:
            message = "Signing in was cancelled. You can try again, or log in with a password."
        else:
            message = (
                f"Signing in with {provider.name} did not work. Try again from the login "
                "page; if it keeps failing, tell your teacher."
            )
        raise refusal(request, message, status=400)
