"""Images and zips for the visual-source tests, made with Pillow (no binary files kept)."""

import io
import zipfile
import zlib

from PIL import Image


def image_bytes(width=2000, height=1200, format="PNG", color=(120, 40, 40)):
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), color).save(buffer, format)
    return buffer.getvalue()


def png_claiming(width, height):
    """A small, valid PNG whose header claims `width` x `height` pixels: a decompression
    bomb's shape (a few bytes that would decode to gigabytes)."""
    data = bytearray(image_bytes(60, 60))
    data[16:20] = width.to_bytes(4, "big")  # IHDR: width, height, then the chunk's CRC
    data[20:24] = height.to_bytes(4, "big")
    data[29:33] = zlib.crc32(bytes(data[12:29])).to_bytes(4, "big")
    return bytes(data)


def zip_of(files, compression=zipfile.ZIP_DEFLATED):
    """A zip holding `files` ({name: bytes or str}) under exactly those names."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, content in files.items():
            archive.writestr(name, content.encode() if isinstance(content, str) else content)
    return buffer.getvalue()


PACK = """The Cartoonists' Purge

A unit whose second source is an image.

Primary Sources

(1) Leon Trotsky, Stalin (1941)

The words of the first source.

(2) The Socialist Appeal (18th December, 1937)
Image: zinoviev.png
Kind: photograph
Alt: A plain dark red rectangle, standing in for a photograph in this test.
Caption: Gregory Zinoviev
Credit: Made with Pillow for the tests
Licence: CC0 1.0
Head note: The narrative prints this caption under a photograph.

(3) Isaac Deutscher, Stalin (1949)
Interpretation: yes

A historian's words.
"""
