"""The source library: units of study, their numbered primary sources, and who wrote them."""

import calendar
import re
from typing import NamedTuple

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import OuterRef, Subquery
from django.urls import reverse

PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n\s*")
VERSE_LINE_MAX = 70  # longest line still read as a line of verse rather than prose


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

    @property
    def narrative_paragraphs(self):
        return [p.strip() for p in PARAGRAPH_BREAK.split(self.narrative) if p.strip()]


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


class Passage(NamedTuple):
    """A paragraph (or a poem's line) of a source and where it sits in `Source.text`.

    `start` and `end` are character offsets into the text, the same offsets highlight
    answers use, so a page can map a reader's selection back to the text.
    """

    start: int
    end: int
    text: str


class SourceQuerySet(models.QuerySet):
    def with_neighbours(self):
        """Annotate `previous_number` and `next_number` within the unit (None at the ends)."""
        siblings = Source.objects.filter(unit=OuterRef("unit"))
        return self.annotate(
            previous_number=Subquery(
                siblings.filter(number__lt=OuterRef("number"))
                .order_by("-number")
                .values("number")[:1]
            ),
            next_number=Subquery(
                siblings.filter(number__gt=OuterRef("number"))
                .order_by("number")
                .values("number")[:1]
            ),
        )


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

    objects = SourceQuerySet.as_manager()

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

    @property
    def label(self):
        """How a source is named wherever it is cited: 'Source 10 (Walter Duranty)', or
        'Source 7' when nobody is known to have made it. The one place that says so: the
        questions, answers, grading, analytics and their messages all use it."""
        author = self.author  # None without a query when there is none
        return f"Source {self.number} ({author.name})" if author else f"Source {self.number}"

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
    def date_iso(self):
        """The known part of the date for <time datetime>: '1936-08-23', '1938-03', '1925'."""
        if not self.year:
            return ""
        if self.month and self.day:
            return f"{self.year:04d}-{self.month:02d}-{self.day:02d}"
        if self.month:
            return f"{self.year:04d}-{self.month:02d}"
        return f"{self.year:04d}"

    @property
    def passages(self):
        """The text's paragraphs with their character offsets (see `Passage`)."""
        passages, start = [], 0
        for match in [*PARAGRAPH_BREAK.finditer(self.text), None]:
            end = match.start() if match else len(self.text)
            chunk = self.text[start:end]
            if chunk.strip():
                first = start + len(chunk) - len(chunk.lstrip())
                passages.append(Passage(first, first + len(chunk.strip()), chunk.strip()))
            if match:
                start = match.end()
        return passages

    @property
    def is_verse(self):
        """A poem: several short one-line paragraphs (a pack prints a poem a line at a time)."""
        passages = self.passages
        return len(passages) >= 4 and all(
            "\n" not in p.text and len(p.text) <= VERSE_LINE_MAX for p in passages
        )
