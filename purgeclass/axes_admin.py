"""django-axes' "Clean up expired attempts" admin action, mended.

In django-axes 8.3 the action calls the database handler directly, which reads
`request.axes_attempt_time`; only axes' proxy handler sets that (on a login), so the
action failed with a server error on every use. Setting the request up first, as the
proxy would, is all it lacks. Remove this module once axes fixes it upstream
(tests/security/test_access_matrix.py would show a 500 again if it broke).
"""

from axes.admin import AccessAttemptAdmin
from axes.handlers.proxy import AxesProxyHandler
from axes.models import AccessAttempt
from django.contrib import admin


class MendedAccessAttemptAdmin(AccessAttemptAdmin):
    @admin.action(description=AccessAttemptAdmin.cleanup_expired_attempts.short_description)
    def cleanup_expired_attempts(self, request, queryset):
        AxesProxyHandler.update_request(request)
        return super().cleanup_expired_attempts(request, queryset)


if admin.site.is_registered(AccessAttempt):
    admin.site.unregister(AccessAttempt)
    admin.site.register(AccessAttempt, MendedAccessAttemptAdmin)
