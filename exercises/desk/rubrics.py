"""The desk's rubrics: criteria and their levels of response, shared by all teachers."""

from django.contrib import admin
from django.db.models import Count

from purgeclass.admin_site import HardenedModelAdmin

from ..marks import marks
from ..models import Criterion, Level, Rubric
from .forms.rubrics import LevelForm, rubric_maximum


class LevelInline(admin.TabularInline):
    model = Level
    form = LevelForm
    extra = 0
    verbose_name = "level of response"
    verbose_name_plural = "levels of response (the grader picks a level, then a mark in its band)"


class CriterionInline(admin.TabularInline):
    model = Criterion
    fields = ["order", "name", "description", "levels"]
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
    list_display = ["name", "criterion_count", "maximum"]
    search_fields = ["name", "description"]
    inlines = [CriterionInline]

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
