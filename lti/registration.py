"""LTI Dynamic Registration (1EdTech, 1.0), written here rather than taken from
django-lti-dynamic-registration 0.1.2, which crashes building its message, never stores
the deployment id, and saves the registration before the platform has accepted it.

1. The LMS opens /lti/register/?openid_configuration=URL&registration_token=TOKEN.
2. purgeclass reads the platform's OpenID configuration (its issuer must prefix the URL).
3. It posts its own configuration to the platform's registration endpoint, with the token.
4. Only when the platform answers with a client id is anything saved: the registration and
   the deployment the platform named, active at once (so the first launch is accepted).
"""

import requests
from django.db import transaction
from django.urls import reverse
from lti_tool.models import LtiDeployment, LtiRegistration

from .launch import current_key

TOOL_CONFIGURATION = "https://purl.imsglobal.org/spec/lti-tool-configuration"
PLATFORM_CONFIGURATION = "https://purl.imsglobal.org/spec/lti-platform-configuration"
SCOPES = [
    "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem",
    "https://purl.imsglobal.org/spec/lti-ags/scope/result.readonly",
    "https://purl.imsglobal.org/spec/lti-ags/scope/score",
    "https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly",
]
TIMEOUT = 10


class RegistrationRefused(Exception):
    """The platform's configuration or its answer cannot be used; nothing was saved."""


def platform_configuration(config_url):
    """The platform's OpenID configuration, checked for what registration needs."""
    if not config_url.startswith(("https://", "http://")):
        raise RegistrationRefused("Open this page from your LMS's tool registration.")
    try:
        response = requests.get(config_url, timeout=TIMEOUT)
        response.raise_for_status()
        config = response.json()
    except (requests.RequestException, ValueError) as error:
        raise RegistrationRefused(f"The LMS's configuration could not be read: {error}") from error
    if not isinstance(config, dict):
        raise RegistrationRefused("The LMS's configuration is not a JSON object.")
    missing = [
        name
        for name in (
            "issuer",
            "authorization_endpoint",
            "token_endpoint",
            "jwks_uri",
            "registration_endpoint",
        )
        if not isinstance(config.get(name), str) or not config[name]
    ]
    if missing:
        raise RegistrationRefused(f"The LMS's configuration lacks {', '.join(missing)}.")
    if not config_url.startswith(config["issuer"]):
        raise RegistrationRefused("The configuration's address is not under its issuer.")
    return config


def tool_configuration(request):
    """What purgeclass tells the platform about itself."""
    launch_url = request.build_absolute_uri(reverse("lti:launch"))
    return {
        "application_type": "web",
        "response_types": ["id_token"],
        "grant_types": ["implicit", "client_credentials"],
        "initiate_login_uri": request.build_absolute_uri(reverse("lti:login")),
        "redirect_uris": [launch_url],
        "client_name": "purgeclass",
        "jwks_uri": request.build_absolute_uri(reverse("lti:jwks")),
        "token_endpoint_auth_method": "private_key_jwt",
        "scope": " ".join(SCOPES),
        TOOL_CONFIGURATION: {
            "domain": request.get_host(),
            "target_link_uri": launch_url,
            "claims": ["iss", "sub", "name", "given_name", "family_name", "email"],
            "messages": [
                {
                    "type": "LtiDeepLinkingRequest",
                    "target_link_uri": launch_url,
                    "label": "purgeclass assignment",
                },
                {"type": "LtiResourceLinkRequest", "target_link_uri": launch_url},
            ],
        },
    }


def register(request, platform, token):
    """Register with the platform; save the registration and its deployment only once the
    platform has accepted. Returns the saved `LtiRegistration`."""
    current_key()
    headers = {"Content-Type": "application/json", "Accept": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    try:
        response = requests.post(
            platform["registration_endpoint"],
            json=tool_configuration(request),
            headers=headers,
            timeout=TIMEOUT,
        )
    except requests.RequestException as error:
        raise RegistrationRefused(f"The LMS could not be reached: {error}") from error
    if not response.ok:
        raise RegistrationRefused(
            f"The LMS refused the registration ({response.status_code}): {response.text[:200]}"
        )
    try:
        answer = response.json()
        client_id = answer["client_id"]
    except (ValueError, KeyError, TypeError):
        raise RegistrationRefused("The LMS accepted but sent no client id.") from None
    deployment_id = (answer.get(TOOL_CONFIGURATION) or {}).get("deployment_id")
    product = (platform.get(PLATFORM_CONFIGURATION) or {}).get("product_family_code", "")
    with transaction.atomic():
        saved, _ = LtiRegistration.objects.update_or_create(
            issuer=platform["issuer"],
            client_id=str(client_id),
            defaults={
                "name": f"{product or 'LMS'} at {platform['issuer']}"[:255],
                "auth_url": platform["authorization_endpoint"],
                "token_url": platform["token_endpoint"],
                "keyset_url": platform["jwks_uri"],
                "audience": platform.get("authorization_server", ""),
                "is_active": True,
            },
        )
        if deployment_id:
            LtiDeployment.objects.update_or_create(
                registration=saved,
                deployment_id=str(deployment_id),
                defaults={"is_active": True},
            )
    return saved
