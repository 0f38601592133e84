"""The source library: units of study, their numbered primary sources, and who wrote them."""

import calendar

from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse


class Unit(models.Model):
    """A unit of study, e.g. "The Great Purge": a background narrative and its sources."""

    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True)
    narrative = models.TextField(
        blank=True, help_text="Background narrative; paragraphs separated by a blank line."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["title"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("sources:unit_detail", args=[self.slug])


class Author(models.Model):
    """Who made a source: a person, or a publication for unsigned editorials."""

    class Kind(models.TextChoices):
        PERSON = "person", "Person"
        PUBLICATION = "publication", "Publication (unsigned editorial)"

    name = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.PERSON)
    description = models.TextField(
        blank=True,
        help_text="Who they were, in a sentence or two: what a student needs for sourcing.",
    )

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class Source(models.Model):
    """One numbered primary source of a unit.

    The header is kept exactly as printed; the parsed fields (author, title, date) are what
    the parser could make of it and what staff correct in the admin. `text` keeps its
    paragraphs (separated by a blank line) and line breaks: highlight answers are character
    ranges of it, so corrections to it are re-anchored by the exercises app.
    """

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="sources")
    number = models.PositiveSmallIntegerField()
    author = models.ForeignKey(
        Author, on_delete=models.PROTECT, related_name="sources", null=True, blank=True
    )
    title = models.CharField(
        "work or publication", max_length=300, blank=True, help_text="e.g. 'Stalin' or 'Pravda'"
    )
    year = models.PositiveSmallIntegerField(null=True, blank=True)
    month = models.PositiveSmallIntegerField(
        null=True, blank=True, choices=[(i, calendar.month_name[i]) for i in range(1, 13)]
    )
    day = models.PositiveSmallIntegerField(null=True, blank=True)
    date_printed = models.CharField(
        "date as printed", max_length=100, blank=True, help_text="e.g. '23rd August, 1936'"
    )
    header = models.TextField(help_text="The header line exactly as printed in the pack.")
    context_note = models.TextField(
        blank=True,
        help_text="Shown on the provenance card, e.g. 'Alexander Orlov was a NKVD officer "
        "who escaped to the United States.'",
    )
    text = models.TextField()
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["unit", "number"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "number"], name="source_number_unique_in_unit"),
            models.CheckConstraint(
                condition=models.Q(month__isnull=True) | models.Q(month__gte=1, month__lte=12),
                name="source_month_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(day__isnull=True)
                | models.Q(day__gte=1, day__lte=31, month__isnull=False),
                name="source_day_needs_month",
            ),
        ]
        indexes = [models.Index(fields=["year"], name="source_year_idx")]

    def __str__(self):
        return f"({self.number}) {self.header}"

    def get_absolute_url(self):
        return reverse("sources:source_detail", args=[self.unit.slug, self.number])

    def clean(self):
        if self.day and not self.month:
            raise ValidationError({"day": "A day needs a month."})
        if self.day and self.month and self.year:
            last = calendar.monthrange(self.year, self.month)[1]
            if self.day > last:
                raise ValidationError(
                    {"day": f"{calendar.month_name[self.month]} has {last} days."}
                )

    @property
    def date_display(self):
        """The date as far as it is known, e.g. '23 August 1936', 'March 1938', '1925'."""
        if not self.year:
            return self.date_printed
        parts = []
        if self.day:
            parts.append(str(self.day))
        if self.month:
            parts.append(calendar.month_name[self.month])
        parts.append(str(self.year))
        return " ".join(parts)

    @property
    def decade(self):
        return self.year - self.year % 10 if self.year else None

    @property
    def paragraphs(self):
        return [p for p in self.text.split("\n\n") if p.strip()]
