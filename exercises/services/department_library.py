"""The department library: assignments colleagues share, copied into one's own class.

An assignment is shared by its teacher (`Assignment.shared_with_colleagues`); colleagues
see it in their library (`Assignment.objects.shared_by_colleagues_of`) and copy it into a
class they teach in one step. The copy is a draft of theirs, with the questions, sources,
keys and rubrics; students' work is never copied, and the copy is not shared until they
share it. The rubrics stay the colleague's: editing one makes the teacher's own copy
(`services.rubric_copies`), so the colleague's marking never changes.
"""

from django.db import transaction

from .authoring import duplicate_assignment


@transaction.atomic
def copy_into_class(assignment, classroom):
    """A draft copy of `assignment` in `classroom`. Returns the copy."""
    copy = duplicate_assignment(assignment)
    copy.classroom = classroom
    copy.shared_with_colleagues = False
    copy.save(update_fields=["classroom", "shared_with_colleagues"])
    return copy
