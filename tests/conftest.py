import pytest

from tests import factories


@pytest.fixture
def teacher(db):
    return factories.TeacherFactory()


@pytest.fixture
def student(db):
    return factories.StudentFactory()
