"""The images of visual sources: checking an upload, and making the sizes pages show.

An image reaches the library from the admin's upload or a pack's zip; both go through
`check_image`, which refuses (with a sentence for the teacher, never an exception page)
anything that is not a JPEG, PNG, WebP or GIF of sensible size: too many bytes, too many
pixels (a decompression bomb, which a small file can be), truncated or garbage bytes.
The header is read before any pixel is decoded, so a bomb is refused without being opened.

`make_renditions` writes WebP copies 480, 960 and 1600 pixels wide (those narrower than the
original) next to it through Django's storage API, so the same code serves a local folder
or an S3-compatible store; pages offer them in a `srcset` and link to the full image.
"""

import io
import posixpath
import warnings
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils.text import slugify
from PIL import Image, ImageOps, UnidentifiedImageError

MAX_IMAGE_BYTES = 10 * 1024 * 1024
MAX_IMAGE_PIXELS = 40_000_000  # e.g. 8000 x 5000: a scanned map at archive resolution
MAX_IMAGE_SIDE = 12_000
MIN_IMAGE_SIDE = 50
FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp", "GIF": "gif"}
# Pillow reads some cameras' JPEGs as MPO (a JPEG with a second, preview image in it).
EXTENSIONS = {**FORMATS, "MPO": "jpg"}
RENDITION_WIDTHS = (480, 960, 1600)
RENDITION_QUALITY = 80


@dataclass(frozen=True)
class CheckedImage:
    """An image that passed `check_image`: its format, size and the extension it is saved with."""

    format: str
    width: int
    height: int

    @property
    def extension(self):
        return EXTENSIONS[self.format]


def check_image(data, name="the image"):
    """Return a `CheckedImage` for `data` (bytes), or raise ValidationError saying why not."""
    if len(data) > MAX_IMAGE_BYTES:
        raise ValidationError(
            f"{name} is larger than {MAX_IMAGE_BYTES // (1024 * 1024)} MB: "
            "save it smaller (a width of 2000 pixels is plenty) and try again.",
            code="too_big",
        )
    if not data:
        raise ValidationError(f"{name} is empty.", code="empty")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=list(FORMATS)) as image:
                width, height = image.size
                kind = image.format
                _check_dimensions(width, height, name)
                image.verify()  # the file's structure, without decoding it all
            with Image.open(io.BytesIO(data), formats=list(FORMATS)) as image:
                image.load()  # every pixel: a truncated file fails here
    except ValidationError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ValidationError(
            f"{name} claims more pixels than the library takes "
            f"({MAX_IMAGE_PIXELS // 1_000_000} million): save a smaller copy and try again.",
            code="too_many_pixels",
        ) from None
    except UnidentifiedImageError:
        raise _not_an_image(name) from None
    except (OSError, SyntaxError, ValueError, EOFError, MemoryError):
        raise ValidationError(
            f"{name} is damaged or incomplete: open it in an image editor, save it again "
            "and try again.",
            code="damaged",
        ) from None
    if kind not in EXTENSIONS:
        raise _not_an_image(name)
    return CheckedImage(format=kind, width=width, height=height)


def _check_dimensions(width, height, name):
    if width * height > MAX_IMAGE_PIXELS or max(width, height) > MAX_IMAGE_SIDE:
        raise ValidationError(
            f"{name} is {width} × {height} pixels, more than the library takes "
            f"({MAX_IMAGE_PIXELS // 1_000_000} million pixels, {MAX_IMAGE_SIDE} on a side): "
            "save a smaller copy and try again.",
            code="too_many_pixels",
        )
    if min(width, height) < MIN_IMAGE_SIDE:
        raise ValidationError(
            f"{name} is only {width} × {height} pixels: too small to read. "
            f"Use a copy at least {MIN_IMAGE_SIDE} pixels on each side.",
            code="too_small",
        )


def _not_an_image(name):
    return ValidationError(
        f"{name} is not an image the library takes: use a JPEG, PNG, WebP or GIF file.",
        code="not_an_image",
    )


def rendition_name(image_name, width):
    """Where the rendition `width` pixels wide of the stored image `image_name` is kept."""
    stem, _ = posixpath.splitext(image_name)
    return f"{stem}.{width}w.webp"


def rendition_widths(width):
    """The rendition widths an original `width` pixels wide gets: those narrower than it."""
    return [w for w in RENDITION_WIDTHS if w < width]


def decode_original(data):
    """The pixels of a stored original, upright (the camera's EXIF orientation applied) and in
    RGB or RGBA, ready to resize. Raises Pillow's errors (OSError and the like) for bytes it
    cannot read."""
    with Image.open(io.BytesIO(data), formats=list(FORMATS)) as original:
        image = ImageOps.exif_transpose(original)
        return image.convert("RGBA" if _has_alpha(image) else "RGB")


def make_renditions(image_name, storage=default_storage, image=None):
    """Write the WebP renditions of a stored image; return their widths, narrowest first.

    Widths in RENDITION_WIDTHS narrower than the original are made; an original narrower
    than all of them gets none (the page shows the original). Orientation from the camera's
    EXIF is applied, and no metadata is copied into the renditions. `image` is the
    original already decoded (`decode_original`), if the caller has it. A rendition already
    there is replaced, so making them again gives the same files.
    """
    if image is None:
        with storage.open(image_name, "rb") as stored:
            image = decode_original(stored.read())
    widths = rendition_widths(image.width)
    for width in widths:
        height = max(1, round(image.height * width / image.width))
        resized = image.resize((width, height), Image.Resampling.LANCZOS)
        buffer = io.BytesIO()
        resized.save(buffer, "WEBP", quality=RENDITION_QUALITY, method=4)
        name = rendition_name(image_name, width)
        if storage.exists(name):
            storage.delete(name)
        storage.save(name, ContentFile(buffer.getvalue()))
    return widths


def _has_alpha(image):
    return image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info


def stored_name(upload_name, checked):
    """A safe file name for a stored image: the uploaded name's stem, slugified, and the
    extension of the format it really is (never the one it claims)."""
    stem = slugify(posixpath.splitext(posixpath.basename(upload_name or ""))[0])[:60]
    return f"{stem or 'image'}.{checked.extension}"


def refresh_renditions(source, previous_name="", previous_widths=()):
    """After `source` was saved with a new image (or none): make its renditions, and once the
    transaction commits, delete the previous image's files (a rollback keeps them; a file
    another source names is kept: `sources.files`). The new image is noted as written, so
    that a block run under `files.removed_on_failure` removes it if it fails later."""
    from .files import delete_when_committed, note_written
    from .models import Source

    storage = source.image.storage
    if previous_name and previous_name != source.image.name:
        delete_when_committed(previous_name, previous_widths, storage)
    if source.image and source.image.name != previous_name:
        note_written(source.image.name)
    widths = make_renditions(source.image.name, storage) if source.image else []
    Source.objects.filter(pk=source.pk).update(renditions=widths)
    source.renditions = widths
    return widths
