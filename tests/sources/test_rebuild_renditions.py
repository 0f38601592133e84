"""`manage.py rebuild_renditions`: every visual source's renditions made again from its
original, idempotent, with a dry run, and a clear error (and a non-zero exit) for an
original that is missing or unreadable."""

import io

import pytest
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from PIL import Image

from sources.images import rendition_name
from sources.management.commands.rebuild_renditions import Command
from sources.models import Source
from tests import factories

from .test_image_files import stored

pytestmark = pytest.mark.django_db


def wide_source(**kwargs):
    """A 2000-pixel-wide visual source with the renditions the admin gives it."""
    source = factories.SourceFactory(visual=True, image__width=2000, image__height=1200, **kwargs)
    call_command("rebuild_renditions", verbosity=0)
    source.refresh_from_db()
    return source


def rebuild(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command("rebuild_renditions", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def renditions_on_disk(source):
    return {
        int(name.rsplit(".", 2)[-2][:-1])
        for name in default_storage.listdir("sources")[1]
        if name.startswith(source.image.name.split("/")[-1].rsplit(".", 1)[0] + ".")
        and name.endswith("w.webp")
    }


def test_rebuilding_makes_the_renditions_of_every_visual_source(media_root):
    source = factories.SourceFactory(visual=True, image__width=2000, image__height=1200)
    factories.SourceFactory()  # a document: nothing to do
    assert source.renditions == []
    out, err = rebuild()
    source.refresh_from_db()
    assert source.renditions == [480, 960, 1600]
    assert renditions_on_disk(source) == {480, 960, 1600}
    for width in source.renditions:
        name = rendition_name(source.image.name, width)
        with default_storage.open(name) as file, Image.open(file) as image:
            assert image.format == "WEBP" and image.width == width
    assert "Rebuilt the renditions of 1 visual source: 3 renditions written" in out
    assert "0 failed" in out and err == ""


def test_renditions_lost_in_a_storage_move_are_made_again(media_root):
    source = wide_source()
    for width in source.renditions:
        default_storage.delete(rendition_name(source.image.name, width))
    rebuild()
    assert renditions_on_disk(source) == {480, 960, 1600}


def test_after_the_sizes_change_the_new_sizes_are_made_and_the_old_removed(media_root, monkeypatch):
    source = wide_source()
    monkeypatch.setattr("sources.images.RENDITION_WIDTHS", (480, 800))
    out, _ = rebuild()
    source.refresh_from_db()
    assert source.renditions == [480, 800]
    assert renditions_on_disk(source) == {480, 800}
    assert "2 renditions written, 2 stale renditions removed" in out
    # The page offers what is there.
    assert ".800w.webp 800w" in source.srcset and "960w" not in source.srcset


def test_rebuilding_twice_gives_the_same_files_and_the_same_report(media_root):
    source = wide_source()
    first_files, first = stored(media_root), rebuild()
    second_files, second = stored(media_root), rebuild()
    assert first_files == second_files
    assert first == second
    source.refresh_from_db()
    assert source.renditions == [480, 960, 1600]


def test_a_dry_run_writes_nothing_and_says_what_it_would_do(media_root, monkeypatch):
    source = wide_source()
    monkeypatch.setattr("sources.images.RENDITION_WIDTHS", (480, 800))
    before = {name: default_storage.get_modified_time(name) for name in stored(media_root)}
    out, _ = rebuild("--dry-run")
    assert out.startswith("Dry run, nothing written. Would rebuild the renditions of 1 visual")
    assert "2 renditions to write, 2 stale renditions to remove; 0 failed." in out
    after = {name: default_storage.get_modified_time(name) for name in stored(media_root)}
    assert after == before
    source.refresh_from_db()
    assert source.renditions == [480, 960, 1600]


@pytest.mark.parametrize(
    "damage, reason",
    [
        (lambda name: default_storage.delete(name), "is missing from the media storage"),
        (
            lambda name: default_storage.open(name, "wb").write(b"\x00garbage" * 50),
            "is not an image that can be read",
        ),
    ],
    ids=["missing", "unreadable"],
)
def test_a_missing_or_unreadable_original_is_named_and_the_others_still_rebuilt(
    media_root, damage, reason
):
    broken = wide_source(number=1)
    fine = wide_source(number=2)
    default_storage.delete(rendition_name(fine.image.name, 480))
    damage(broken.image.name)
    err = io.StringIO()
    with pytest.raises(CommandError, match="1 visual source could not be rebuilt"):
        call_command("rebuild_renditions", stdout=io.StringIO(), stderr=err)
    assert f'Source (1) of "{broken.unit.slug}": the original {broken.image.name} {reason}' in (
        err.getvalue()
    )
    assert renditions_on_disk(fine) == {480, 960, 1600}


def test_the_error_is_a_sentence_and_the_exit_status_non_zero(media_root, capsys, monkeypatch):
    broken = wide_source(number=7)
    default_storage.delete(broken.image.name)
    # run_from_argv (what manage.py calls) closes the connections as it ends: keep the
    # test's transaction open.
    monkeypatch.setattr("django.db.connections.close_all", lambda: None)
    with pytest.raises(SystemExit) as exit:
        Command().run_from_argv(["manage.py", "rebuild_renditions"])
    assert exit.value.code == 1
    err = capsys.readouterr().err
    unit = broken.unit.slug
    assert f'Source (7) of "{unit}": the original {broken.image.name} is missing' in err
    assert "CommandError: 1 visual source could not be rebuilt" in err
    assert "Traceback" not in err
    assert Source.objects.get(pk=broken.pk).renditions == [480, 960, 1600]  # left as it was


def test_only_the_named_unit_is_rebuilt(media_root):
    source = wide_source()
    other = wide_source()
    for each in (source, other):
        default_storage.delete(rendition_name(each.image.name, 480))
    out, _ = rebuild("--unit", source.unit.slug)
    assert renditions_on_disk(source) == {480, 960, 1600}
    assert renditions_on_disk(other) == {960, 1600}
    assert "1 visual source" in out


def test_an_unknown_unit_is_a_clear_error(db):
    with pytest.raises(CommandError, match="--unit 'nope': no unit has that web address"):
        call_command("rebuild_renditions", unit="nope")


def test_a_source_whose_image_was_replaced_meanwhile_is_reported_not_overwritten(
    media_root, monkeypatch
):
    """The teacher uploads a new image while the command runs: what the command made for
    the old one is not recorded on the source, and is removed."""
    source = wide_source()
    stale_copy = Source.objects.get(pk=source.pk)
    Source.objects.filter(pk=source.pk).update(image="sources/newer.png", renditions=[])
    from sources.files import RenditionError, rebuild_renditions

    with pytest.raises(RenditionError, match="was replaced or deleted"):
        rebuild_renditions(stale_copy)
    assert Source.objects.get(pk=source.pk).renditions == []
    assert renditions_on_disk(stale_copy) == set()
