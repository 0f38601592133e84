"""What a student changed in an answer returned for revision: a word diff of each text
field, between the answer as returned (`Answer.returned_response`) and as it reads now."""

import difflib
import re
from dataclasses import dataclass, field

WORDS = re.compile(r"\s+|[^\s]+")


def word_diff(old, new):
    """[(change, words)] where change is "same", "removed" or "added"; whitespace is kept
    with the words so that the pieces read as the text."""
    before, after = WORDS.findall(old or ""), WORDS.findall(new or "")
    pieces = []
    matcher = difflib.SequenceMatcher(a=before, b=after, autojunk=False)
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            pieces.append(("same", "".join(before[a1:a2])))
            continue
        if op in ("delete", "replace"):
            pieces.append(("removed", "".join(before[a1:a2])))
        if op in ("insert", "replace"):
            pieces.append(("added", "".join(after[b1:b2])))
    return pieces


@dataclass
class FieldChanges:
    label: str
    pieces: list = field(default_factory=list)

    @property
    def changed(self):
        return any(change != "same" for change, _ in self.pieces)


def answer_changes(answer):
    """The changes to each text field of an answer since it was returned, or [] if it was
    never returned or nothing changed."""
    if answer.returned_response is None:
        return []
    found = []
    for name, label in answer.question.rules.text_fields.items():
        old = answer.returned_response.get(name)
        new = (answer.response or {}).get(name)
        old, new = (old if isinstance(old, str) else ""), (new if isinstance(new, str) else "")
        changes = FieldChanges(label, word_diff(old, new))
        if changes.changed:
            found.append(changes)
    return found
