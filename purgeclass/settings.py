"""Settings for purgeclass.

Everything that differs between a laptop and a school district's server comes from the
environment. The defaults are safe for local use: SQLite in the project folder, DEBUG on only
when asked for, and a development secret key that production refuses to start with.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def envbool(name, default):
    """Read a yes/no setting; refuse anything that is not clearly one of them."""
    value = os.getenv(name, default).strip().lower()
    if value in ("1", "true", "yes", "on"):
        return True
    if value in ("0", "false", "no", "off", ""):
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}")


def envint(name, default):
    value = os.getenv(name, default)
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}") from None


def envlist(name, default):
    return [item.strip() for item in os.getenv(name, default).split(",") if item.strip()]


DEBUG = envbool("DEBUG", "false")

# Public, so worthless as a secret: purgeclass/wsgi.py refuses to serve pages with it unless
# DEBUG is on. manage.py commands and the tests accept it, so migrations run anywhere.
DEVELOPMENT_SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production"
SECRET_KEY = os.getenv("SECRET_KEY", DEVELOPMENT_SECRET_KEY)

ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    # The admin site: every ModelAdmin hardened against hostile input, autocomplete options
    # labelled by their ModelAdmin (purgeclass/admin_site.py).
    "purgeclass.admin_site.DeskAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "crispy_forms",
    "crispy_bootstrap5",
    "simple_history",
    "import_export",
    "sources",
    "exercises",
    "accounts",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Pages compressed: the assignment page with 23 sources is 108 kB of HTML, 23 kB gzipped,
    # 1.7 s less on a slow 3G school connection (docs/benchmarks.md). Below WhiteNoise, which
    # serves static files pre-compressed. Django mitigates BREACH here ("Heal The Breach").
    "django.middleware.gzip.GZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "purgeclass.middleware.NoStoreWhenLoggedIn",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
]

ROOT_URLCONF = "purgeclass.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

WSGI_APPLICATION = "purgeclass.wsgi.application"

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=envint("CONN_MAX_AGE", "60"),
        # A reused connection is checked before its first query in each request, so
        # after a database restart the workers reconnect by themselves (purgeclass/outage.py).
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the development server read while an autosave writes.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # A statement that runs this long is stuck behind a lock or a runaway plan: cancel it,
    # so the worker answers 503 "try again" (purgeclass/outage.py) instead of hanging until
    # gunicorn kills it. 0 turns it off (e.g. for a long `migrate` on a large database).
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = (
        f"-c statement_timeout={envint('DATABASE_STATEMENT_TIMEOUT_MS', '10000')}"
    )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Argon2id first: new passwords are hashed with it (purgeclass/hashers.py). PBKDF2 stays so
# that the hashes made before still verify; Django re-hashes each one with Argon2id at its
# user's next login. Django's own Argon2PasswordHasher must not be listed too: it has the
# same algorithm name, would take over verifying "argon2" hashes, and with its different
# parameters would ask for a re-hash at every login.
PASSWORD_HASHERS = [
    "purgeclass.hashers.Argon2idPasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "exercises:dashboard"
LOGOUT_REDIRECT_URL = "sources:unit_list"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = os.getenv("TIME_ZONE", "Europe/London")
USE_I18N = True
USE_TZ = True

# Uploaded files (the images of visual sources) go through Django's storage API: a folder
# here by default; an S3-compatible store is a STORAGES["default"] away (README, Production).
MEDIA_URL = os.getenv("MEDIA_URL", "media/")
MEDIA_ROOT = Path(os.getenv("MEDIA_ROOT", BASE_DIR / "media"))

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            # Hashed, compressed files need `collectstatic` first: production only.
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if envbool("STATIC_MANIFEST", "false" if DEBUG else "true")
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Sessions live in the database so that several app servers can share them.
SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_COOKIE_AGE = envint("SESSION_COOKIE_AGE", str(60 * 60 * 12))

# "shared": what every app server must see alike (counts of wrong join codes and passwords,
# purgeclass/throttle.py). Django's database cache needs no server of its own; `migrate`
# creates its table (exercises/apps.py).
CACHES = {
    # Per process: rendered source cards, reading panes, question heads and unanswered
    # questions' inputs, each keyed on a hash of what it shows, so never stale. About 80
    # entries an assignment on the page: Django's default of 300 would evict a school's
    # other open assignments; a few thousand fragments of a few kB each are tens of MB.
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "OPTIONS": {"MAX_ENTRIES": envint("PAGE_CACHE_ENTRIES", "5000")},
    },
    "shared": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "purgeclass_shared_cache",
    },
}

# Production hardening: on unless DEBUG. SECURE_SSL_REDIRECT can be turned off when a
# proxy in front of the app already redirects to HTTPS.
SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", "false" if DEBUG else "true")
if envbool("BEHIND_PROXY", "false"):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    if not SECURE_SSL_REDIRECT:
        # The operator says the proxy redirects to HTTPS: `check --deploy` need not warn.
        SILENCED_SYSTEM_CHECKS = ["security.W008"]
SESSION_COOKIE_SECURE = not DEBUG and envbool("SECURE_COOKIES", "true")
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_COOKIE_HTTPONLY = True
SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", "0" if DEBUG else "31536000")
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_SECONDS > 0
SECURE_HSTS_PRELOAD = SECURE_HSTS_SECONDS > 0
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Content-Security-Policy (django-csp): only the app's own static scripts and styles, so an
# injected <script> or onclick= in a student's answer could not run. Templates therefore
# carry no inline scripts, event handlers or style="" attributes (tests/test_security.py).
# Bootstrap's icons are data: URIs in its CSS.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# Login throttling (django-axes): after AXES_FAILURE_LIMIT wrong passwords, that username
# is locked for AXES_COOLOFF_TIME, from that IP address only. A whole school usually shares
# one public (NAT) address, so locking the address would lock out every class in the
# building because one student mistyped; locking the pair stops guessing at one account.
# Behind a proxy REMOTE_ADDR is the proxy's, so the lock is in effect per username; that is
# safer than trusting a client-supplied X-Forwarded-For. Teachers unlock a student by
# deleting the student's "access attempts" in the admin (or `manage.py axes_reset_username`).
AXES_ENABLED = envbool("AXES_ENABLED", "true")
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/lockout.html"
# Students are mostly minors: keep no trail of successful logins, only of failed ones.
AXES_DISABLE_ACCESS_LOG = True
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: refuses locked-out logins
    "django.contrib.auth.backends.ModelBackend",
]
# Added here rather than in the lists above so the security setup reads in one place.
# AxesMiddleware must come last: it turns a refused login into the lockout page.
INSTALLED_APPS += ["csp", "axes"]
# DatabaseOutageMiddleware: a database that cannot answer (restarting, a statement timeout,
# a full disk) gives a 503 with Retry-After, not a 500 page (purgeclass/outage.py;
# handler500 in purgeclass/urls.py covers errors raised outside views).
MIDDLEWARE += [
    "csp.middleware.CSPMiddleware",
    "purgeclass.outage.DatabaseOutageMiddleware",
    "axes.middleware.AxesMiddleware",
]


# Single sign-on (django-allauth): Google, Microsoft Entra ID and the school's own OpenID
# Connect provider, set from SSO_<PROVIDER>_* variables here or as "Social applications" in
# the admin. Each is limited to the school's e-mail domains; nobody becomes a teacher by
# signing in unless a teacher domain or group is configured (accounts/sso.py). Passwords stay.
def sso_app(prefix, **app_settings):
    """One provider's app from SSO_<PREFIX>_CLIENT_ID, _SECRET, _DOMAINS, _TEACHER_DOMAINS
    and _TEACHER_GROUPS; None when it has no client id. Refuses a provider without domains:
    an SSO button open to every Google or Microsoft account in the world is never meant."""
    client_id = os.getenv(f"SSO_{prefix}_CLIENT_ID", "").strip()
    if not client_id:
        return None
    domains = envlist(f"SSO_{prefix}_DOMAINS", "")
    if not domains:
        raise ImproperlyConfigured(f"SSO_{prefix}_DOMAINS: name the school's e-mail domains")
    return {
        "client_id": client_id,
        "secret": os.getenv(f"SSO_{prefix}_SECRET", ""),
        "settings": {
            "allowed_domains": domains,
            "teacher_domains": envlist(f"SSO_{prefix}_TEACHER_DOMAINS", ""),
            "teacher_groups": envlist(f"SSO_{prefix}_TEACHER_GROUPS", ""),
            **app_settings,
        },
    }


SSO_APPS = {
    "google": sso_app("GOOGLE"),
    # A tenant id (or the school's domain) admits only the school's directory.
    "microsoft": sso_app("MICROSOFT", tenant=os.getenv("SSO_MICROSOFT_TENANT", "organizations")),
    "openid_connect": sso_app(
        "OIDC", server_url=os.getenv("SSO_OIDC_SERVER_URL", ""), oauth_pkce_enabled=True
    ),
}
if SSO_APPS["openid_connect"]:
    SSO_APPS["openid_connect"].update(
        provider_id="school", name=os.getenv("SSO_OIDC_NAME", "School account")
    )
SOCIALACCOUNT_PROVIDERS = {name: {"APPS": [app]} for name, app in SSO_APPS.items() if app}
SOCIALACCOUNT_ADAPTER = "accounts.adapter.SchoolSocialAccountAdapter"
ACCOUNT_ADAPTER = "accounts.adapter.NoSignupAccountAdapter"
SOCIALACCOUNT_AUTO_SIGNUP = True
# An existing account with the same e-mail address is linked when the provider vouches for
# it. Accounts here are made by the school (no self sign-up, no e-mail change by users).
SOCIALACCOUNT_EMAIL_AUTHENTICATION = True
SOCIALACCOUNT_EMAIL_AUTHENTICATION_AUTO_CONNECT = True
ACCOUNT_EMAIL_VERIFICATION = SOCIALACCOUNT_EMAIL_VERIFICATION = "none"
SOCIALACCOUNT_STORE_TOKENS = False
SOCIALACCOUNT_LOGIN_ON_GET = False  # a button posts (with the CSRF token) to start a login
# Served over HTTPS (secure cookies): the redirect URI given to the provider is https://,
# as registered, even when a proxy forgets to say that the request came in over HTTPS.
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https" if SESSION_COOKIE_SECURE else "http"
INSTALLED_APPS += [
    "allauth",
    "allauth.account",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.google",
    "allauth.socialaccount.providers.microsoft",
    "allauth.socialaccount.providers.openid_connect",
]

# A student's answer is at most 10,000 characters per field; a highlight answer carries
# its quotes too. Keep the request ceiling well above that but bounded.
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.getenv("LOG_LEVEL", "WARNING")},
}

# LTI 1.3 tool for the school's LMS (lti/, docs/lti.md): django-lti's registrations, and
# background grade passback through django-tasks' database backend (no new server; run
# `manage.py db_worker` beside the app).
INSTALLED_APPS += ["lti_tool", "django_tasks", "django_tasks_db", "lti"]
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
LTI_CLOCK_LEEWAY = envint("LTI_CLOCK_LEEWAY", "30")  # seconds a platform's clock may be off
LTI_PASSBACK_ATTEMPTS = envint("LTI_PASSBACK_ATTEMPTS", "6")
LTI_PASSBACK_RETRY_SECONDS = envint("LTI_PASSBACK_RETRY_SECONDS", "60")
# The LMS shows purgeclass inside its course page (an iframe): name the LMS's origins, e.g.
# "https://school.instructure.com,https://moodle.school.org". Only they may frame it, and
# the session and CSRF cookies go with requests inside that frame (SameSite=None, which
# browsers accept only with Secure: HTTPS). PyLTI1p3's own state cookie is already
# SameSite=None; Secure over HTTPS.
LTI_FRAME_ANCESTORS = envlist("LTI_FRAME_ANCESTORS", "")
if LTI_FRAME_ANCESTORS:
    if not SESSION_COOKIE_SECURE:
        raise ImproperlyConfigured(
            "LTI_FRAME_ANCESTORS needs HTTPS and secure cookies: browsers drop the "
            "SameSite=None cookies an embedded purgeclass needs unless they are Secure."
        )
    CONTENT_SECURITY_POLICY["DIRECTIVES"]["frame-ancestors"] = ["'self'", *LTI_FRAME_ANCESTORS]
    SESSION_COOKIE_SAMESITE = CSRF_COOKIE_SAMESITE = "None"
