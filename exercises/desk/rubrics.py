"""The desk's rubrics: criteria and their levels of response. Every teacher may use any
rubric; one is changed in place only by its owner (`Rubric.editable_in_place_by`)."""

from django.contrib import admin
from django.db.models import Count

from purgeclass.admin_site import HardenedModelAdmin

from ..marks import marks
from ..models import Criterion, Level, Rubric
from .forms.rubrics import LevelForm, rubric_maximum
from .naming import person


class LevelInline(admin.TabularInline):
    model = Level
    form = LevelForm
    extra = 0
    verbose_name = "level of response"
    verbose_name_plural = "levels of response (the grader picks a level, then a mark in its band)"


class CriterionInline(admin.TabularInline):
    model = Criterion
    fields = ["order", "name", "description", "skill", "objective", "levels"]
    readonly_fields = ["levels"]
    extra = 0
    show_change_link = True

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("levels")

    @admin.display(description="levels of response")
    def levels(self, criterion):
        if not criterion.pk:
            return "Save, then open the criterion to add its levels."
        return ", ".join(str(level) for level in criterion.levels.all()) or "None yet: open it"


@admin.register(Rubric)
class RubricAdmin(HardenedModelAdmin, admin.ModelAdmin):
    """Every rubric may be read and used; one is changed in place only as
    `Rubric.editable_in_place_by` allows, else the page is read-only and offers the
    teacher's own copy (admin:exercises_rubric_own_copy)."""

    list_display = ["name", "owner_name", "criterion_count", "maximum"]
    list_select_related = ["owner"]
    search_fields = ["name", "description"]
    fields = ["name", "description", "owner_name"]
    readonly_fields = ["owner_name"]
    inlines = [CriterionInline]

    class Media:
        css = {"all": ["css/admin.css"]}

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or obj.editable_in_place_by(request.user))

    def has_delete_permission(self, request, obj=None):
        allowed = super().has_delete_permission(request, obj)
        return allowed and (obj is None or obj.editable_in_place_by(request.user))

    def save_model(self, request, obj, form, change):
        if not change and not request.user.is_superuser:
            obj.owner = request.user  # a teacher's new rubric is theirs
        super().save_model(request, obj, form, change)

    @admin.display(description="owner", ordering="owner__last_name")
    def owner_name(self, rubric):
        return person(rubric.owner) if rubric.owner_id else "Shared library"

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(criterion_count=Count("criteria"))
            .prefetch_related("criteria__levels")
            .order_by("name")  # Meta.ordering is dropped from GROUP BY queries
        )

    @admin.display(description="criteria", ordering="criterion_count")
    def criterion_count(self, rubric):
        return rubric.criterion_count

    @admin.display(description="maximum marks")
    def maximum(self, rubric):
        return marks(rubric_maximum(rubric))


@admin.register(Criterion)
class CriterionAdmin(HardenedModelAdmin, admin.ModelAdmin):
    list_display = ["name", "rubric", "order"]
    list_filter = ["rubric"]
    search_fields = ["name", "rubric__name"]
    autocomplete_fields = ["rubric"]
    inlines = [LevelInline]

    # A criterion and its levels are part of their rubric: changed as the rubric may be.
    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or obj.rubric.editable_in_place_by(request.user))

    def has_delete_permission(self, request, obj=None):
        allowed = super().has_delete_permission(request, obj)
        return allowed and (obj is None or obj.rubric.editable_in_place_by(request.user))

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "rubric":
            kwargs["queryset"] = Rubric.objects.editable_in_place_by(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)
