from django.urls import path

from . import views

app_name = "lti"

urlpatterns = [
    path("lti/jwks/", views.jwks, name="jwks"),
    path("lti/login/", views.login_initiation, name="login"),
    path("lti/launch/", views.launch, name="launch"),
    path("lti/deep-link/", views.deep_link, name="deep_link"),
    path("lti/register/", views.register, name="register"),
    path("lti/assignments/<int:pk>/", views.assignment_lms, name="assignment_lms"),
    path("lti/assignments/<int:pk>/roster/", views.sync_roster, name="sync_roster"),
]
