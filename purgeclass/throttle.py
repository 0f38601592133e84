"""Counting wrong guesses (join codes, old passwords, ...) across every app server.

The counts live in the "shared" cache, Django's database cache: several app servers share
it without a new server to run, and `migrate` creates its table (exercises/apps.py). A key
is blocked once it reaches `limit` wrong guesses; each new one starts the wait again.
"""

from dataclasses import dataclass
from functools import wraps

from django.core.cache import caches
from django.shortcuts import render


def address(request):
    # REMOTE_ADDR only: behind a proxy it is the proxy's, which is safer than trusting a
    # client-supplied X-Forwarded-For (see AXES_* in settings).
    return request.META.get("REMOTE_ADDR") or "unknown"


@dataclass(frozen=True)
class Throttle:
    """At most `limit` wrong guesses per key within `window` seconds of the last one."""

    name: str
    limit: int
    window: int

    @property
    def minutes(self):
        return max(1, self.window // 60)

    def _key(self, key):
        return f"throttle:{self.name}:{key}"

    def blocked(self, *keys):
        cache = caches["shared"]
        counts = cache.get_many([self._key(key) for key in keys])
        return any(count >= self.limit for count in counts.values())

    def hit(self, *keys):
        cache = caches["shared"]
        for key in keys:
            name = self._key(key)
            cache.set(name, (cache.get(name) or 0) + 1, timeout=self.window)

    def allow(self, *keys):
        """Count one use and say whether it was within the limit (for rationed actions)."""
        if self.blocked(*keys):
            return False
        self.hit(*keys)
        return True


# Changing one's password: the old password is checked, so it could be guessed there.
PASSWORD_CHANGE = Throttle("password-change", limit=5, window=15 * 60)
TOO_MANY_PASSWORDS = (
    "Too many wrong passwords: changing your password is paused for {minutes} minutes, so "
    "nobody can guess it here. Wait, then try again."
)


def _wrong_old_password(response):
    form = (getattr(response, "context_data", None) or {}).get("form")
    return form is not None and form.has_error("old_password", "password_incorrect")


def throttle_password_change(view):
    """Wrap a password-change view: wrong old passwords are counted per user and per
    address, and past the limit the form is refused (429) before the password is checked."""

    @wraps(view)
    def throttled(request, *args, **kwargs):
        keys = (f"user:{request.user.pk}", f"address:{address(request)}")
        if request.method == "POST" and PASSWORD_CHANGE.blocked(*keys):
            message = TOO_MANY_PASSWORDS.format(minutes=PASSWORD_CHANGE.minutes)
            return render(request, "registration/throttled.html", {"message": message}, status=429)
        response = view(request, *args, **kwargs)
        if request.method == "POST" and _wrong_old_password(response):
            PASSWORD_CHANGE.hit(*keys)
        return response

    return throttled
