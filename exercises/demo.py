"""Demo content: accounts, a class, and the Duranty vs. Trotsky assignment.

Everything is looked up by a natural key before it is created, so loading twice is harmless.
"""

from django.contrib.auth import get_user_model
from django.db import transaction

from .models import Classroom, Enrollment

DEMO_PASSWORD = "purge-demo-1936"
DEMO_JOIN_CODE = "PURGE36X"


def _user(username, first, last, *, is_staff=False, is_superuser=False):
    User = get_user_model()
    user, created = User.objects.get_or_create(
        username=username,
        defaults={
            "first_name": first,
            "last_name": last,
            "is_staff": is_staff,
            "is_superuser": is_superuser,
        },
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    return user


@transaction.atomic
def load():
    """Create the demo accounts and class; return [(role, username, password)]."""
    _user("admin", "Ada", "Admin", is_staff=True, is_superuser=True)
    teacher = _user("teacher", "Tamsin", "Teacher", is_staff=True)
    students = [
        _user("student1", "Sam", "Student"),
        _user("student2", "Zoë", "Åberg"),
        _user("student3", "Noor", "Haddad"),
    ]
    classroom, _ = Classroom.objects.get_or_create(
        join_code=DEMO_JOIN_CODE, defaults={"name": "Year 12 History (demo)"}
    )
    classroom.teachers.add(teacher)
    for student in students[:2]:  # student3 is left to join with the code
        Enrollment.objects.get_or_create(classroom=classroom, student=student)
    return [
        ("admin", "admin", DEMO_PASSWORD),
        ("teacher", "teacher", DEMO_PASSWORD),
        ("student", "student1", DEMO_PASSWORD),
        ("student", "student2", DEMO_PASSWORD),
        ("student", "student3", DEMO_PASSWORD),
    ]
