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
    """One numbered source of a unit: a document, or an image (photograph, cartoon, poster,
    map), and either a primary source or a historian's interpretation.

    The header is kept exactly as printed; the parsed fields (author, title, date) are what
    the parser could make of it and what staff correct in the admin. `text` keeps its
    paragraphs (separated by a blank line) and line breaks: highlight answers are character
    ranges of it, so its writers announce a correction (`sources.signals.text_corrected`)
    and the exercises app re-anchors them. An image source's text is the transcription of
    the words in it, if any; its image is kept through Django's storage API with WebP
    renditions beside it (`sources.images`).
    """

    class ImageKind(models.TextChoices):
        PHOTOGRAPH = "photograph", "Photograph"
        CARTOON = "cartoon", "Cartoon"
        POSTER = "poster", "Poster"
        MAP = "map", "Map"

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
    head_note = models.TextField(
        blank=True,
        help_text="Optional, on the provenance card: who the author was and why the source "
        "matters, in a sentence or two.",
    )
    is_interpretation = models.BooleanField(
        "historian's interpretation",
        default=False,
        help_text="A historian's account written afterwards, not a primary source: marked "
        "as such on its card and in source pickers.",
    )
    text = models.TextField(
        blank=True,
        help_text="Required for a document. For an image: a transcription of the words in it, "
        "if any.",
    )
    image = models.ImageField(
        upload_to="sources/",
        blank=True,
        width_field="image_width",
        height_field="image_height",
        help_text="A JPEG, PNG, WebP or GIF, up to 10 MB. Smaller copies are made for "
        "phones; the full image stays one tap away.",
    )
    image_width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    image_height = models.PositiveIntegerField(null=True, blank=True, editable=False)
    image_kind = models.CharField(
        "kind of image", max_length=20, choices=ImageKind.choices, blank=True
    )
    alt_text = models.CharField(
        "alt text",
        max_length=1000,
        blank=True,
        help_text="Required with an image: what it shows, for a reader who cannot see it.",
    )
    caption = models.TextField(blank=True, help_text="The caption, as published or as you give it.")
    credit = models.CharField(
        max_length=300, blank=True, help_text="Who made or holds the image, e.g. an archive."
    )
    licence = models.CharField(
        max_length=200, blank=True, help_text="e.g. 'Public domain' or 'CC BY-SA 4.0'."
    )
    renditions = models.JSONField(
        default=list, blank=True, editable=False, help_text="Widths of the WebP renditions made."
    )
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
        """As source pickers offer it: the printed header, and whether it is an interpretation."""
        badge = " [historian's interpretation]" if self.is_interpretation else ""
        return f"({self.number}) {self.header}{badge}"

    def get_absolute_url(self):
        return reverse("sources:source_detail", args=[self.unit.slug, self.number])

    @property
    def label(self):
        """How a source is named wherever it is cited: 'Source 10 (Walter Duranty)', or
        'Source 7' when nobody is known to have made it. The one place that says so: the
        questions, answers, grading, analytics and their messages all use it."""
        author = self.author  # None without a query when there is none
        return f"Source {self.number} ({author.name})" if author else f"Source {self.number}"

    def clean_fields(self, exclude=None):
        """The image is checked on its way in (`images.check_image`, the storage's name).
        Cleaning the field again would make Django's ImageField open the stored file to
        measure it, and an original missing from the storage would turn every save of the
        source (the admin's, a pack's correction) into a server error."""
        super().clean_fields(exclude={*(exclude or ()), "image"})

    def clean(self):
        if self.image:
            if not self.alt_text.strip():
                raise ValidationError(
                    {"alt_text": "An image needs its alt text: say what it shows."}
                )
            if not self.image_kind:
                raise ValidationError({"image_kind": "Say what kind of image it is."})
        elif not self.text.strip():
            raise ValidationError({"text": "A source needs its text, or an image."})
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
    def is_visual(self):
        return bool(self.image)

    def rendition_urls(self):
        """(url, width) of the image's WebP renditions, narrowest first."""
        from .images import rendition_name

        storage = self.image.storage
        return [(storage.url(rendition_name(self.image.name, w)), w) for w in self.renditions]

    @property
    def srcset(self):
        """The image's `srcset`: its renditions, then the original at its own width."""
        if not self.image:
            return ""
        sizes = [*self.rendition_urls(), (self.image.url, self.image_width)]
        return ", ".join(f"{url} {width}w" for url, width in sizes if width)

    @property
    def display_url(self):
        """What `<img src>` shows: the 960-pixel rendition if there is one, else the image."""
        urls = dict((width, url) for url, width in self.rendition_urls())
        return urls.get(960) or urls.get(480) or self.image.url

    @property
    def print_url(self):
        """The largest rendition, sharp enough for paper."""
        urls = self.rendition_urls()
        return urls[-1][0] if urls else self.image.url

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
