"""The admin site of the teacher's desk: Django's own, with autocomplete options a ModelAdmin
may label itself (a source names its unit once there are several units)."""

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.contrib.admin.views.autocomplete import AutocompleteJsonView


class LabelledAutocompleteJsonView(AutocompleteJsonView):
    """An option's text is `model_admin.autocomplete_label(request, obj)` where the ModelAdmin
    has one, else `str(obj)` as in Django."""

    def serialize_result(self, obj, to_field_name):
        result = super().serialize_result(obj, to_field_name)
        label = getattr(self.model_admin, "autocomplete_label", None)
        if label is not None:
            result["text"] = label(self.request, obj)
        return result


class DeskAdminSite(admin.AdminSite):
    def autocomplete_view(self, request):
        return LabelledAutocompleteJsonView.as_view(admin_site=self)(request)


class DeskAdminConfig(AdminConfig):
    default_site = "purgeclass.admin_site.DeskAdminSite"
