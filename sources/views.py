"""Student-facing pages of the source library; readable without logging in."""

from django.db.models import Count
from django.shortcuts import get_object_or_404, render

from .models import Source, Unit


def unit_list(request):
    units = Unit.objects.annotate(source_count=Count("sources")).order_by("title")
    return render(request, "sources/unit_list.html", {"units": units})


def unit_detail(request, slug):
    unit = get_object_or_404(Unit, slug=slug)
    sources = unit.sources.select_related("author")
    return render(request, "sources/unit_detail.html", {"unit": unit, "sources": sources})


def source_detail(request, slug, number):
    source = get_object_or_404(
        Source.objects.select_related("unit", "author").with_neighbours(),
        unit__slug=slug,
        number=number,
    )
    return render(request, "sources/source_detail.html", {"source": source})
