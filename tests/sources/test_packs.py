"""The pack parser on packs it has never seen: whatever is written in the layout reads back."""

import calendar

from hypothesis import given, settings
from hypothesis import strategies as st

from sources.packs import parse_pack, read_header

NAME = st.from_regex(r"[A-Z][a-z]{2,9}( [A-Z]\.)? [A-Z][a-z]{2,11}", fullmatch=True)
WORK = st.from_regex(r"[A-Z][a-z]{2,9}( [a-z]{2,8}){0,4}", fullmatch=True)
# A line of text never starts with "(1)": that would be a new source.
LINE = st.from_regex(r"[A-Za-z\"'][A-Za-z ,.;:'\"!?-]{0,80}[a-z.!?\"]", fullmatch=True)
PARAGRAPH = st.lists(LINE, min_size=1, max_size=3).map("\n".join)
TEXT = st.lists(PARAGRAPH, min_size=1, max_size=4).map("\n\n".join)


@st.composite
def dates(draw):
    year = draw(st.integers(1900, 1999))
    month = draw(st.none() | st.integers(1, 12))
    day = draw(st.integers(1, calendar.monthrange(year, month)[1])) if month else None
    return year, month, day


def printed(year, month, day):
    """Spartacus style: '23rd August, 1936', 'October 1936', '1925'."""
    if not month:
        return str(year)
    if not day:
        return f"{calendar.month_name[month]}, {year}"
    suffix = "th" if 11 <= day <= 13 else {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")
    return f"{day}{suffix} {calendar.month_name[month]}, {year}"


SOURCE = st.tuples(NAME, WORK, dates(), TEXT)


@settings(max_examples=60, deadline=None)
@given(
    title=WORK.filter(lambda t: t.lower() != "primary sources"),
    narrative=TEXT,
    sources=st.lists(SOURCE, min_size=1, max_size=6),
)
def test_a_written_pack_reads_back(title, narrative, sources):
    lines = [title, "", narrative, "", "Primary Sources", ""]
    for number, (author, work, date, text) in enumerate(sources, start=1):
        lines += [f"({number}) {author}, {work} ({printed(*date)})", "", text, ""]

    pack = parse_pack("\n".join(lines))

    assert (pack.title, pack.narrative) == (title, narrative)
    assert [s.number for s in pack.sources] == list(range(1, len(sources) + 1))
    for parsed, (author, work, (year, month, day), text) in zip(pack.sources, sources, strict=True):
        assert (parsed.header.author, parsed.header.title) == (author, work)
        assert (parsed.header.date.year, parsed.header.date.month) == (year, month)
        assert parsed.header.date.day == day
        assert parsed.text == text


def test_american_date_order_is_read():
    header = read_header("Walter Duranty, The New York Times (August 23, 1936)")
    assert (header.date.year, header.date.month, header.date.day) == (1936, 8, 23)


def test_sentence_without_a_comma_before_the_date_is_not_mistaken_for_a_publication():
    header = read_header("Walter Duranty wrote in The New York Times (1936)")
    assert header.author == "Walter Duranty"
    assert not header.author_is_publication
    assert header.context_note.startswith("Walter Duranty wrote")


def test_parenthesis_that_is_not_a_date_is_part_of_a_sentence():
    header = read_header("Joseph Stalin spoke to the Politburo (in private)")
    assert header.author == "Joseph Stalin"
    assert header.date.year is None


def test_sentence_that_names_nobody_has_no_author():
    header = read_header("The poem was read aloud at a party in 1934.")
    assert header.author == ""
    assert header.date.year == 1934
