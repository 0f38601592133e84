"""Importing source packs: the shipped Great Purge pack, re-imports, and malformed packs."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError

from sources.models import Author, Source, Unit
from tests.sources.conftest import GREAT_PURGE

pytestmark = pytest.mark.django_db


def source(number, slug="great-purge"):
    return Source.objects.select_related("author").get(unit__slug=slug, number=number)


def nothing_written():
    return (Unit.objects.count(), Source.objects.count(), Author.objects.count()) == (0, 0, 0)


def pack(*sources, title="The Show Trials", narrative="Background."):
    """A small pack: `sources` are (header, text) pairs numbered from (1)."""
    parts = [title, "", narrative, "", "Primary Sources", ""]
    for number, (header, text) in enumerate(sources, start=1):
        parts += [f"({number}) {header}", "", text, ""]
    return "\n".join(parts)


def test_shipped_pack_imports_23_sources_numbered_1_to_23_each_with_text(great_purge):
    numbers = list(great_purge.sources.values_list("number", flat=True))
    assert numbers == list(range(1, 24))
    assert not great_purge.sources.filter(text="").exists()


def test_shipped_pack_title_and_default_slug(db):
    call_command("import_sources", str(GREAT_PURGE), verbosity=0)
    unit = Unit.objects.get()
    assert (unit.title, unit.slug) == ("The Great Purge", "the-great-purge")


def test_narrative_starts_with_the_first_paragraph_and_stops_before_the_sources(great_purge):
    assert great_purge.narrative.startswith("On 23rd December 1930")
    assert "Primary Sources" not in great_purge.narrative
    assert "(1) J. T. Murphy" not in great_purge.narrative
    assert great_purge.narrative.endswith('only about 30,000 to 40,000 had been killed."')


def test_unsigned_editorial_is_by_the_publication_with_a_full_date(great_purge):
    observer = source(5)
    assert observer.author.name == "The Observer"
    assert observer.author.kind == Author.Kind.PUBLICATION
    assert (observer.year, observer.month, observer.day) == (1936, 8, 23)
    assert observer.date_printed == "23rd August, 1936"
    assert observer.text.startswith("It is futile to think the trial was staged")


def test_header_with_a_trailing_full_stop_is_read(great_purge):
    trial = source(8)
    assert trial.author.name == "Leon Trotsky"
    assert trial.title == "The Trial of the Seventeen"
    assert (trial.year, trial.month, trial.day) == (1937, 1, 22)
    assert trial.header == "Leon Trotsky, The Trial of the Seventeen (22nd January, 1937)."


@pytest.mark.parametrize(
    "number, author, title, date",
    [
        (1, "J. T. Murphy", "The Errors of Trotskyism", (1925, None, None)),
        (4, "Gregory Zinoviev", "speech at his trial", (1936, 8, None)),
        (9, "Max Shachtman", "Socialist Appeal", (1936, 10, None)),
        (14, "Leon Trotsky", "Hitler's Austria Coup", (1938, 3, 12)),
        (18, "Freda Kirchwey", "The Nation", (1938, 3, None)),
        (21, "Nikita Khrushchev", "speech, 20th Party Congress", (1956, 2, None)),
        (22, "J. T. Murphy", "Forty Years Hard — For What?", (1958, None, None)),
    ],
)
def test_author_title_date_headers_are_read(great_purge, number, author, title, date):
    parsed = source(number)
    assert (parsed.author.name, parsed.title) == (author, title)
    assert (parsed.year, parsed.month, parsed.day) == date


def test_descriptive_header_gives_author_and_becomes_the_context_note(great_purge):
    orlov = source(2)
    assert orlov.author.name == "Alexander Orlov"
    assert orlov.context_note == (
        "Alexander Orlov was a NKVD officer who escaped to the United States."
    )
    assert orlov.year is None


def test_descriptive_header_with_a_date_in_the_sentence(great_purge):
    poem = source(12)
    assert poem.author.name == "Osip Mandelstam"
    assert (poem.year, poem.month, poem.day) == (1933, 11, None)
    assert poem.context_note.startswith("In November, 1933, Osip Mandelstam wrote a poem")
    assert poem.context_note.endswith("where he died.")


def test_descriptive_header_of_a_claim(great_purge):
    claim = source(17)
    assert claim.author.name == "Nikita Khrushchev"
    assert claim.context_note.startswith("Nikita Khrushchev claimed that")


def test_header_with_a_description_fills_the_authors_empty_description(great_purge):
    report = source(20)
    assert report.author.name == "William Stephenson"
    assert report.title == "report on Reinhard Heydrich"
    assert report.year == 1937
    assert report.author.description == (
        "head of the British Secret Intelligence Service in the United States"
    )


def test_header_description_does_not_overwrite_an_authors_description(db):
    Author.objects.create(name="William Stephenson", description="A Canadian spymaster.")
    call_command(
        "import_sources",
        str(GREAT_PURGE),
        verbosity=0,
    )
    assert Author.objects.get(name="William Stephenson").description == "A Canadian spymaster."


def test_poem_keeps_its_lines(great_purge):
    lines = source(12).text.split("\n\n")
    assert lines[:2] == [
        "We live, deaf to the land beneath us,",
        "Ten steps away no one hears our speeches,",
    ]
    assert lines[-1] == "For the broad-chested Ossete."
    assert len(lines) == 16


def test_numbered_points_inside_a_source_stay_text(great_purge):
    text = source(9).text
    assert "\n\n1. That its much-vaunted popularity" in text
    assert "\n\n4. And, not least of all," in text
    assert text.endswith("so much as an ounce of validity.")


def test_same_author_is_one_author_across_sources(great_purge):
    counts = {
        name: Author.objects.get(name=name).sources.count()
        for name in ("Leon Trotsky", "Nikita Khrushchev", "Robin Page Arnot", "J. T. Murphy")
    }
    assert counts == {
        "Leon Trotsky": 3,
        "Nikita Khrushchev": 2,
        "Robin Page Arnot": 2,
        "J. T. Murphy": 2,
    }
    assert Author.objects.count() == 18


def test_existing_author_is_matched_by_name_whatever_the_case(db, write_pack):
    trotsky = Author.objects.create(name="LEON TROTSKY")
    call_command(
        "import_sources", write_pack(pack(("Leon Trotsky, Stalin (1941)", "Text."))), verbosity=0
    )
    assert Source.objects.get().author == trotsky


def test_importing_twice_updates_in_place(great_purge, great_purge_text, write_pack):
    changed = great_purge_text.replace(
        "It is futile to think the trial was staged", "It is idle to think the trial was staged"
    )
    out = StringIO()
    call_command("import_sources", write_pack(changed), slug="great-purge", stdout=out)
    assert Source.objects.count() == 23
    assert Unit.objects.count() == 1
    assert source(5).text.startswith("It is idle to think")
    assert "0 created, 1 updated, 22 unchanged" in out.getvalue()


def test_reimport_keeps_staff_corrections_when_the_header_is_unchanged(great_purge):
    Source.objects.filter(unit=great_purge, number=2).update(year=1953, title="The Secret History")
    call_command("import_sources", str(GREAT_PURGE), slug="great-purge", verbosity=0)
    assert (source(2).year, source(2).title) == (1953, "The Secret History")


def test_reimport_keeps_a_renamed_author_and_creates_no_stray_one(great_purge):
    Author.objects.filter(name="Leon Trotsky").update(name="Lev Trotsky")
    call_command("import_sources", str(GREAT_PURGE), slug="great-purge", verbosity=0)
    assert source(3).author.name == "Lev Trotsky"
    assert not Author.objects.filter(name="Leon Trotsky").exists()


def test_reimport_reads_a_changed_header_again(great_purge, great_purge_text, write_pack):
    changed = great_purge_text.replace(
        "(3) Leon Trotsky, Stalin (1941)", "(3) Leon Trotsky, Stalin (March, 1940)"
    )
    call_command("import_sources", write_pack(changed), slug="great-purge", verbosity=0)
    assert (source(3).year, source(3).month) == (1940, 3)


def test_reimport_leaves_sources_that_are_not_in_the_pack(great_purge, write_pack):
    out = StringIO()
    call_command(
        "import_sources",
        write_pack(pack(("Leon Trotsky, Stalin (1941)", "Text."), title="The Great Purge")),
        slug="great-purge",
        stdout=out,
    )
    assert great_purge.sources.count() == 23
    assert "left as they were: (2), (3)" in out.getvalue()


def test_dry_run_writes_nothing_and_says_what_it_would_do(db):
    out = StringIO()
    call_command("import_sources", str(GREAT_PURGE), dry_run=True, stdout=out)
    assert nothing_written()
    assert "Dry run, nothing written" in out.getvalue()
    assert "23 to create" in out.getvalue()


def test_command_prints_a_summary(db):
    out = StringIO()
    call_command("import_sources", str(GREAT_PURGE), slug="great-purge", stdout=out)
    assert out.getvalue().strip() == (
        'Imported "The Great Purge" (great-purge): new unit; sources: 23 created, 0 updated, '
        "0 unchanged; 18 new authors."
    )


def test_command_is_silent_at_verbosity_0(db):
    out = StringIO()
    call_command("import_sources", str(GREAT_PURGE), verbosity=0, stdout=out)
    assert out.getvalue() == ""
    assert Source.objects.count() == 23


GOOD = "(1) Leon Trotsky, Stalin (1941)\n\nText one.\n\n"


@pytest.mark.parametrize(
    "content, message",
    [
        ("", "line 1: the file is empty"),
        ("\n  \n\n", "line 1: the file is empty"),
        (
            "Title\n\nNarrative.\n\nPrimary Sources\n\n" + GOOD + "(3) A, B (1936)\n\nText.\n",
            "line 11: source (3) follows (1): source (2) is missing",
        ),
        (
            "Title\n\nNarrative.\n\nPrimary Sources\n\n" + GOOD + "(1) A, B (1936)\n\nText.\n",
            "line 11: source (1) appears twice (first at line 7)",
        ),
        (
            "Title\n\nNarrative.\n\nPrimary Sources\n\n(2) A, B (1936)\n\nText.\n",
            "line 7: the first source is (2): the numbering must start at (1)",
        ),
        (
            "Title\n\nNarrative.\n\nPrimary Sources\n\nJust some text.\n",
            'line 7: "Just some text." comes before the first numbered source',
        ),
        ("Title\n\nNarrative.\n\nPrimary Sources\n\n", "line 5: no numbered sources"),
        ("Title\n\nNarrative only.\n", 'line 3: no "Primary Sources" line'),
        (
            "Title\n\nPrimary Sources\n\n(1) A, B (1936)\n\n(2) C, D (1937)\n\nText.\n",
            "line 5: source (1) has no text",
        ),
        (
            "Title\n\nPrimary Sources\n\n(1) A, B (31st February, 1937)\n\nText.\n",
            'line 5: "31st February, 1937" is not a date',
        ),
    ],
    ids=[
        "empty",
        "blank",
        "gap",
        "duplicate",
        "not-from-1",
        "text-before-1",
        "no-sources",
        "no-heading",
        "no-text",
        "bad-date",
    ],
)
def test_malformed_pack_is_refused_naming_the_line_and_nothing_is_written(
    write_pack, content, message
):
    with pytest.raises(CommandError, match=message.replace("(", r"\(").replace(")", r"\)")):
        call_command("import_sources", write_pack(content), verbosity=0)
    assert nothing_written()


def test_pack_that_is_not_utf8_is_refused_naming_the_line(write_pack):
    content = "Title\n\nNarrative about Kamenev's café.\n".encode("latin-1")
    with pytest.raises(CommandError, match=r"line 3: the file is not UTF-8 text"):
        call_command("import_sources", write_pack(content), verbosity=0)
    assert nothing_written()


def test_gap_in_the_shipped_pack_is_reported_at_its_line(great_purge_text, write_pack, db):
    without_6 = great_purge_text.replace("(6) The New Republic", "(7) The New Republic", 1)
    line = great_purge_text[: great_purge_text.index("(6) The New Republic")].count("\n") + 1
    with pytest.raises(CommandError, match=rf"line {line}: source \(7\) follows \(5\)"):
        call_command("import_sources", write_pack(without_6), verbosity=0)
    assert nothing_written()


def test_failure_part_way_through_writes_nothing(great_purge_text, write_pack, monkeypatch):
    real_save = Source.save

    def save_then_fail_at_20(self, *args, **kwargs):
        if self.number == 20:
            raise DatabaseError("the database went away")
        real_save(self, *args, **kwargs)

    monkeypatch.setattr(Source, "save", save_then_fail_at_20)
    with pytest.raises(DatabaseError):
        call_command("import_sources", write_pack(great_purge_text), verbosity=0)
    assert nothing_written()


def test_missing_file_is_a_clear_error(db, tmp_path):
    with pytest.raises(CommandError, match="no such file"):
        call_command("import_sources", str(tmp_path / "nope.txt"))


def test_invalid_slug_is_refused(db):
    with pytest.raises(CommandError, match="--slug 'a b'"):
        call_command("import_sources", str(GREAT_PURGE), slug="a b")
    assert nothing_written()


def test_windows_line_endings_and_byte_order_mark_are_read(great_purge_text, write_pack, db):
    content = ("\ufeff" + great_purge_text.replace("\n", "\r\n")).encode("utf-8")
    call_command("import_sources", write_pack(content), verbosity=0)
    poem = Source.objects.get(number=12)
    assert poem.text.startswith("We live, deaf to the land beneath us,\n\nTen steps")
    assert Unit.objects.get().title == "The Great Purge"
