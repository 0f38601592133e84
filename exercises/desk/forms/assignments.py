"""Forms of the desk's assignments and questions.

Teachers never type JSON. Each kind of question gets the few plain fields it needs (an
enquiry, a claim, options one per line, key passages as quotes...); the form turns them
into the question's settings and key and has `exercises.kinds` validate them, so the rules
are the ones students' answers are checked and scored by.
"""

from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import AdminSplitDateTime, AutocompleteSelectMultiple
from django.core.exceptions import ValidationError

from sources.models import Source

from ...kinds import DEFAULT_RATING_LABELS, KINDS, MAX_TEXT_LENGTH
from ...models import Question
from ...selectors import question_sources
from ...services import authoring
from .rubrics import check_rubric_points

SHORT_TEXT = forms.Textarea(attrs={"rows": 2, "cols": 80})
LINES = forms.Textarea(attrs={"rows": 6, "cols": 80})


def question_problems(question, sources):
    """What keeps a question from being set to students, in words a teacher can act on."""
    rules = KINDS[question.kind]
    problems = []
    try:
        rules.check_sources(sources)
        settings = rules.clean_settings(question.settings)
        if rules.objective:
            rules.clean_key(question.key, settings, sources)
    except ValidationError as error:
        problems.extend(error.messages)
    return problems


class OrderedAutocompleteSelectMultiple(AutocompleteSelectMultiple):
    """Shows the chosen sources in the question's order (not the library's)."""

    def optgroups(self, name, value, attr=None):
        groups = super().optgroups(name, value, attr)
        order = [str(v) for v in value]
        for _, options, _ in groups:
            options.sort(
                key=lambda o: order.index(str(o["value"])) if str(o["value"]) in order else 0
            )
        return groups


# The title of a plain field that several kinds share, followed by their short names.
SHARED_FIELD_TITLES = {
    "enquiry": "Enquiry",
    "min_justification": "Justification",
    "min_length": "Answer length",
    "instruction": "Instruction",
}


def kind_fieldsets():
    """The question page's fieldsets of the kinds' plain fields, from the registry.

    Fields come in the order the kinds first use them; consecutive fields used by the same
    kinds share a fieldset, titled by the kind (or, when shared, by the field and its kinds)
    and classed `kind-<name>` per kind, which static/js/admin_question.js shows or hides.
    """
    order, users = [], {}
    for name, kind in KINDS.items():
        for field in kind.authoring_fields:
            if field not in users:
                order.append(field)
                users[field] = []
            users[field].append(name)
    fieldsets = []
    for field in order:
        names = users[field]
        if fieldsets and fieldsets[-1][2] == names:
            fieldsets[-1][1].append(field)
            continue
        fieldsets.append((field, [field], names))
    result = []
    for first, group, names in fieldsets:
        if len(names) > 1:
            kinds = ", ".join(KINDS[name].short_name or name for name in names)
            title = f"{SHARED_FIELD_TITLES[first]} ({kinds})"
        else:
            title = Question.Kind(names[0]).label
        classes = ["kind-fields", *(f"kind-{name}" for name in names)]
        result.append((title, {"fields": group, "classes": classes}))
    return result


class QuestionForm(forms.ModelForm):
    """A question on its own page: its sources, then the plain fields of its kind."""

    chosen_sources = forms.ModelMultipleChoiceField(
        Source.objects.select_related("author"),
        required=False,
        label="Sources",
        help_text="Search by number, author, title or words of the text. The question uses "
        "them in the order chosen; they are added to the assignment's sources too.",
    )
    enquiry = forms.CharField(
        required=False,
        widget=SHORT_TEXT,
        max_length=MAX_TEXT_LENGTH,
        help_text="Reliable or useful as evidence of what? e.g. “what happened at the trial "
        "of August 1936” or “how the trials were reported abroad”.",
    )
    min_justification = forms.IntegerField(
        required=False,
        min_value=0,
        max_value=MAX_TEXT_LENGTH,
        label="Minimum justification length",
        help_text="In characters; 0 for none. About 300 characters is a short paragraph.",
    )
    labels = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 5, "cols": 40}),
        label="Scale labels",
        help_text="Five labels, one per line, from 1 (least) to 5 (most reliable). Leave "
        "empty for: " + ", ".join(DEFAULT_RATING_LABELS) + ".",
    )
    expected_rating = forms.TypedChoiceField(
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", "No expected rating")] + [(i, str(i)) for i in range(1, 6)],
        help_text="Optional: the rating you would give. Shown to you when grading.",
    )
    expected_choice = forms.IntegerField(
        required=False,
        min_value=1,
        label="Expected choice (source number)",
        help_text="Optional: the number of the source you judge more reliable, e.g. 23.",
    )
    instruction = forms.CharField(
        required=False,
        widget=SHORT_TEXT,
        max_length=MAX_TEXT_LENGTH,
        help_text="What to mark, e.g. “Mark the words chosen to make the accused look guilty”.",
    )
    key_passages = forms.CharField(
        required=False,
        widget=LINES,
        label="Key passages",
        help_text="The passages a good answer marks: copy each from the source's text, one "
        "per line. Quotation marks around a passage are ignored. A passage found twice in "
        "the text marks its first place; quote more words to mark another.",
    )
    claim = forms.CharField(
        required=False,
        widget=SHORT_TEXT,
        max_length=MAX_TEXT_LENGTH,
        help_text="The statement each source is weighed against, e.g. “The defendants of "
        "1936 were guilty as charged”.",
    )
    verdicts = forms.CharField(
        required=False,
        widget=LINES,
        label="Key verdicts",
        help_text="One line per source: its number, a colon and supports, challenges or "
        "silent, e.g. “4: supports”.",
    )
    options = forms.CharField(
        required=False,
        widget=LINES,
        help_text="One option per line, 2 to 20. Start each correct option with a star, "
        "e.g. “* He was the NYT's Moscow correspondent”.",
    )
    multiple = forms.BooleanField(
        required=False,
        label="Several options may be correct",
        help_text="Each correct option chosen earns a share of the points; each wrong one "
        "takes a share away; never below zero.",
    )
    events = forms.CharField(
        required=False,
        widget=LINES,
        label="Events in order",
        help_text="One event (or source) per line, 2 to 12, in their right chronological "
        "order, earliest first. Students see them shuffled.",
    )
    groups = forms.CharField(
        required=False,
        widget=LINES,
        label="Groups",
        help_text="The categories to sort the sources into, one per line, 2 to 6, e.g. "
        "“Supports the confessions”.",
    )
    placements = forms.CharField(
        required=False,
        widget=LINES,
        label="Key groups",
        help_text="One line per source: its number, a colon and its group's name, e.g. "
        "“4: Supports the confessions”.",
    )
    justify_groups = forms.BooleanField(
        required=False,
        label="Ask for a justification of each group",
        help_text="Optional for students; read when grading, not scored.",
    )
    regions = forms.CharField(
        required=False,
        widget=LINES,
        label="Key regions",
        help_text="The cells of the image a good answer marks: columns A, B, C… from the "
        "left, rows 1, 2, 3… from the top (6 rows, 8 columns). A cell as “B3”, a rectangle "
        "as “B3:D4”, separated by commas or lines.",
    )
    length = forms.ChoiceField(
        required=False,
        choices=[("extended", "Extended (paragraphs)"), ("short", "Short (a sentence or two)")],
        label="Answer length",
    )
    min_length = forms.IntegerField(
        required=False,
        min_value=0,
        max_value=MAX_TEXT_LENGTH,
        label="Minimum answer length",
        help_text="In characters; 0 for none.",
    )

    class Meta:
        model = Question
        fields = [
            "assignment",
            "order",
            "kind",
            "prompt",
            "points",
            "rubric",
            "model_answer",
            "skill",
            "objective",
        ]
        help_texts = {
            "prompt": "The question as students read it.",
            "points": "The marks the question is worth.",
            "model_answer": "Shown to students with their released grade.",
            "rubric": "Optional: its levels fill in the score when grading.",
        }

    def __init__(self, *args, admin_site=None, **kwargs):
        super().__init__(*args, **kwargs)
        sources_field = self.fields["chosen_sources"]
        sources_field.widget = OrderedAutocompleteSelectMultiple(
            Question._meta.get_field("sources"), admin_site or admin.site
        )
        sources_field.widget.choices = sources_field.choices
        self.fields["kind"].widget.attrs["class"] = "question-kind"
        question = self.instance
        answered = getattr(question, "answered", None)  # annotated where many are shown
        if question.pk and (question.answers.exists() if answered is None else answered):
            self.fields["kind"].help_text = Question.KIND_LOCKED
        self.key_before = question.key
        if question.pk:
            self.sources_before = [link.source for link in question.question_sources.all()]
            self.initial.update(self._initial_plain_fields(question, self.sources_before))
        else:
            self.sources_before = []

    @staticmethod
    def _initial_plain_fields(question, sources):
        # Every kind's plain fields start blank (as each kind leaves them for empty settings),
        # then the question's own kind fills in its settings and key.
        initial = {"chosen_sources": [source.pk for source in sources]}
        for kind in KINDS.values():
            initial.update(kind.authoring_initial({}, {}, []))
        initial.update(
            question.rules.authoring_initial(question.settings or {}, question.key or {}, sources)
        )
        return initial

    def ordered_sources(self):
        """The chosen sources in the order the teacher chose them."""
        chosen = {str(source.pk): source for source in self.cleaned_data.get("chosen_sources", [])}
        posted = self.data.getlist(self.add_prefix("chosen_sources")) if self.is_bound else []
        ordered = [chosen[pk] for pk in dict.fromkeys(posted) if pk in chosen]
        return ordered + [source for pk, source in chosen.items() if pk not in posted]

    def clean(self):
        cleaned = super().clean()
        try:
            check_rubric_points(cleaned.get("rubric"), cleaned.get("points"))
        except ValidationError as error:
            self.add_error("points", error)
        kind = cleaned.get("kind")
        if kind not in KINDS:
            return cleaned
        rules = KINDS[kind]
        sources = self.ordered_sources()
        self.cleaned_sources = sources
        try:
            rules.check_sources(sources)
        except ValidationError as error:
            self.add_error("chosen_sources", error)
        try:
            plain = rules.authoring_settings(self.cleaned_data, self.instance)
            settings = rules.clean_settings(plain)
        except ValidationError as error:
            self.add_error(rules.settings_field, error)
            return cleaned
        if "chosen_sources" in self.errors and rules.key_needs_sources:
            return cleaned  # the key cannot be checked against the wrong sources
        try:
            plain = rules.authoring_key(self.cleaned_data, sources, self.instance)
            key = rules.clean_key(plain, settings, sources)
        except ValidationError as error:
            self.add_error(rules.key_field, error)
            return cleaned
        self.instance.settings = settings
        self.instance.key = key
        return cleaned

    def save_sources(self):
        """Store the chosen sources in order, and add them to the assignment's sources."""
        authoring.set_question_sources(self.instance, self.cleaned_sources)


class QuestionInlineForm(forms.ModelForm):
    """A question as a line of its assignment: what it asks and its worth. The kind's
    fields, key and sources are on the question's own page."""

    class Meta:
        model = Question
        fields = ["order", "kind", "prompt", "points", "rubric", "skill"]
        widgets = {"prompt": forms.Textarea(attrs={"rows": 2, "cols": 60})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if getattr(self.instance, "answered", False):  # annotated by QuestionInline
            self.fields["kind"].help_text = Question.KIND_LOCKED

    def clean(self):
        cleaned = super().clean()
        kind = cleaned.get("kind")
        if kind in KINDS and (not self.instance.pk or "kind" in self.changed_data):
            # Keep what still fits the new kind; a new question starts from its defaults.
            try:
                self.instance.settings = KINDS[kind].clean_settings(self.instance.settings)
            except ValidationError:
                self.instance.settings = {}
            if self.instance.pk:
                self.instance.key = {}
        try:
            check_rubric_points(cleaned.get("rubric"), cleaned.get("points"))
        except ValidationError as error:
            self.add_error("points", error)
        return cleaned


class LabelledSplitDateTime(AdminSplitDateTime):
    """The admin's date and time boxes, each named for screen readers ("Opens at: date"):
    the field's one label cannot point at two inputs."""

    def __init__(self, label, attrs=None):
        self.label = label
        super().__init__(attrs)

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        for subwidget, part in zip(context["widget"]["subwidgets"], ("date", "time"), strict=True):
            subwidget["attrs"]["aria-label"] = f"{self.label}: {part}"
        return context


class AssignmentSourceFormSet(forms.BaseInlineFormSet):
    """The assignment's sources: a source chosen twice is named, where Django would only say
    "Please correct the duplicate data for source."."""

    def add_fields(self, form, index):
        super().add_fields(form, index)
        # A table's column heading does not label its inputs: each line's get a name.
        line = "new line" if index is None else f"line {index + 1}"
        if "order" in form.fields:
            form.fields["order"].widget.attrs["aria-label"] = f"Order of the source on {line}"
        if "DELETE" in form.fields:
            form.fields["DELETE"].widget.attrs["aria-label"] = f"Remove the source on {line}"

    def clean(self):
        seen, twice = set(), []
        for form in self.forms:
            source = getattr(form, "cleaned_data", {}).get("source")
            if source is None or (self.can_delete and self._should_delete_form(form)):
                continue
            if source.pk in seen:
                label = source.label
                form.add_error("source", f"{label} is already in this list.")
                twice.append(label)
            seen.add(source.pk)
        if twice:
            raise ValidationError(
                f"{', '.join(twice)} {'is' if len(twice) == 1 else 'are'} chosen twice: "
                "remove the second line."
            )
        super().clean()


class QuestionInlineFormSet(forms.BaseInlineFormSet):
    """Refuses to publish an assignment while one of its questions is unfinished."""

    def clean(self):
        super().clean()
        assignment = self.instance
        if assignment.status != assignment.Status.PUBLISHED:
            return
        kept = [
            form
            for form in self.forms
            if form.has_changed() or form.instance.pk
            if not (self.can_delete and self._should_delete_form(form))
        ]
        ids = [form.instance.pk for form in kept if form.instance.pk]
        sources = question_sources(ids) if ids else {}
        problems = []
        for position, form in enumerate(kept, start=1):
            question = form.instance
            if not question.kind:
                continue
            for problem in question_problems(question, sources.get(question.pk, [])):
                problems.append(f"Question {position} ({question.get_kind_display()}): {problem}")
        if problems:
            raise ValidationError(
                ["Finish these questions on their own pages, or keep the assignment as a draft:"]
                + problems
            )
