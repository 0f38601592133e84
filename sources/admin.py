"""Sources in the teacher's desk (minimal: the sources branch owns the full version).

Registered here so that questions and assignments can pick sources by autocomplete.
"""

from django.contrib import admin

from .models import Source


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin):
    list_display = ["number", "author", "title", "unit"]
    list_select_related = ["unit", "author"]
    search_fields = ["number", "title", "author__name", "text"]
    ordering = ["unit", "number"]
