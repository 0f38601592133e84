"""The grading form: a grader's score, rubric levels and feedback for one answer."""

from decimal import Decimal

from django import forms

from ...kinds import MAX_TEXT_LENGTH
from ...marks import marks
from ...models import Grade


class LevelSelect(forms.Select):
    """Level options carry their band, which admin_grading.js uses to fill in the marks."""

    def __init__(self, bands, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.bands = bands

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        band = self.bands.get(str(value))
        if band:
            option["attrs"]["data-min"] = marks(band[0])
            option["attrs"]["data-max"] = marks(band[1])
        return option


class GradeForm(forms.Form):
    """A grader's score, levels and feedback for one answer.

    Carries the version of the grade it was loaded with. The score is bounded by the
    question's points. With a rubric, the chosen levels' marks add up to the score; a mark
    outside a level's band, or a score other than the levels' total, needs a reason.
    """

    # Each field also carries the value the page was loaded with (show_hidden_initial), so
    # only what this grader changed is saved, whatever others saved meanwhile.
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    score = forms.DecimalField(
        required=False,
        show_hidden_initial=True,
        max_digits=6,
        decimal_places=2,
        widget=forms.NumberInput(attrs={"step": "0.5", "class": "grade-score"}),
    )
    feedback = forms.CharField(
        required=False,
        show_hidden_initial=True,
        max_length=MAX_TEXT_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
    )
    override_reason = forms.CharField(
        required=False,
        show_hidden_initial=True,
        max_length=300,
        label="Reason for override",
        help_text="Needed when a mark is outside its level's band or the score differs "
        "from the levels' total.",
        widget=forms.TextInput(attrs={"size": 60, "class": "grade-reason"}),
    )

    def __init__(self, *args, answer, **kwargs):
        self.answer = answer
        self.question = answer.question
        self.grade = _grade_or_none(answer)
        self.criteria = list(self.question.rubric.criteria.all()) if self.question.rubric_id else []
        self.given = {
            cg.criterion_id: cg for cg in (self.grade.criterion_grades.all() if self.grade else [])
        }
        kwargs.setdefault("prefix", f"answer-{answer.pk}")
        kwargs.setdefault("initial", self._initial())
        super().__init__(*args, **kwargs)
        self.fields["score"].help_text = f"From 0 to {marks(self.question.points)}."
        self.fields["score"].widget.attrs["max"] = marks(self.question.points)
        self.fields["score"].widget.attrs["min"] = "0"
        for criterion in self.criteria:
            levels = list(criterion.levels.all())
            bands = {str(level.pk): (level.min_points, level.max_points) for level in levels}
            self.fields[f"level_{criterion.pk}"] = forms.TypedChoiceField(
                label=criterion.name,
                required=False,
                show_hidden_initial=True,
                coerce=int,
                empty_value=None,
                choices=[("", "—")]
                + [
                    (
                        level.pk,
                        f"{level.name} ({marks(level.min_points)}–{marks(level.max_points)})",
                    )
                    for level in levels
                ],
                widget=LevelSelect(bands, attrs={"class": "grade-level"}),
            )
            self.fields[f"points_{criterion.pk}"] = forms.DecimalField(
                label=f"{criterion.name}: marks",
                required=False,
                show_hidden_initial=True,
                min_value=0,
                max_digits=6,
                decimal_places=2,
                widget=forms.NumberInput(attrs={"step": "0.5", "class": "grade-points"}),
            )

    def _initial(self):
        grade = self.grade
        initial = {"version": grade.version if grade else 0}
        if grade:
            initial.update(
                score=grade.score, feedback=grade.feedback, override_reason=grade.override_reason
            )
        for criterion in self.criteria:
            given = self.given.get(criterion.pk)
            if given:
                initial[f"level_{criterion.pk}"] = given.level_id
                initial[f"points_{criterion.pk}"] = given.points
        return initial

    def grader_changed(self):
        """Whether the grader typed or chose anything on this answer (the version they
        loaded says nothing about that)."""
        return any(name != "version" for name in self.changed_data)

    def loaded_values(self):
        """{hidden initial field name: value} of the grade as it is now, so that a page
        shown again after a conflict compares the grader's input with the other's grade."""
        return {
            self.add_initial_prefix(name): "" if value is None else str(value)
            for name, field in self.fields.items()
            if field.show_hidden_initial
            for value in [self[name].initial]
        }

    def criterion_rows(self):
        """(criterion, level field, points field, what was given) for the template."""
        return [
            (
                criterion,
                self[f"level_{criterion.pk}"],
                self[f"points_{criterion.pk}"],
                self.given.get(criterion.pk),
            )
            for criterion in self.criteria
        ]

    def clean(self):
        cleaned = super().clean()
        reason = cleaned.get("override_reason", "").strip()
        worth = self.question.points
        chosen, needs_reason = [], []
        for criterion in self.criteria:
            level_id = cleaned.get(f"level_{criterion.pk}")
            if level_id is None:
                continue
            level = next((lv for lv in criterion.levels.all() if lv.pk == level_id), None)
            if level is None:
                self.add_error(f"level_{criterion.pk}", "Choose one of the rubric's levels.")
                continue
            given_marks = cleaned.get(f"points_{criterion.pk}")
            if given_marks is None:
                given_marks = level.max_points
                cleaned[f"points_{criterion.pk}"] = given_marks
            given = self.given.get(criterion.pk)
            unchanged = given and given.level_id == level.pk and given.points == given_marks
            if not unchanged and not level.min_points <= given_marks <= level.max_points:
                needs_reason.append(
                    (
                        f"points_{criterion.pk}",
                        f"{criterion.name}: {marks(given_marks)} is outside the band of "
                        f"“{level.name}” ({marks(level.min_points)}–{marks(level.max_points)}). "
                        "Choose the level that fits, or give a reason for the override.",
                    )
                )
            chosen.append((criterion, level, given_marks))
        score = cleaned.get("score")
        if chosen:
            total = sum((given_marks for _, _, given_marks in chosen), Decimal(0))
            if score is None:
                score = cleaned["score"] = total
            elif score != total:
                needs_reason.append(
                    (
                        "score",
                        f"The levels chosen add up to {marks(total)}, not {marks(score)}. "
                        "Give a reason for the override, or change the levels.",
                    )
                )
        if score is not None and not 0 <= score <= worth:
            self.add_error(
                "score",
                f"Give a score from 0 to {marks(worth)}: this question is worth "
                f"{marks(worth)} points.",
            )
        if needs_reason and not reason:
            for field, message in needs_reason:
                self.add_error(field, message)
            self.add_error("override_reason", "Give a reason for the override.")
        # Without a rubric there is nothing to override: the field is not shown, and a
        # reason given before (under a rubric since removed) is kept.
        cleaned["override_reason"] = (
            reason if self.criteria else self.initial.get("override_reason") or ""
        )
        self.levels = chosen
        return cleaned


def _grade_or_none(answer):
    try:
        return answer.grade
    except Grade.DoesNotExist:
        return None
