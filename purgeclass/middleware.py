"""Site-wide response rules."""

from django.db import DatabaseError
from django.utils.cache import add_never_cache_headers


class NoStoreWhenLoggedIn:
    """A logged-in page is never stored: on a shared school computer the back button must
    not show the previous pupil's work (Cache-Control: no-store, private)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        try:
            logged_in = user is not None and user.is_authenticated
        except DatabaseError:
            # The session could not be read (the database is down: purgeclass/outage.py has
            # already answered 503). Whoever it was, such a page is not one to keep; raising
            # here would replace that answer with a bare one.
            logged_in = True
        if logged_in:
            add_never_cache_headers(response)
        return response
