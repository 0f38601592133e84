"""The kind protocol: what every kind of source-criticism question knows about itself.

A kind knows three things about its question: which sources it needs, what a teacher may put
in its settings and key, and what a student's response must look like. Objective kinds
(`objective = True`) also score themselves; the others are graded by the teacher.

Every `clean_*` method takes untrusted data (a form post, an admin form, a JSON field) and
returns a normalised copy or raises ValidationError with a message a student or teacher can
act on. None of them touch the database: callers pass the question's sources in.

Templates of a kind live in templates/exercises/kinds/<name>/ (`QuestionKind.template`):

- input.html: the student's input. Context: `q` (views.QuestionOnPage: question, sources,
  response, settings, key once released, `kind_view`) and `form` (the kind's answer form).
- answer.html: the read-only answer on the student's page and in print. Context: `q` as above.
- grading.html: the answer on the teacher's grading page. Context: `view` (admin.answer_view:
  kind, sources, and the kind's `grading_view`) and `answer`.
- analytics.html: the question's analytics panel. Context: `q` (analytics.QuestionReport),
  with the kind's own panel (`QuestionKind.analytics`) as `q.panel`.
"""

from django.core.exceptions import ValidationError

from .shared.text import as_mapping, clean_text


class QuestionKind:
    """Rules of one kind of question. Subclasses override what differs."""

    name = ""
    objective = False
    min_sources = 0
    max_sources = None
    needs_image = False  # its sources must be visual (with an image): check_sources says so
    # Its key and answers are ranges of words in its source's text: re-anchored when the
    # text is corrected (services/reanchoring), and the passages lost then ("lost" in the
    # response) kept through the student's later saves until the teacher has seen them.
    anchors_words = False
    text_fields = {}  # response field -> label
    answer_form = None  # the student's form (an answer_form.AnswerForm), set by the module
    # Optional: a static script with the kind's widget on the answering page, conventionally
    # "js/kinds/<name>.js". The page loads it after js/answering.js, whose documented
    # interface (window.purgeclass.answering) it uses; a kind of plain fields needs none.
    script = None
    # Optional: the kind's own styles, conventionally "css/kinds/<name>.css": its input,
    # answer and analytics panel on screen, and its print rules under @media print. Pages
    # load it where the kind's questions are (the assignment page, print, the analytics).
    stylesheet = None

    # The templates every kind has, in templates/exercises/kinds/<name>/ (see the module
    # docstring for the context each receives).
    TEMPLATE_PARTS = ("input", "answer", "grading", "analytics")

    def template(self, part):
        """The path of one of the kind's templates: input, answer, grading or analytics."""
        if part not in self.TEMPLATE_PARTS:
            raise ValueError(f"A kind has no {part!r} template.")
        return f"exercises/kinds/{self.name}/{part}.html"

    def check_sources(self, sources):
        count = len(sources)
        if count < self.min_sources:
            raise ValidationError(
                f"This kind of question needs at least {self.min_sources} "
                f"source{'s' if self.min_sources > 1 else ''}; it has {count}."
            )
        if self.max_sources is not None and count > self.max_sources:
            raise ValidationError(
                f"This kind of question is about {self.max_sources} source; it has {count}."
            )

    def clean_settings(self, settings):
        return dict(as_mapping(settings, "The settings"))

    def clean_key(self, key, settings, sources):
        return dict(as_mapping(key, "The answer key"))

    def clean_response(self, data, settings, sources):
        data = as_mapping(data)
        return {
            field: clean_text(data.get(field), label) for field, label in self.text_fields.items()
        }

    def score(self, response, settings, key, points, sources):
        """Points earned, or None where a teacher grades the answer."""
        return None

    def is_answered(self, response):
        return any(str(value).strip() for value in (response or {}).values() if value)

    # Authoring: the teacher's plain fields (desk.forms.assignments.QuestionForm) <-> settings, key.
    # Teachers never type JSON; the kind says which plain fields stand for its settings and
    # key, and clean_settings / clean_key then check them with the students' rules.

    authoring_fields = []  # the plain fields of QuestionForm the kind uses, in page order
    short_name = ""  # in the title of a fieldset shared by several kinds (default: name)
    settings_field = None  # the plain field a settings error is shown next to
    key_field = None  # the plain field a key error is shown next to (None: the form's top)
    key_needs_sources = False  # the key names sources: unchecked while the sources are wrong
    # How the desk's builder (exercises/desk/builder.py) sets the key beside the sources,
    # both optional (a kind without them keeps its plain fields only):
    # - builder_template, conventionally "exercises/kinds/<name>/builder_key.html": the key's
    #   widget, shown beside the question's sources. Context: `q` (the question), `form`
    #   (its BuilderQuestionForm) and `key_view` (`builder_view` below).
    # - builder_script, conventionally "js/kinds/<name>-builder.js": registers
    #   `PurgeBuilder.keys[<name>] = {setUp(item, api)}` (the interface is documented in
    #   static/js/builder.js) and writes the kind's plain fields, which are what is saved.
    # The builder page loads every kind's builder script and, for a kind with a builder
    # template, the kind's stylesheet (so the widget may share the answering page's classes).
    builder_template = None
    builder_script = None

    def builder_view(self, settings, key):
        """What the kind's builder_key.html needs beyond the question (as `key_view`)."""
        return {}

    def authoring_initial(self, settings, key, sources):
        """The plain fields' initial values for a question's settings and key."""
        return {}

    def authoring_settings(self, data, instance):
        """The settings from the form's cleaned plain fields (`instance`: the question)."""
        raise NotImplementedError(f"The {self.name} kind has no authoring fields.")

    def authoring_key(self, data, sources, instance):
        """The key from the form's cleaned plain fields; may raise ValidationError."""
        return {}

    # Volume data for load tests (manage.py generate_volume).

    volume_source_count = 0  # how many of the unit's sources a generated question uses

    def volume_sources(self, rng, sources):
        if self.volume_source_count == 1:
            return [rng.choice(sources)]
        return rng.sample(sources, self.volume_source_count) if self.volume_source_count else []

    def volume_settings(self, rng, words):
        """Raw settings of a generated question (cleaned by the caller)."""
        raise NotImplementedError(f"The {self.name} kind generates no volume data.")

    def volume_key(self, rng, settings, sources):
        """Raw key of a generated question, for its cleaned settings and sources."""
        return {}

    def volume_response(self, rng, words, settings, sources):
        """A generated student's response."""
        raise NotImplementedError(f"The {self.name} kind generates no volume data.")

    # The demo class (exercises/demo.py, manage.py load_demo): the kind's questions in the
    # demo assignment, in the order they come, and the pupils' answers of the handed-in class.

    demo_questions = ()  # shared.demo.DemoQuestion, naming the Great Purge pack's sources
    demo_rubric = None  # the key of the demo rubric its questions are marked with, if any
    # A demo rubric of the kind's own (the shape of exercises/demo_rubrics.py's), loaded under
    # the kind's name.
    demo_rubric_spec = None

    def demo_key(self, key, sources_by_number, sources):
        """The stored key from a DemoQuestion's (which may name sources by number or quote)."""
        return key

    def demo_response(self, rng, question, sources):
        """A pupil's answer to one of the kind's demo questions; `rng` a seeded Random."""
        raise NotImplementedError(f"The {self.name} kind has no demo answers.")

    # Analytics: the frame (analytics.AssignmentReport) counts the class's answers in a fixed
    # number of queries, asking every kind on the assignment what to count; the kind then
    # builds its panel (what its analytics.html shows as `q.panel`) from a
    # shared.counting.Counted.

    analytics_grouped = ()  # response keys the one grouped count query groups answers by
    analytics_fetches_answers = False  # needs every response whole (one query for all kinds)
    unanswered_phrase = "not answered"  # "12 left <phrase>": a panel's `unanswered` answers

    def analytics_counts(self, question, sources):
        """(aliases, counts) for the one query of conditional counts, named after the question.

        `aliases` are annotations (e.g. shared.counting.JSONText) the counts filter on.
        """
        return {}, {}

    def analytics(self, question, sources, counted):
        """The kind's analytics panel, a dict, from the frame's counts (a Counted)."""
        return {}

    featurable = False  # has words a teacher may show the class ("Why did you trust him?")

    def featured_parts(self, response, settings, sources_by_id):
        """A featured answer as (label, words) pairs, to show it without saying whose it is."""
        return [("Answer", response.get("text", ""))]

    def answer_in_words(self, response, settings):
        """A scored answer told in a few words, to list the class's most common wrong
        answers on the feedback sheet; "" where the kind cannot say it briefly."""
        return ""

    # The teacher's desk.

    def summary(self, settings, key):
        """Phrases summing up the question's settings and key, for its line in the assignment."""
        return []

    def grading_view(self, response, settings, key, sources):
        """What the kind's grading.html shows of an answer, beside its question and key."""
        raise NotImplementedError(f"The {self.name} kind has no grading view.")

    def answer_view(self, response, settings, key, sources):
        """What the kind's templates show of an answer, beyond the shared context.

        `key` is empty until the work is released. Returns a dict, reached in the kind's
        templates as `q.kind_view`.
        """
        return {}

    def incomplete_reason(self, response, settings, sources=None):
        """Why a saved response is not yet a full answer (listed before submitting)."""
        if not self.is_answered(response):
            return "not answered"
        return None
