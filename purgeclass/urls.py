from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from . import (
    axes_admin,  # noqa: F401  (mends an admin action of django-axes)
    views,
)
from .throttle import throttle_password_change

admin.site.site_header = "purgeclass: teacher's desk"
admin.site.site_title = "purgeclass"
admin.site.index_title = "Classes, assignments, grading and sources"

# A database outage outside a view is a 503 too (purgeclass/outage.py).
handler500 = "purgeclass.outage.server_error"

urlpatterns = [
    path("healthz/", views.healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "accounts/password/",
        throttle_password_change(auth_views.PasswordChangeView.as_view()),
        name="password_change",
    ),
    path(
        "accounts/password/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("accounts/", include("accounts.urls")),  # single sign-on
    path("", include("sources.urls")),
    path("", include("exercises.urls")),
    path("", include("lti.urls")),
]

# Uploaded images in development only (`static` adds nothing unless DEBUG): in production
# the proxy or the object store serves MEDIA_URL (README, Production).
urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
