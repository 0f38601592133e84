"""The teacher's desk's admin site, and the ModelAdmin base every admin in it uses.

The site labels autocomplete options through the ModelAdmin where it has
`autocomplete_label` (a source names its unit once there are several units).

`HardenedModelAdmin` closes two kinds of hostile input for every model at once:
- an action posted with ids that are not ids of the model (`_selected_action=abc`, a number
  past the column's range, a NUL): they are dropped before Django filters by them, which
  raised ValueError or OverflowError (a server error) before;
- a date in the list's date filter past what a date can hold (`?opens_at__year=10**30`):
  Django turns a bad date into "incorrect lookup" but lets OverflowError through as a 500;
  here it is treated as bad lookup parameters too;
- a search term with a NUL character (changelist `?q=`, autocomplete `term=`): PostgreSQL
  refuses NUL in text, so it is removed before the search.

Our own admins inherit it; `DeskAdminSite.register` mixes it into those of other apps
(auth, axes), so no ModelAdmin of the project is without it.
"""

import types
from functools import update_wrapper

from django.contrib import admin
from django.contrib.admin import helpers
from django.contrib.admin.apps import AdminConfig
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.autocomplete import AutocompleteJsonView
from django.core.exceptions import ValidationError
from django.urls import path

from .throttle import throttle_password_change


def clean_search_term(term):
    return term.replace("\x00", "")


class HardenedModelAdmin:
    """Mix into a ModelAdmin (before admin.ModelAdmin): see the module's docstring."""

    def _is_pk(self, value):
        if "\x00" in value:
            return False
        field = self.opts.pk
        try:
            field.run_validators(field.to_python(value))
        except (ValidationError, ValueError, TypeError):
            return False
        return True

    def response_action(self, request, queryset):
        name = helpers.ACTION_CHECKBOX_NAME
        ids = request.POST.getlist(name)
        kept = [value for value in ids if self._is_pk(value)]
        if len(kept) != len(ids):
            post = request.POST.copy()
            post.setlist(name, kept)
            request.POST = post
        return super().response_action(request, queryset)

    def get_changelist_instance(self, request):
        try:
            return super().get_changelist_instance(request)
        except OverflowError as error:  # the changelist answers this with its ?e=1 page
            raise IncorrectLookupParameters(error) from error

    def get_search_results(self, request, queryset, search_term):
        return super().get_search_results(request, queryset, clean_search_term(search_term))


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
    """The teacher's desk: Django's admin site, hardened, plus pages of its own.

    A desk page that is not one model's list or form (the grading page, a markbook, a
    marking workspace) is a view registered here with `register_view`, next to the module
    of its area, rather than a method on a fatter ModelAdmin. It is served under /admin/,
    behind the admin's login and staff check (`admin_view`), with the admin's look.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._desk_views = []

    def register_view(self, route, view, name, model=None):
        """Serve `view` at /admin/<route> as URL name admin:<name>.

        A page of one model's objects names its `model`: it is then called as
        `view(request, model_admin, **kwargs)` with the model's ModelAdmin, which knows
        which objects the user reaches and what they may do with them, and it is marked as
        the ModelAdmin's own pages are (`model_admin` on the view). The ModelAdmin is looked
        up when the URLs are built, so the page may be registered before its model is.
        """
        self._desk_views.append((route, view, name, model))

    def _desk_view(self, view, model):
        if model is None:
            return self.admin_view(view)
        model_admin = self.get_model_admin(model)

        def page(request, *args, **kwargs):
            return view(request, model_admin, *args, **kwargs)

        update_wrapper(page, view)
        page.model_admin = model_admin  # as ModelAdmin.get_urls marks its views
        return self.admin_view(page)

    def get_urls(self):
        own = [
            path(route, self._desk_view(view, model), name=name)
            for route, view, name, model in self._desk_views
        ]
        # Before the admin's own patterns, which end in a catch-all.
        return own + super().get_urls()

    def autocomplete_view(self, request):
        return LabelledAutocompleteJsonView.as_view(admin_site=self)(request)

    def register(self, model_or_iterable, admin_class=None, **options):
        admin_class = admin_class or admin.ModelAdmin
        if not issubclass(admin_class, HardenedModelAdmin):
            base = admin_class
            admin_class = types.new_class(
                base.__name__,
                (HardenedModelAdmin, base),
                exec_body=lambda body: body.update(__module__=base.__module__),
            )
        return super().register(model_or_iterable, admin_class, **options)

    def password_change(self, request, extra_context=None):
        view = super().password_change
        return throttle_password_change(view)(request, extra_context)


class DeskAdminConfig(AdminConfig):
    default_site = "purgeclass.admin_site.DeskAdminSite"
