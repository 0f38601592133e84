"""The administrator's tools for students' data (on the Users list) and single sign-on.

"Social applications" is where a school registers Google, Microsoft or its own OpenID Connect
provider (instead of SSO_* variables) and "Social accounts" lists who is linked to which
provider. allauth's e-mail address and token pages are left out: purgeclass keeps no
provider tokens, and addresses are the account's own.
"""

import json

from allauth.account import admin as account_admin  # noqa: F401  (registers first)
from allauth.account.models import EmailAddress
from allauth.socialaccount import admin as socialaccount_admin  # noqa: F401
from allauth.socialaccount.models import SocialToken
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.http import HttpResponse
from django.template.response import TemplateResponse

from . import privacy

User = get_user_model()

for model in (EmailAddress, SocialToken):
    if admin.site.is_registered(model):
        admin.site.unregister(model)


def _confirm(modeladmin, request, queryset, *, action, title, perform, keeps, removes):
    """Ask first (like Django's delete page); on "Yes", do it to each student."""
    if request.POST.get("post") == "yes":
        for user in queryset:
            name = user.username
            try:
                perform(user)
            except privacy.NotAStudent as refused:
                modeladmin.message_user(request, str(refused), messages.ERROR)
            else:
                modeladmin.message_user(request, f"{title}: {name}.", messages.SUCCESS)
        return None
    return TemplateResponse(
        request,
        "admin/accounts/confirm_student_data.html",
        {
            **modeladmin.admin_site.each_context(request),
            "title": f"{title}?",
            "opts": modeladmin.model._meta,
            "users": queryset,
            "action": action,
            "keeps": keeps,
            "removes": removes,
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        },
    )


class StudentDataUserAdmin(UserAdmin):
    actions = ["export_student_data", "anonymise_students", "erase_students"]

    @admin.action(description="Export the selected students' data (JSON)", permissions=["view"])
    def export_student_data(self, request, queryset):
        students = [privacy.export_student(user) for user in queryset.order_by("pk")]
        one = len(students) == 1
        body = json.dumps(students[0] if one else {"students": students}, indent=2)
        name = f"student-data-{queryset.get().username}" if one else "student-data"
        response = HttpResponse(body, content_type="application/json")
        response["Content-Disposition"] = f'attachment; filename="{name}.json"'
        return response

    @admin.action(
        description="Anonymise the selected students (keeps their graded work)",
        permissions=["delete"],
    )
    def anonymise_students(self, request, queryset):
        return _confirm(
            self,
            request,
            queryset,
            action="anonymise_students",
            title="Anonymised",
            perform=privacy.anonymise_student,
            keeps=privacy.ANONYMISE_KEEPS,
            removes=privacy.ANONYMISE_REMOVES,
        )

    @admin.action(
        description="Erase the selected students and all their work", permissions=["delete"]
    )
    def erase_students(self, request, queryset):
        return _confirm(
            self,
            request,
            queryset,
            action="erase_students",
            title="Erased",
            perform=privacy.erase_student,
            keeps="nothing",
            removes=privacy.ERASE_REMOVES,
        )


if admin.site.is_registered(User):
    admin.site.unregister(User)
admin.site.register(User, StudentDataUserAdmin)
