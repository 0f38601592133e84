"""The school's OpenID Connect provider: allauth's views, with the ID token always checked.

allauth skips the ID token's signature when it fetched the token itself, as the OpenID
Connect spec allows over TLS. A school's own provider may sit behind anything, so here the
signature is always verified against the provider's published keys (RS256 or ES256 only,
never the algorithm the token names for itself), with its issuer, audience and expiry.
"""

import json

import jwt
from allauth.account.internal.decorators import login_not_required
from allauth.socialaccount.adapter import get_adapter
from allauth.socialaccount.models import SocialApp
from allauth.socialaccount.providers.oauth2.client import OAuth2Error
from allauth.socialaccount.providers.oauth2.views import OAuth2CallbackView, OAuth2LoginView
from allauth.socialaccount.providers.openid_connect.views import OpenIDConnectOAuth2Adapter
from django.http import Http404
from django.shortcuts import render
from requests import RequestException

ALGORITHMS = ("RS256", "ES256")
LEEWAY_SECONDS = 30  # a provider's clock a little ahead of ours is not an attack


class VerifyingOIDCAdapter(OpenIDConnectOAuth2Adapter):
    def _decode_id_token(self, app, id_token):
        try:
            header = jwt.get_unverified_header(id_token)
            if header.get("alg") not in ALGORITHMS:
                raise OAuth2Error(f"ID token signed with {header.get('alg')!r}")
            with get_adapter().get_requests_session() as session:
                response = session.get(self.openid_config["jwks_uri"])
                response.raise_for_status()
                keys = response.json().get("keys", [])
            matching = [k for k in keys if k.get("kid") == header.get("kid")]
            if len(matching) != 1:
                raise OAuth2Error("ID token signed with a key the provider does not publish")
            key = jwt.PyJWK.from_json(json.dumps(matching[0]), algorithm=header["alg"])
            return jwt.decode(
                id_token,
                key=key,
                algorithms=[header["alg"]],
                issuer=self.openid_config["issuer"],
                audience=app.client_id,
                leeway=LEEWAY_SECONDS,
                options={"require": ["iss", "aud", "exp", "iat", "sub"]},
            )
        except (jwt.PyJWTError, ValueError, KeyError) as error:
            raise OAuth2Error(f"Invalid ID token: {error}") from error


@login_not_required
def login(request, provider_id):
    try:
        return OAuth2LoginView.adapter_view(VerifyingOIDCAdapter(request, provider_id))(request)
    except SocialApp.DoesNotExist:
        raise Http404("No such provider") from None
    except RequestException:
        # The provider's discovery document is fetched to find where to send the browser.
        message = (
            "The school's sign-in service cannot be reached just now. Try again in a "
            "moment, or log in with your password."
        )
        return render(request, "accounts/sso_refused.html", {"message": message}, status=503)


@login_not_required
def callback(request, provider_id):
    try:
        return OAuth2CallbackView.adapter_view(VerifyingOIDCAdapter(request, provider_id))(request)
    except SocialApp.DoesNotExist:
        raise Http404("No such provider") from None
