"""Forms of the teacher's desk: questions in plain fields, grades with rubric levels, and
the student import.

Teachers never type JSON. Each kind of question gets the few plain fields it needs (an
enquiry, a claim, options one per line, key passages as quotes...); the form turns them
into the question's settings and key and has `exercises.kinds` validate them, so the rules
are the ones students' answers are checked and scored by.
"""

import base64
import re
import zlib
from decimal import Decimal

from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import AutocompleteSelectMultiple
from django.core.exceptions import SuspiciousOperation, ValidationError
from import_export.forms import ConfirmImportForm, ImportForm
from import_export.tmp_storages import BaseStorage

from purgeclass.signed import ALTERED as ALTERED_CONFIRMATION
from purgeclass.signed import unsign_for
from sources.models import Source

from .grading import question_sources
from .kinds import DEFAULT_RATING_LABELS, KINDS, MAX_TEXT_LENGTH
from .models import Classroom, Grade, Level, Question, QuestionSource

# Questions -------------------------------------------------------------------------------

SHORT_TEXT = forms.Textarea(attrs={"rows": 2, "cols": 80})
LINES = forms.Textarea(attrs={"rows": 6, "cols": 80})


def marks(value):
    """A number of marks as a teacher writes it: 8, 2.5 (not 8.00)."""
    if value is None:
        return ""
    return f"{Decimal(value).normalize():f}"


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
SHARED_FIELD_TITLES = {"enquiry": "Enquiry", "min_justification": "Justification"}


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
        fields = ["assignment", "order", "kind", "prompt", "points", "rubric", "model_answer"]
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
        if question.pk and question.answers.exists():
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
        question = self.instance
        sources = self.cleaned_sources
        QuestionSource.objects.filter(question=question).exclude(
            source__in=[source.pk for source in sources]
        ).delete()
        for position, source in enumerate(sources):
            QuestionSource.objects.update_or_create(
                question=question, source=source, defaults={"order": position}
            )
        assignment = question.assignment
        links = list(assignment.assignment_sources.all())
        used = {link.source_id for link in links}
        last = max((link.order for link in links), default=-1)
        for source in sources:
            if source.pk not in used:
                last += 1
                assignment.assignment_sources.create(source=source, order=last)


class QuestionInlineForm(forms.ModelForm):
    """A question as a line of its assignment: what it asks and its worth. The kind's
    fields, key and sources are on the question's own page."""

    class Meta:
        model = Question
        fields = ["order", "kind", "prompt", "points", "rubric"]
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


class AssignmentSourceFormSet(forms.BaseInlineFormSet):
    """The assignment's sources: a source chosen twice is named, where Django would only say
    "Please correct the duplicate data for source."."""

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


# Grading ---------------------------------------------------------------------------------


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


# Importing students ----------------------------------------------------------------------

STUDENT_IMPORT = "exercises.student-import"  # what the confirmation's file is signed for


class StudentImportForm(ImportForm):
    classroom = forms.ModelChoiceField(
        Classroom.objects.none(),
        required=False,
        label="Class",
        help_text="Students are enrolled in this class, unless their row gives another of "
        "your classes' join codes.",
    )
    field_order = ["classroom", "resource", "import_file", "format"]


class StudentConfirmImportForm(ConfirmImportForm):
    """The preview's hidden fields, sent back: each is checked, so an altered one is
    refused with a message instead of failing inside django-import-export.

    The admin sets `user` (the file is signed for them), `format_count` and
    `resource_count` (how many of each the import offers) before validating."""

    classroom = forms.ModelChoiceField(
        Classroom.objects.none(), required=False, widget=forms.HiddenInput
    )
    user = None
    format_count = resource_count = 1

    @staticmethod
    def _index(value, count):
        if not re.fullmatch(r"\d{1,3}", value or "") or int(value) >= count:
            raise ValidationError(ALTERED_CONFIRMATION, code="altered")
        return value

    def clean_format(self):
        return self._index(self.cleaned_data["format"], self.format_count)

    def clean_resource(self):
        value = self.cleaned_data["resource"]
        return self._index(value, self.resource_count) if value else value

    def clean_import_file_name(self):
        packed = unsign_for(self.user, STUDENT_IMPORT, self.cleaned_data["import_file_name"])
        if not isinstance(packed, str):
            raise ValidationError(ALTERED_CONFIRMATION, code="altered")
        return packed


class UploadInConfirmForm(BaseStorage):
    """Where an import's file waits between its preview and its confirmation: in the
    confirmation form itself (compressed; the admin signs it for the importing teacher, for
    an hour, with `purgeclass.signed` as the source-pack import does), not in this server's
    temporary folder. With two or more app servers the confirmation may reach another
    server than the preview did (bench/scale.py checks it); a temporary file would not be
    there. A class list is a few kilobytes, so the form stays small."""

    def save(self, data):
        data = data.encode(self.encoding or "utf-8") if isinstance(data, str) else data
        self.name = base64.urlsafe_b64encode(zlib.compress(data)).decode("ascii")

    def read(self):
        try:
            data = zlib.decompress(base64.urlsafe_b64decode(self.name or ""))
        except (ValueError, zlib.error):
            raise SuspiciousOperation("The import's confirmation form was altered.") from None
        return data if "b" in self.read_mode else data.decode(self.encoding or "utf-8")

    def remove(self):
        pass  # nothing was stored anywhere
