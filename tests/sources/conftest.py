from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from sources.models import Unit

GREAT_PURGE = Path(settings.BASE_DIR) / "sources" / "data" / "great-purge.txt"


@pytest.fixture
def great_purge_text():
    return GREAT_PURGE.read_text(encoding="utf-8")


@pytest.fixture
def great_purge(db):
    """The shipped pack, imported through the command."""
    call_command("import_sources", str(GREAT_PURGE), slug="great-purge", verbosity=0)
    return Unit.objects.get(slug="great-purge")


@pytest.fixture
def write_pack(tmp_path):
    """Write a pack (text, or bytes as they are) to a file; return its path as a string."""

    def write(content, name="pack.txt"):
        path = tmp_path / name
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
        return str(path)

    return write
