"""When the database cannot answer, say so with a 503 and a retry hint, never a 500 page.

A database restarting (connections refused or cut), a statement over its time limit or a
full disk all reach Django as OperationalError or InterfaceError. They are not bugs in a
page: the same request will succeed in a few seconds, so the answer is "503 Service
Unavailable" with `Retry-After`, JSON for the autosave's fetch (static/js/answering.js
then keeps the draft in localStorage and sends it again) and a short HTML page otherwise.

Two hooks, one answer:
- `DatabaseOutageMiddleware.process_exception` catches the error raised by a view;
- `server_error` (handler500 in purgeclass/urls.py) catches what is raised outside a view,
  e.g. the session saved by SessionMiddleware after the view has answered.

Neither touches the database or the session. The connection itself recovers on the next
request without a restart: Django closes a connection that had an error at the end of the
request, and CONN_HEALTH_CHECKS checks a reused one before the first query.
"""

import logging
import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.views import defaults

logger = logging.getLogger("purgeclass.outage")

# Seconds; answering.js retries a failed save after 5 s too.
RETRY_AFTER = 5
SAVE_MESSAGE = (
    "Not saved: the server cannot reach its database just now. Your text is kept on this "
    "device; keep this page open and it will be sent again in a few seconds."
)


def is_outage(error):
    return isinstance(error, OperationalError | InterfaceError)


def _wants_json(request):
    # The autosave's fetch asks for JSON first (static/js/answering.js); browsers ask for
    # HTML first, and for */* too, so only the first type counts.
    return request.headers.get("Accept", "").split(",")[0].strip() == "application/json"


def unavailable(request):
    """The 503 answer for `request`, built without the database or the session."""
    if _wants_json(request):
        response = JsonResponse(
            {"ok": False, "error": SAVE_MESSAGE, "retry_after": RETRY_AFTER}, status=503
        )
    else:
        html = render_to_string(
            "503.html",
            {
                "retry_after": RETRY_AFTER,
                "was_post": request.method == "POST",
                "again": request.get_full_path(),
            },
        )
        response = HttpResponse(html, status=503)
    response["Retry-After"] = str(RETRY_AFTER)
    response["Cache-Control"] = "no-store"
    return response


class DatabaseOutageMiddleware:
    """Turn a view's OperationalError / InterfaceError into a 503 (see the module)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not is_outage(exception):
            return None  # a bug: Django's 500 handling, logging and reporting
        logger.error(
            "Database unavailable: %s %s answered 503",
            request.method,
            request.path,
            exc_info=exception,
        )
        return unavailable(request)


def server_error(request):
    """handler500: a database outage outside a view is a 503 too; anything else is the
    usual 500 page. Django calls this while handling the exception, so sys.exc_info()
    holds it (and Django has already logged it)."""
    if is_outage(sys.exc_info()[1]):
        return unavailable(request)
    return defaults.server_error(request)
