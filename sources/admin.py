"""The source library in the teacher's desk: units, sources, authors, and pack import."""

import re

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Case, Count, Value, When
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.text import Truncator

from purgeclass.admin_site import HardenedModelAdmin

from .files import note_written, removed_on_failure
from .forms import PackConfirmForm, PackUploadForm, SourceAdminForm
from .images import refresh_renditions
from .models import Author, Source, Unit
from .packs import PackError
from .services import import_pack, plan_import, release_archive
from .signals import announce_text_corrected

# An import adds new sources and corrects the ones a re-imported pack already has.
IMPORT_PERMISSIONS = ["sources.add_source", "sources.change_source"]


class DecadeListFilter(admin.SimpleListFilter):
    """Sources by the decade of their date: the 1930s, the 1950s, ... or undated."""

    title = "decade"
    parameter_name = "decade"
    UNDATED = "undated"

    def lookups(self, request, model_admin):
        years = (
            model_admin.get_queryset(request)
            .filter(year__isnull=False)
            .values_list("year", flat=True)
            .distinct()
        )
        decades = sorted({year - year % 10 for year in years})
        return [(str(decade), f"{decade}s") for decade in decades] + [(self.UNDATED, "Undated")]

    def queryset(self, request, queryset):
        value = self.value()
        if value == self.UNDATED:
            return queryset.filter(year__isnull=True)
        if value and value.isdigit():
            decade = int(value)
            return queryset.filter(year__gte=decade, year__lt=decade + 10)
        return queryset


@admin.register(Author)
class AuthorAdmin(HardenedModelAdmin, admin.ModelAdmin):
    list_display = ["name", "kind", "source_count"]
    list_filter = ["kind"]
    search_fields = ["name", "description"]

    def get_queryset(self, request):
        # Meta.ordering is dropped from GROUP BY queries: order explicitly.
        queryset = super().get_queryset(request).annotate(source_count=Count("sources"))
        return queryset.order_by("name")

    @admin.display(description="sources", ordering="source_count")
    def source_count(self, author):
        return author.source_count


@admin.register(Source)
class SourceAdmin(HardenedModelAdmin, admin.ModelAdmin):
    form = SourceAdminForm
    list_display = ["number", "author", "title", "date", "kind", "unit"]
    list_display_links = ["number", "title"]
    list_filter = ["unit", DecadeListFilter, "is_interpretation", "image_kind"]
    list_select_related = ["unit", "author"]
    search_fields = ["=number", "author__name", "title", "text"]
    autocomplete_fields = ["author"]
    ordering = ["unit", "number"]
    readonly_fields = ["updated_at", "image_preview"]
    fieldsets = [
        (None, {"fields": ["unit", "number", "header"]}),
        (
            "Provenance (shown on the source's card)",
            {
                "fields": [
                    "author",
                    "title",
                    ("year", "month", "day"),
                    "date_printed",
                    "context_note",
                    "head_note",
                    "is_interpretation",
                ]
            },
        ),
        (
            "Image (for a photograph, cartoon, poster or map)",
            {
                "fields": [
                    "image",
                    "image_preview",
                    "image_kind",
                    "alt_text",
                    "caption",
                    "credit",
                    "licence",
                ],
                "description": "A source is a document (its text below) or an image. An "
                "image needs its alt text: what it shows, for a reader who cannot see it.",
            },
        ),
        (
            "Text",
            {
                "fields": ["text", "updated_at"],
                "description": "Paragraphs are separated by a blank line. Highlight answers "
                "point into this text, so keep corrections small.",
            },
        ),
    ]

    @admin.display(description="date", ordering="year")
    def date(self, source):
        return source.date_display

    @admin.display(description="kind")
    def kind(self, source):
        kind = source.get_image_kind_display() if source.image else "Document"
        return f"{kind} (interpretation)" if source.is_interpretation else kind

    @admin.display(description="as stored")
    def image_preview(self, source):
        if not source.image:
            return "No image."
        return format_html(
            '<a href="{}"><img src="{}" alt="{}" class="source-admin-thumb" width="240"></a>',
            source.image.url,
            source.display_url,
            source.alt_text,
        )

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        # An upload that fails after its file was stored (the admin's transaction rolled
        # back) leaves no orphan behind (sources.files).
        with removed_on_failure():
            return super().changeform_view(request, object_id, form_url, extra_context)

    def save_model(self, request, obj, form, change):
        """Save, make the image's renditions if it changed, then announce a corrected text
        (inside the admin's transaction) and tell the editor what followed, e.g. "12 answers
        re-anchored, 1 passage lost"."""
        previous = ("", [])
        if change and "image" in form.changed_data:
            previous = (form.initial["image"].name or "", list(obj.renditions))
        try:
            super().save_model(request, obj, form, change)
        finally:  # the new image is stored before the row is written, which may fail
            if "image" in form.changed_data:
                note_written(obj.image.name)
        if "image" in form.changed_data:
            refresh_renditions(obj, *previous)
        if change and "text" in form.changed_data:
            for report in announce_text_corrected(obj, form.initial["text"]):
                messages.info(request, f"Text corrected: {report}.")

    def get_search_results(self, request, queryset, search_term):
        """Typing a source's number puts that source first ("19" is (19), not (9) whose text
        has 1919 in it), so Enter in the source picker takes it."""
        number = NUMBER_TERM.fullmatch(search_term.strip())
        if number:
            search_term = number[1]
        queryset, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        queryset = queryset.select_related("unit")
        if number:
            exact = Case(When(number=int(number[1]), then=Value(0)), default=Value(1))
            queryset = queryset.order_by(exact, "unit__title", "number", "pk")
        return queryset, may_have_duplicates

    def autocomplete_label(self, request, source):
        """A source as the picker offers it: with its unit once there are several units."""
        if not hasattr(request, "_several_units"):
            request._several_units = Unit.objects.count() > 1
        return source_choice_label(source, request._several_units)


# "19", "(19)" or "Source 19": a source's number, as a teacher types it into the picker.
NUMBER_TERM = re.compile(r"(?:source\s*)?\(?(\d{1,9})\)?", re.IGNORECASE)


def source_choice_label(source, with_unit):
    return f"{source} — {source.unit.title}" if with_unit else str(source)


class SourceInline(admin.TabularInline):
    """The unit's sources at a glance; each is edited on its own page."""

    model = Source
    fields = ["number", "author", "title", "date"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("author")

    def has_add_permission(self, request, obj=None):
        return False

    @admin.display(description="date")
    def date(self, source):
        return source.date_display


@admin.register(Unit)
class UnitAdmin(HardenedModelAdmin, admin.ModelAdmin):
    list_display = ["title", "slug", "source_count", "updated_at"]
    search_fields = ["title"]
    prepopulated_fields = {"slug": ["title"]}
    inlines = [SourceInline]

    def get_queryset(self, request):
        queryset = super().get_queryset(request).annotate(source_count=Count("sources"))
        return queryset.order_by("title")

    @admin.display(description="sources", ordering="source_count")
    def source_count(self, unit):
        url = reverse("admin:sources_source_changelist") + f"?unit__id__exact={unit.pk}"
        return format_html('<a href="{}">{}</a>', url, unit.source_count)

    def get_urls(self):
        return [
            path(
                "import/",
                self.admin_site.admin_view(self.import_pack_view),
                name="sources_unit_import",
            ),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "can_import_pack": request.user.has_perms(IMPORT_PERMISSIONS),
        }
        return super().changelist_view(request, extra_context)

    def import_pack_view(self, request):
        """Upload a pack, preview what it would do (nothing saved), then confirm."""
        if not request.user.has_perms(IMPORT_PERMISSIONS):
            raise PermissionDenied
        context = {**self.admin_site.each_context(request), "opts": self.model._meta}
        upload_form = PackUploadForm()
        status = 200

        if request.method == "POST" and "payload" in request.POST:
            confirm_form = PackConfirmForm(request.POST, user=request.user)
            if confirm_form.is_valid():
                payload = confirm_form.cleaned_data["payload"]
                try:
                    result = import_pack(
                        payload["text"], payload.get("slug") or None, images=payload["images"]
                    )
                except PackError as error:
                    context["error"] = str(error)
                    status = 400
                else:
                    if payload.get("archive"):
                        release_archive(payload["archive"])
                    messages.success(request, f"Imported {result.summary()}")
                    for report in result.correction_reports():
                        messages.info(request, report)
                    return redirect("admin:sources_unit_change", result.unit.pk)
            else:
                context["error"] = " ".join(confirm_form.errors["payload"])
                status = 400
        elif request.method == "POST":
            upload_form = PackUploadForm(request.POST, request.FILES)
            if upload_form.is_valid():
                try:
                    plan = plan_import(
                        upload_form.cleaned_data["pack"],
                        upload_form.cleaned_data["slug"] or None,
                        images=upload_form.images,
                    )
                except PackError as error:
                    upload_form.add_error("pack", str(error))
                else:
                    context["plan"] = plan
                    context["rows"] = _preview_rows(plan)
                    context["confirm_form"] = PackConfirmForm(
                        initial={"payload": upload_form.signed_payload(request.user)},
                        user=request.user,
                    )
            if not upload_form.is_valid():
                status = 400

        context.update(title="Import a source pack", upload_form=upload_form)
        return TemplateResponse(
            request, "admin/sources/unit/import_pack.html", context, status=status
        )


def _preview_rows(plan):
    labels = {"create": "new", "update": "update", "unchanged": "unchanged"}
    rows = []
    for planned in plan.sources:
        header = planned.parsed.header
        rows.append(
            {
                "number": planned.number,
                "author": header.author,
                "new_author": header.author in plan.new_authors,
                "title": header.title,
                "author_description": header.author_description,
                "date": header.date.display,
                "date_printed": header.date.printed,
                "context_note": Truncator(header.context_note).chars(90),
                "image": planned.parsed.image,
                "interpretation": planned.parsed.fields.get("is_interpretation", False),
                "action": labels[planned.action],
                "changes": ", ".join(planned.changes),
            }
        )
    return rows
