"""The builder's form of one question: the question page's form (`QuestionForm`, so the
same plain fields and the same rules), with its sources as checkboxes beside the prompt and
its kind fixed in the save (the builder changes it with its own action, change_kind)."""

from operator import attrgetter

from django import forms
from django.forms.models import ModelChoiceIteratorValue

from ...kinds import KINDS
from ...models import Question, Rubric
from .assignments import QuestionForm
from .rubrics import rubric_maximum


class SourceCheckboxes(forms.CheckboxSelectMultiple):
    """The sources as checkboxes, each carrying its number (and, for a visual source, its
    image and alt text) for the kinds' key widgets beside the question."""

    option_template_name = "django/forms/widgets/checkbox_option.html"

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        instance = getattr(value, "instance", None)
        if instance is not None:
            option["attrs"]["data-number"] = instance.number
            if instance.image:
                option["attrs"]["data-image"] = instance.display_url
                option["attrs"]["data-alt"] = instance.alt_text
        return option


class BuilderChoices:
    """The sources and rubrics a builder page offers, read once for all its questions."""

    def __init__(self, sources):
        self.sources = [(ModelChoiceIteratorValue(s.pk, s), s.label) for s in sources]
        self.rubrics = [("", "---------")] + [
            (rubric.pk, str(rubric)) for rubric in Rubric.objects.order_by("name")
        ]


class BuilderQuestionForm(QuestionForm):
    """One question on the builder, prefixed by its id so several share the page."""

    class Meta(QuestionForm.Meta):
        fields = ["kind", "prompt", "points", "rubric", "model_answer"]
        widgets = {
            "prompt": forms.Textarea(attrs={"rows": 3, "cols": 60}),
            "model_answer": forms.Textarea(attrs={"rows": 3, "cols": 60}),
        }

    def __init__(self, *args, sources=None, choices=None, **kwargs):
        """`sources`: the library's sources to choose from; `choices`: the page's
        `BuilderChoices`, so that many questions share one reading of the lists."""
        kwargs.setdefault("prefix", f"q{kwargs['instance'].pk}")
        super().__init__(*args, **kwargs)
        self.fields["kind"].disabled = True
        self.fields["kind"].widget = forms.HiddenInput()
        chosen = self.fields["chosen_sources"]
        if sources is not None:
            chosen.queryset = sources
        chosen.widget = SourceCheckboxes()
        chosen.label_from_instance = attrgetter("label")
        chosen.widget.choices = choices.sources if choices else chosen.choices
        chosen.help_text = "The question uses them in this list's order."
        self.fields["rubric"].queryset = Rubric.objects.order_by("name")
        self.fields["rubric"].widget = forms.Select()
        self.fields["rubric"].widget.choices = (
            choices.rubrics if choices else self.fields["rubric"].choices
        )
        self.fields["rubric"].help_text = "Optional: the question's marks become the rubric's."
        self.fields["prompt"].required = True

    def clean(self):
        # A rubric chosen without touching the marks brings its own total: the teacher
        # picks from a list and does not have to add the levels up.
        rubric = self.cleaned_data.get("rubric")
        if (
            rubric is not None
            and "rubric" in self.changed_data
            and "points" not in self.changed_data
        ):
            maximum = rubric_maximum(rubric)
            if maximum:
                self.cleaned_data["points"] = maximum
        return super().clean()

    @property
    def kinds_offered(self):
        """(name, label) of every kind, for changing the question's kind on the builder."""
        return [(name, Question.Kind(name).label) for name in KINDS]

    @property
    def key_view(self):
        """What the kind's builder template shows of the key (`QuestionKind.builder_view`)."""
        question = self.instance
        return question.rules.builder_view(question.settings or {}, question.key or {})

    @property
    def fields_of_kind(self):
        """The kind's own plain fields, bound, in the kind's order."""
        return [self[name] for name in self.instance.rules.authoring_fields]
