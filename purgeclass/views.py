"""Views that belong to the site rather than to one app."""

from django.http import HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe


@never_cache
@require_safe
def healthz(request):
    """A plain "ok" for load balancers, and the floor the load test measures pages against.

    It touches neither the database nor the session: it says the process answers, and its
    latency is what the stack (gunicorn, middleware) costs before any page does work.
    """
    return HttpResponse("ok", content_type="text/plain; charset=utf-8")
