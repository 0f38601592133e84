import json
import os
from pathlib import Path

from django.contrib.auth import views as auth_views
from django.http import JsonResponse
from django.urls import include, path
from jwcrypto import jwk
from oauth2_provider.settings import oauth2_settings


def other_keys(request):
    """A JWKS naming the provider's key id with someone else's public key: what a token
    forged without the provider's key would be checked against."""
    real = jwk.JWK.from_pem(oauth2_settings.OIDC_RSA_PRIVATE_KEY.encode())
    other = jwk.JWK.from_pem(Path(os.environ["OIDC_PROVIDER_OTHER_KEY"]).read_bytes())
    public = json.loads(other.export_public())
    public.update(kid=real.thumbprint(), alg="RS256", use="sig")
    return JsonResponse({"keys": [public]})


urlpatterns = [
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("o/", include("oauth2_provider.urls", namespace="oauth2_provider")),
    path("other-keys.json", other_keys),
]
