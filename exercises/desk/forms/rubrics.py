"""Forms and rules of the desk's rubrics: a level's band, a rubric's maximum."""

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError

from ...marks import marks
from ...models import Level


def rubric_maximum(rubric):
    """The most marks the rubric can give: the top of each criterion's highest band."""
    total = Decimal(0)
    for criterion in rubric.criteria.all():
        bands = [level.max_points for level in criterion.levels.all()]
        total += max(bands, default=Decimal(0))
    return total


def check_rubric_points(rubric, points):
    if rubric is None or points is None:
        return
    maximum = rubric_maximum(rubric)
    if maximum and maximum != points:
        raise ValidationError(
            "The rubric “%(rubric)s” gives up to %(maximum)s marks but this question is worth "
            "%(points)s. Make them the same, so that the levels add up to the question's marks.",
            params={"rubric": rubric, "maximum": marks(maximum), "points": marks(points)},
        )


class LevelForm(forms.ModelForm):
    class Meta:
        model = Level
        fields = ["order", "name", "descriptor", "min_points", "max_points"]
        widgets = {"descriptor": forms.Textarea(attrs={"rows": 2, "cols": 50})}

    def clean(self):
        cleaned = super().clean()
        low, high = cleaned.get("min_points"), cleaned.get("max_points")
        if low is not None and low < 0:
            self.add_error("min_points", "The band cannot start below 0.")
        if low is not None and high is not None and high < low:
            self.add_error(
                "max_points",
                f"The band's top ({marks(high)}) is below its bottom ({marks(low)}).",
            )
        return cleaned
