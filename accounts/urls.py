"""Only the sign-in URLs single sign-on needs: no allauth sign-up, password or e-mail pages
(passwords stay with Django's own login). The URL names are allauth's: its providers build
their login links from them."""

from django.urls import path

from . import oidc, views

urlpatterns = [
    path("google/login/", views.google_login, name="google_login"),
    path("google/login/callback/", views.google_callback, name="google_callback"),
    path("microsoft/login/", views.microsoft_login, name="microsoft_login"),
    path("microsoft/login/callback/", views.microsoft_callback, name="microsoft_callback"),
    path("oidc/<slug:provider_id>/login/", oidc.login, name="openid_connect_login"),
    path(
        "oidc/<slug:provider_id>/login/callback/",
        oidc.callback,
        name="openid_connect_callback",
    ),
]
