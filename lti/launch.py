"""The launch machinery: PyLTI1p3 (through django-lti) with purgeclass's corrections.

django-lti 0.10.1 and PyLTI1p3 2.0.0 are right about the protocol and wrong in four places
that matter to a school, each corrected here:

- launch data (the nonces issued at login) live in Django's cache: with several app
  servers and a per-process cache a launch fails at random with "State not found". They
  live in the database instead (`DatabaseLaunchDataStorage`).
- a nonce is checked but never consumed, so a launch can be posted twice: `record_nonce`.
- an unknown deployment is created (inactive) on first sight: here it is refused and
  nothing is written (`ToolConfig`).
- PyJWT allows no clock leeway, so a platform clock a few seconds ahead is refused:
  `settings.LTI_CLOCK_LEEWAY` seconds are allowed (`MessageLaunch`).
"""

import datetime

import jwt
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from lti_tool.models import Key, LtiDeployment
from lti_tool.utils import DjangoToolConfig
from pylti1p3.contrib.django import DjangoMessageLaunch, DjangoOIDCLogin
from pylti1p3.deployment import Deployment
from pylti1p3.exception import LtiException, OIDCException
from pylti1p3.launch_data_storage.cache import CacheDataStorage

from .models import LaunchValue, UsedNonce


class LaunchRefused(Exception):
    """A launch or login that must not go on; the message is shown to the person."""


def current_key():
    """The tool's signing key (made on first use: a new database has none)."""
    key = Key.objects.active().order_by("-datetime_created").first()
    return key or Key.objects.generate()


class _DatabaseCache:
    """The two calls PyLTI1p3's cache storage makes, on the `LaunchValue` table."""

    def get(self, key):
        row = LaunchValue.objects.filter(key=key).first()
        if row is None or (row.expires_at and row.expires_at < timezone.now()):
            return None
        return row.value

    def set(self, key, value, exp=None):
        expires_at = timezone.now() + datetime.timedelta(seconds=exp) if exp else None
        LaunchValue.objects.update_or_create(
            key=key, defaults={"value": value, "expires_at": expires_at}
        )


class DatabaseLaunchDataStorage(CacheDataStorage):
    """PyLTI1p3's launch data storage in the database, shared by every app server."""

    _cache = _DatabaseCache()

    def __init__(self, *args, **kwargs):
        super().__init__("database", **kwargs)


class ToolConfig(DjangoToolConfig):
    """django-lti's registry, except that only known, active deployments are accepted."""

    refused_deployment_id = None

    def _active_deployment(self, **lookups):
        if self.registration_uuid is not None:
            lookups["registration__uuid"] = self.registration_uuid
        self.deployment = (
            LtiDeployment.objects.active()
            .filter(registration__is_active=True, **lookups)
            .select_related("registration")
            .first()
        )
        if self.deployment is None:
            self.refused_deployment_id = lookups["deployment_id"]
            return None
        return Deployment().set_deployment_id(self.deployment.deployment_id)

    def find_deployment(self, iss, deployment_id):
        return self._active_deployment(registration__issuer=iss, deployment_id=deployment_id)

    def find_deployment_by_params(self, iss, deployment_id, client_id, *args, **kwargs):
        return self._active_deployment(
            registration__issuer=iss,
            registration__client_id=client_id,
            deployment_id=deployment_id,
        )


class MessageLaunch(DjangoMessageLaunch):
    """A launch whose id_token may be `LTI_CLOCK_LEEWAY` seconds early or late."""

    def validate_jwt_signature(self):
        public_key, key_alg = self.get_public_key()
        try:
            jwt.decode(
                self._get_id_token(),
                public_key,
                algorithms=[key_alg],
                options={"verify_aud": False},
                leeway=settings.LTI_CLOCK_LEEWAY,
            )
        except jwt.InvalidTokenError as error:
            raise LtiException(f"The launch's token is not valid: {error}") from error
        return self


def oidc_login_redirect(request, launch_url):
    """Step 1 of a launch: answer the platform's login initiation with a redirect to its
    authorization endpoint, carrying a new state (in a cookie) and nonce (in the database).
    """
    current_key()
    login = DjangoOIDCLogin(request, ToolConfig(), launch_data_storage=_storage())
    try:
        return login.redirect(launch_url)
    except (LtiException, OIDCException) as error:
        raise LaunchRefused(str(error)) from error


def _storage():
    return DatabaseLaunchDataStorage()


def validated_launch(request):
    """Step 2: the platform's signed launch, validated (state, signature, nonce, issuer,
    audience, deployment, message). Call inside a transaction: the nonce is used up here.
    """
    current_key()
    config = ToolConfig()
    try:
        # The constructor reads cookies already (and may refuse): inside the try.
        launch = MessageLaunch(request, config, launch_data_storage=_storage())
        launch.validate()
    except LtiException as error:
        if config.refused_deployment_id is not None:
            raise LaunchRefused(
                f"This LMS deployment ({config.refused_deployment_id}) is not activated in "
                "purgeclass. An administrator activates it with `manage.py "
                "lti_activate_deployment`."
            ) from error
        if "cookie" in str(error) or "State not found" in str(error):
            raise LaunchRefused(
                f"{error}. Your browser did not send back the cookie purgeclass set a moment "
                "ago: it may block cookies inside the LMS's page. Open the activity in a new "
                "window (or allow cookies for purgeclass) and try again."
            ) from error
        raise LaunchRefused(str(error)) from error
    except (KeyError, ValueError, TypeError) as error:  # a malformed token or claim
        raise LaunchRefused(f"The launch is malformed: {error}") from error
    record_nonce(launch.get_launch_data())
    forget_old_launches()
    return launch


# A launch's token lives minutes; its nonce is kept a day, then forgotten with the expired
# launch data, so neither table grows without end.
KEEP_USED_NONCES = datetime.timedelta(days=1)


def forget_old_launches(now=None):
    """Delete nonces used over a day ago and launch data past their expiry."""
    now = now or timezone.now()
    UsedNonce.objects.filter(used_at__lt=now - KEEP_USED_NONCES).delete()
    LaunchValue.objects.filter(expires_at__lt=now).delete()


def record_nonce(body):
    """Use up the launch's nonce: the same launch posted again is refused."""
    try:
        with transaction.atomic():
            UsedNonce.objects.create(issuer=body["iss"], nonce=body["nonce"])
    except IntegrityError:
        raise LaunchRefused("This launch has already been used. Open the activity again.") from None
