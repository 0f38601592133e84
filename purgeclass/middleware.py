"""Site-wide response rules."""

from django.utils.cache import add_never_cache_headers


class NoStoreWhenLoggedIn:
    """A logged-in page is never stored: on a shared school computer the back button must
    not show the previous pupil's work (Cache-Control: no-store, private)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            add_never_cache_headers(response)
        return response
