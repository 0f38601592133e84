"""Forms a student fills in: joining a class, and the answer form of a question's kind.

Each kind's answer form lives in its module in `exercises.kinds`; `answer_form` dispatches
through the registry (`Question.rules`).
"""

import re

from django import forms
from django.core.exceptions import ValidationError

from .kinds.shared.answer_form import RANGES_MAX_CHARS, REVISION_MISSING
from .models import Classroom

__all__ = ["RANGES_MAX_CHARS", "REVISION_MISSING", "JoinClassForm", "answer_form"]


class JoinClassForm(forms.Form):
    code = forms.CharField(
        label="Class code",
        max_length=40,
        help_text="Eight letters and digits, from your teacher.",
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
    )

    def clean_code(self):
        # Codes are read aloud and typed on phones: ignore case, spaces and dashes.
        code = re.sub(r"[\s-]+", "", self.cleaned_data["code"]).upper()
        try:
            self.classroom = Classroom.objects.get(join_code=code)
        except Classroom.DoesNotExist:
            raise ValidationError(
                f"No class has the code “{code}”. Check it with your teacher and try again."
            ) from None
        return code


def answer_form(question, sources, data=None, **kwargs):
    """The student's answer form of the question's kind (its module in `exercises.kinds`)."""
    return question.rules.answer_form(question, sources, data, **kwargs)
