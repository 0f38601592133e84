"""Reading a source pack: a plain-text page in the layout of a Spartacus Educational page.

    The Great Purge                       <- the first non-empty line is the unit's title

    On 23rd December 1930, ...            <- the narrative: paragraphs separated by blank lines

    Primary Sources                       <- the line that ends the narrative

    (1) J. T. Murphy, The Errors of Trotskyism (1925)

    It is said Comrade Trotsky ...        <- the source's text, up to the next "(N) header"

A source may start with lines of fields, right under its header, one "Name: value" a line
(names are case-insensitive; a pack sets what it states and never clears what it leaves out):

    (24) David Low, Evening Standard (1936)
    Image: low-1936.png                   <- an image source: a file in the pack's zip
    Kind: cartoon                         <- photograph, cartoon, poster or map (required)
    Alt: A cartoon of ...                 <- what the image shows (required with Image)
    Caption: ...                          <- optional, as are Credit and Licence
    Credit: ...
    Licence: Public domain
    Head note: Who the author was ...     <- optional, on the provenance card, any source
    Interpretation: yes                   <- a historian's account, not a primary source

    Any words in the image ...            <- the text: optional for an image (a transcription)

A pack with images is a .zip holding the pack's text file (the only .txt in it) and the
images it names, all at the zip's top level; `read_archive` opens it and refuses what is not
a zip, folders and ../ names, too many files, and sizes a zip bomb would have. Where the
images are stored, and when they are deleted: docs/visual-sources.md.

Nothing here touches the database: `parse_pack` turns text (or bytes) into a `Pack`, or
raises `PackError` naming the line at fault. The header of each source is read by
`read_header`, which copes with the shapes historians' pages use: "Author, Work (Date)",
"Publication (Date)" for unsigned pieces, "Author, what they were, work (Date)", and a
descriptive sentence such as "Alexander Orlov was a NKVD officer who escaped ...".
"""

import calendar
import io
import re
import zipfile
from dataclasses import dataclass, field

from django.utils.text import slugify

SOURCES_HEADING = "primary sources"

# Limits of the columns the parsed values go into (see sources.models).
MAX_TITLE = 200
MAX_AUTHOR_NAME = 200
MAX_WORK = 300
MAX_DATE_PRINTED = 100

MONTHS = {name.lower(): number for number, name in enumerate(calendar.month_name) if name}
MONTHS.update(
    {name.lower(): number for number, name in enumerate(calendar.month_abbr) if name},
)
MONTHS["sept"] = 9

_MONTH = r"(?P<month>" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
_DAY = r"(?P<day>\d{1,2})(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>\d{4})(?!\d|s\b)"
# "23rd August, 1936", "August, 1936", "October 1936", "1925", and the American
# "August 23, 1936". A date inside a sentence may follow "In"/"On".
DATE_PATTERNS = [
    re.compile(rf"{_DAY}\s+{_MONTH},?\s+{_YEAR}", re.IGNORECASE),
    re.compile(rf"{_MONTH}\s+{_DAY},\s+{_YEAR}", re.IGNORECASE),
    re.compile(rf"{_MONTH},?\s+{_YEAR}", re.IGNORECASE),
    re.compile(rf"(?<![\d-]){_YEAR}"),
]

NUMBERED_HEADER = re.compile(r"^\((?P<number>\d{1,4})\)\s*(?P<header>.*)$")
TRAILING_PARENTHESIS = re.compile(r"^(?P<before>.*?)\s*\((?P<inside>[^()]*)\)$")
# "In November, 1933, Osip Mandelstam wrote ..." starts with when, then who.
LEADING_WHEN = re.compile(r"^(?:in|on|by|during|early in|late in)\s+[^.]*?\d{4},\s*", re.IGNORECASE)
# Capitalised words that start a sentence without naming anyone.
NOT_A_NAME = {
    "A",
    "An",
    "After",
    "At",
    "During",
    "He",
    "Her",
    "His",
    "In",
    "It",
    "On",
    "She",
    "That",
    "The",
    "Their",
    "There",
    "These",
    "They",
    "This",
    "When",
}
MINOR_WORDS = {"a", "an", "and", "at", "for", "in", "of", "on", "the", "to"}

# Words that make a bare "Name (Date)" header a newspaper or journal rather than a person.
PERIODICAL_WORDS = {
    "appeal",
    "bulletin",
    "chronicle",
    "courier",
    "daily",
    "express",
    "gazette",
    "guardian",
    "herald",
    "izvestia",
    "journal",
    "magazine",
    "mail",
    "monthly",
    "nation",
    "news",
    "observer",
    "post",
    "pravda",
    "quarterly",
    "republic",
    "review",
    "statesman",
    "telegraph",
    "times",
    "tribune",
    "weekly",
    "worker",
}
NAME_PARTICLES = {
    "de",
    "da",
    "di",
    "du",
    "von",
    "van",
    "der",
    "den",
    "la",
    "le",
    "bin",
    "ibn",
    "al",
}


class PackError(ValueError):
    """A pack that cannot be imported; `line` is the 1-based line the problem was found on."""

    def __init__(self, line, message):
        self.line = line
        self.message = message
        super().__init__(f"line {line}: {message}")


@dataclass(frozen=True)
class SourceDate:
    """As much of a date as the pack gives: a year, perhaps a month, perhaps a day."""

    printed: str = ""
    year: int | None = None
    month: int | None = None
    day: int | None = None

    @property
    def display(self):
        """As `Source.date_display` shows it: '23 August 1936', 'March 1938', '1925'."""
        if not self.year:
            return self.printed
        month = calendar.month_name[self.month] if self.month else None
        return " ".join(str(part) for part in (self.day, month, self.year) if part)


@dataclass(frozen=True)
class Header:
    """What a source's header says about its provenance."""

    author: str = ""
    author_is_publication: bool = False
    author_description: str = ""
    title: str = ""
    date: SourceDate = field(default_factory=SourceDate)
    context_note: str = ""


@dataclass(frozen=True)
class PackSource:
    number: int
    header_text: str
    header: Header
    text: str
    line: int  # where "(N) header" is
    # The fields under the header, by model field name (image, image_kind, alt_text,
    # caption, credit, licence, head_note, is_interpretation): only those the pack states.
    fields: dict = field(default_factory=dict)

    @property
    def image(self):
        """The file name of the source's image in the pack's zip, or ''."""
        return self.fields.get("image", "")

    @property
    def author(self):
        return self.header.author


@dataclass(frozen=True)
class Pack:
    title: str
    narrative: str
    sources: list[PackSource]
    title_line: int = 1

    @property
    def slug(self):
        return slugify(self.title)[:200]


def parse_pack(data):
    """Read a pack (str, or bytes that must be UTF-8) into a `Pack`; raise `PackError`."""
    lines = decode(data).replace("\r\n", "\n").replace("\r", "\n").split("\n")
    lines = [line.rstrip() for line in lines]
    numbered = list(enumerate(lines, start=1))

    content = [(n, line) for n, line in numbered if line.strip()]
    if not content:
        raise PackError(1, "the file is empty: a pack starts with the unit's title.")
    title_line, title = content[0]
    title = title.strip()
    if title.lower() == SOURCES_HEADING or NUMBERED_HEADER.match(title):
        raise PackError(
            title_line, f'the first line should be the unit\'s title, not "{_short(title)}".'
        )
    if len(title) > MAX_TITLE:
        raise PackError(title_line, f"the title is longer than {MAX_TITLE} characters.")

    heading_line = next(
        (n for n, line in numbered if n > title_line and line.strip().lower() == SOURCES_HEADING),
        None,
    )
    last_line = content[-1][0]
    if heading_line is None:
        raise PackError(
            last_line,
            'no "Primary Sources" line: the numbered sources must follow a line '
            'that reads "Primary Sources".',
        )

    narrative = _join_paragraphs(numbered[title_line : heading_line - 1])
    sources = _read_sources(numbered[heading_line:], end_line=last_line)
    return Pack(title=title, narrative=narrative, sources=sources, title_line=title_line)


def decode(data):
    """The pack's text: str as it is, bytes read as UTF-8 (a byte-order mark is dropped).

    A NUL character is refused: no text file has one (a UTF-16 file read as UTF-8 does),
    and PostgreSQL cannot store it.
    """
    if isinstance(data, str):
        text = data.removeprefix("\ufeff")
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            line = data[: error.start].count(b"\n") + 1
            raise PackError(
                line,
                f"the file is not UTF-8 text (byte 0x{data[error.start]:02x} cannot be read); "
                "save it as UTF-8 and try again.",
            ) from None
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        raise PackError(
            line,
            "the file contains a NUL character, which text never has: save it as UTF-8 text "
            "and try again.",
        )
    return text


def _join_paragraphs(numbered_lines):
    """Paragraphs (runs of non-blank lines) joined by one blank line, lines kept as they are."""
    paragraphs, current = [], []
    for _, line in numbered_lines:
        if line.strip():
            current.append(line)
        elif current:
            paragraphs.append("\n".join(current))
            current = []
    if current:
        paragraphs.append("\n".join(current))
    return "\n\n".join(paragraphs)


def _read_sources(numbered_lines, end_line):
    """Split the lines after "Primary Sources" at each "(N) header" line."""
    blocks = []  # [number, line, header, [body lines]]
    previous_blank = True
    for n, line in numbered_lines:
        match = NUMBERED_HEADER.match(line.strip()) if previous_blank else None
        previous_blank = not line.strip()
        if match:
            blocks.append([int(match["number"]), n, match["header"].strip(), []])
        elif blocks:
            blocks[-1][3].append((n, line))
        elif line.strip():
            raise PackError(
                n, f'"{_short(line.strip())}" comes before the first numbered source "(1) ...".'
            )
    if not blocks:
        raise PackError(
            end_line,
            'no numbered sources after "Primary Sources": each source starts with a line '
            'such as "(1) Author, Title (Date)".',
        )

    seen = {}
    sources = []
    for number, line, header_text, body in blocks:
        expected = len(sources) + 1
        if number in seen:
            raise PackError(
                line, f"source ({number}) appears twice (first at line {seen[number]})."
            )
        if number != expected:
            if not sources:
                raise PackError(
                    line, f"the first source is ({number}): the numbering must start at (1)."
                )
            previous = sources[-1].number
            if number > expected:
                missing = (
                    f"source ({expected}) is missing"
                    if number == expected + 1
                    else f"sources ({expected}) to ({number - 1}) are missing"
                )
            else:
                missing = "the sources must be numbered in order"
            raise PackError(line, f"source ({number}) follows ({previous}): {missing}.")
        seen[number] = line
        if not header_text:
            raise PackError(line, f"source ({number}) has no header after its number.")
        fields, body = _read_fields(number, body)
        text = _join_paragraphs(body)
        if not text and "image" not in fields:
            raise PackError(line, f"source ({number}) has no text.")
        header = read_header(header_text, line=line)
        sources.append(
            PackSource(
                number=number,
                header_text=header_text,
                header=header,
                text=text,
                line=line,
                fields=fields,
            )
        )
    return sources


# "Name: value" lines under a source's header: the pack's name -> the model's field.
FIELD_NAMES = {
    "image": "image",
    "kind": "image_kind",
    "alt": "alt_text",
    "caption": "caption",
    "credit": "credit",
    "licence": "licence",
    "license": "licence",
    "head note": "head_note",
    "interpretation": "is_interpretation",
}
FIELD_LINE = re.compile(
    r"^(?P<name>" + "|".join(FIELD_NAMES) + r")\s*:\s*(?P<value>.*)$", re.IGNORECASE
)
FIELD_LIMITS = {"alt_text": 1000, "credit": 300, "licence": 200}
IMAGE_KINDS = ("photograph", "cartoon", "poster", "map")
IMAGE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}\.(?:png|jpe?g|webp|gif)$", re.IGNORECASE)
YES, NO = {"yes", "true"}, {"no", "false"}


def _read_fields(number, body):
    """Split the "Name: value" lines at the top of a source's body from its text."""
    fields, lines = {}, list(body)
    while lines and not lines[0][1].strip():
        lines.pop(0)
    while lines:
        n, line = lines[0]
        match = FIELD_LINE.match(line.strip())
        if not match:
            break
        lines.pop(0)
        name, value = FIELD_NAMES[match["name"].lower()], match["value"].strip()
        if name in fields:
            raise PackError(n, f'source ({number}) gives "{match["name"]}:" twice.')
        fields[name] = _field_value(number, n, name, value)
    if "image" in fields:
        for needed, what in (("alt_text", "Alt:"), ("image_kind", "Kind:")):
            if needed not in fields:
                line = body[0][0] if body else 0
                raise PackError(
                    line, f'source ({number}) has an image but no "{what}" line under it.'
                )
    return fields, lines


def _field_value(number, line, name, value):
    if not value:
        raise PackError(line, f"source ({number}): the line says nothing after the colon.")
    if name == "image" and not IMAGE_NAME.fullmatch(value):
        raise PackError(
            line,
            f'source ({number}): "{_short(value)}" is not an image file name; give the name '
            "of a .png, .jpg, .webp or .gif at the top of the zip, e.g. low-1936.png.",
        )
    if name == "image_kind":
        value = value.lower()
        if value not in IMAGE_KINDS:
            raise PackError(
                line,
                f'source ({number}): "{_short(value)}" is not a kind of image; '
                f"say {', '.join(IMAGE_KINDS[:-1])} or {IMAGE_KINDS[-1]}.",
            )
    if name == "is_interpretation":
        if value.lower() not in YES | NO:
            raise PackError(line, f'source ({number}): "Interpretation:" is yes or no.')
        return value.lower() in YES
    limit = FIELD_LIMITS.get(name)
    if limit and len(value) > limit:
        raise PackError(line, f"source ({number}): longer than {limit} characters.")
    return value


def read_header(text, line=0):
    """Read a source's header (without its "(N)") into a `Header`."""
    text = " ".join(text.split())
    body = text[:-1].rstrip() if text.endswith(".") and not text.endswith("..") else text
    match = TRAILING_PARENTHESIS.match(body)
    date = _read_date(match["inside"], line) if match else None
    if match and date is not None:
        header = _read_citation(match["before"].rstrip(" ,"), date)
    else:
        header = _read_sentence(text, date=_find_date(text, line))
    for value, limit, what in (
        (header.author, MAX_AUTHOR_NAME, "author's name"),
        (header.title, MAX_WORK, "title"),
        (header.date.printed, MAX_DATE_PRINTED, "date"),
    ):
        if len(value) > limit:
            raise PackError(line, f"the {what} is longer than {limit} characters.")
    return header


def _read_citation(before, date):
    """ "Author, [what they were,] Work" or a bare publication; the date is already read."""
    parts = [part.strip() for part in before.split(",") if part.strip()]
    if not parts:
        return Header(date=date)
    if len(parts) == 1:
        if _is_sentence(parts[0]):  # "Walter Duranty wrote in The New York Times (1936)"
            return _read_sentence(parts[0], date=date)
        name = parts[0]
        return Header(author=name, author_is_publication=_looks_like_periodical(name), date=date)
    author, rest = parts[0], parts[1:]
    description = ""
    if len(rest) >= 2 and _looks_like_description(rest[0]):
        description, rest = rest[0], rest[1:]
    return Header(author=author, author_description=description, title=", ".join(rest), date=date)


def _read_sentence(text, date):
    """A header that is a sentence about the source: its subject is the author."""
    author = _leading_name(LEADING_WHEN.sub("", text, count=1))
    return Header(
        author=author,
        author_is_publication=bool(author) and _looks_like_periodical(author),
        date=date or SourceDate(),
        context_note=text,
    )


def _leading_name(text):
    """The run of capitalised words (initials, particles allowed) that starts a sentence."""
    words = []
    for word in text.split():
        bare = word.rstrip(",;:")
        if not (bare[:1].isupper() or (words and bare in NAME_PARTICLES)):
            break
        words.append(bare)
        if bare != word:  # "Alexander Orlov, a NKVD officer, ..." ends the name at the comma
            break
    # A name is followed by what they did; a sentence of only capitalised words is not one.
    if not words or len(words) == len(text.split()) or words == ["The"]:
        return ""
    if words[0] in NOT_A_NAME and words[0] != "The":
        return ""
    return " ".join(words)


def _is_sentence(part):
    return any(
        word[:1].islower() and word not in MINOR_WORDS and word not in NAME_PARTICLES
        for word in part.split()
    )


def _looks_like_periodical(name):
    words = name.lower().replace("'", " ").split()
    return words[:1] == ["the"] or any(word in PERIODICAL_WORDS for word in words)


def _looks_like_description(part):
    """ "head of the British Secret Intelligence Service" describes a person; "speech" doesn't."""
    words = part.split()
    return part[:1].islower() and len(words) >= 3 and (" of " in part or words[0] in {"a", "an"})


def _read_date(inside, line):
    """The date in a trailing "(...)", or None when the parenthesis is not a date."""
    inside = inside.strip()
    for pattern in DATE_PATTERNS:
        match = pattern.fullmatch(inside)
        if match:
            return _date_from(match, inside, line)
    return None


def _find_date(text, line):
    """The first date in a sentence, as fully as it is given there."""
    matches = [match for pattern in DATE_PATTERNS for match in pattern.finditer(text)]
    if not matches:
        return None
    first = min(matches, key=lambda match: (match.start(), -len(match.group(0))))
    return _date_from(first, first.group(0), line)


def _date_from(match, printed, line):
    parts = match.groupdict()
    year = int(parts["year"])
    month = MONTHS[parts["month"].lower()] if parts.get("month") else None
    day = int(parts["day"]) if parts.get("day") else None
    if day is not None:
        last = calendar.monthrange(year, month)[1]
        if not 1 <= day <= last:
            raise PackError(
                line,
                f'"{printed}" is not a date: {calendar.month_name[month]} {year} has {last} days.',
            )
    return SourceDate(printed=printed, year=year, month=month, day=day)


def _short(text, limit=60):
    return text if len(text) <= limit else text[: limit - 1] + "…"


# A pack's zip -----------------------------------------------------------------------------

MAX_ARCHIVE_MEMBERS = 200
MAX_ARCHIVE_MEMBER_BYTES = 10 * 1024 * 1024  # as sources.images.MAX_IMAGE_BYTES
MAX_ARCHIVE_TOTAL_BYTES = 200 * 1024 * 1024
MAX_COMPRESSION_RATIO = 100  # images barely compress; text a few times: 100 is a bomb
PACK_TEXT_LIMIT = 2 * 1024 * 1024


class ArchiveError(ValueError):
    """A zip that is not a pack's: the message says why, for the teacher."""


@dataclass(frozen=True)
class Archive:
    """A pack's zip, read: the pack's text (bytes) and its files by name."""

    text: bytes
    files: dict


def read_archive(data):
    """Read a pack's zip (bytes) into an `Archive`, or raise `ArchiveError`.

    Nothing is extracted to disk: members are read by name into memory, each only up to
    its limit, so a lying header cannot make a member bigger than it says.
    """
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError):
        raise ArchiveError("the file is not a zip (nor a UTF-8 text file).") from None
    with archive:
        members = [info for info in archive.infolist() if not info.is_dir()]
        if len(members) > MAX_ARCHIVE_MEMBERS:
            raise ArchiveError(
                f"the zip holds {len(members)} files, more than {MAX_ARCHIVE_MEMBERS}: "
                "a pack's zip holds its text and the images it names."
            )
        total = 0
        for info in members:
            name = info.filename
            if "/" in name or "\\" in name or name in {".", ".."} or name.startswith("."):
                raise ArchiveError(
                    f'"{_short(name)}": the files of a pack\'s zip sit at its top level, '
                    "not in folders: zip the files themselves, not their folder."
                )
            if info.flag_bits & 0x1:
                raise ArchiveError(f'"{_short(name)}" is encrypted: zip it without a password.')
            limit = PACK_TEXT_LIMIT if name.lower().endswith(".txt") else MAX_ARCHIVE_MEMBER_BYTES
            if info.file_size > limit:
                raise ArchiveError(f'"{_short(name)}" is larger than {limit // (1024 * 1024)} MB.')
            if info.file_size > MAX_COMPRESSION_RATIO * max(info.compress_size, 1):
                raise ArchiveError(
                    f'"{_short(name)}" unpacks to {info.file_size // info.compress_size or 0} '
                    "times its size: not a pack's file (a zip bomb?)."
                )
            total += info.file_size
            if total > MAX_ARCHIVE_TOTAL_BYTES:
                raise ArchiveError(
                    f"the zip unpacks to more than {MAX_ARCHIVE_TOTAL_BYTES // (1024 * 1024)} MB."
                )
        texts = [info for info in members if info.filename.lower().endswith(".txt")]
        if len(texts) != 1:
            raise ArchiveError(
                "a pack's zip holds exactly one .txt file, the pack itself"
                + (f"; this one holds {len(texts)}." if texts else "; this one holds none.")
            )
        files = {}
        try:
            for info in members:
                limit = PACK_TEXT_LIMIT if info in texts else MAX_ARCHIVE_MEMBER_BYTES
                with archive.open(info) as member:
                    content = member.read(limit + 1)
                if len(content) > limit:
                    raise ArchiveError(f'"{_short(info.filename)}" is larger than it says.')
                files[info.filename] = content
        except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError, RuntimeError):
            raise ArchiveError("the zip is damaged: zip the files again.") from None
    text = files.pop(texts[0].filename)
    return Archive(text=text, files=files)


def is_zip(data):
    return data[:4] == b"PK\x03\x04" or data[:4] == b"PK\x05\x06"
