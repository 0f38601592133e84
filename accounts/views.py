"""Sign-in with Google and Microsoft: allauth's views, answering 404 for a provider the
school has not set up (allauth's own would fail with a server error)."""

from allauth.socialaccount.models import SocialApp
from allauth.socialaccount.providers.google.views import oauth2_callback as google_callback
from allauth.socialaccount.providers.google.views import oauth2_login as google_login
from allauth.socialaccount.providers.microsoft.views import (
    oauth2_callback as microsoft_callback,
)
from allauth.socialaccount.providers.microsoft.views import oauth2_login as microsoft_login
from django.http import Http404


def _configured_only(view):
    def wrapped(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except SocialApp.DoesNotExist:
            raise Http404("This sign-in is not set up.") from None

    wrapped.login_not_required = True
    return wrapped


google_login = _configured_only(google_login)
google_callback = _configured_only(google_callback)
microsoft_login = _configured_only(microsoft_login)
microsoft_callback = _configured_only(microsoft_callback)
