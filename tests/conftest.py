import pytest

from tests import factories


@pytest.fixture
def teacher(db):
    return factories.TeacherFactory()


@pytest.fixture
def student(db):
    return factories.StudentFactory()


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path_factory):
    """Uploaded files (source images) go to a fresh folder per test, never the project's."""
    settings.MEDIA_ROOT = tmp_path_factory.mktemp("media")
    return settings.MEDIA_ROOT
