"""A system check: every registered kind has all its parts, or the project does not start.

A half-added kind used to save and score on the student side, then fail on the grading page
and in analytics while the admin silently dropped its settings. `manage.py check` (and so
runserver, migrate and the deploy) now names what is missing instead.
"""

from django.contrib.staticfiles import finders
from django.core.checks import Error
from django.template import TemplateDoesNotExist
from django.template.loader import get_template

from .base import QuestionKind
from .shared.answer_form import AnswerForm

RULES = ("clean_settings", "clean_key", "clean_response", "score", "incomplete_reason")


def _error(kind_name, message, code):
    return Error(
        f"Question kind {kind_name!r}: {message}",
        hint='See docs/architecture.md, "How to add a question kind".',
        obj=kind_name,
        id=f"exercises.{code}",
    )


def check_kinds(app_configs=None, **kwargs):
    """Each kind in the registry: its rules, model choice, answer form, authoring, templates."""
    from exercises.models import Question

    from . import KINDS

    errors = []
    choices = set(Question.Kind.values)
    for name, kind in KINDS.items():
        if not isinstance(kind, QuestionKind) or kind.name != name:
            errors.append(_error(name, "is not a QuestionKind registered under its name.", "E101"))
            continue
        missing_rules = [rule for rule in RULES if not callable(getattr(kind, rule, None))]
        if missing_rules or type(kind).clean_settings is QuestionKind.clean_settings:
            errors.append(_error(name, "defines no settings rules (clean_settings).", "E102"))
        if name not in choices:
            errors.append(_error(name, "is not among Question.Kind's choices.", "E103"))
        form = kind.answer_form
        if not (isinstance(form, type) and issubclass(form, AnswerForm)):
            errors.append(_error(name, "has no student answer form (answer_form).", "E104"))
        authoring = type(kind).authoring_settings
        no_fields = not (kind.settings_field and kind.authoring_fields)
        if authoring is QuestionKind.authoring_settings or no_fields:
            errors.append(_error(name, "has no authoring fields for the teacher.", "E105"))
        if type(kind).grading_view is QuestionKind.grading_view:
            errors.append(_error(name, "has no grading view (grading_view).", "E107"))
        if type(kind).volume_response is QuestionKind.volume_response:
            errors.append(_error(name, "generates no volume data (volume_*).", "E108"))
        # A script is optional (a kind of plain fields has none), but one named must exist.
        if kind.script is not None and not (
            isinstance(kind.script, str)
            and kind.script.endswith(".js")
            and finders.find(kind.script)
        ):
            errors.append(
                _error(name, f"names a script that is not a static file ({kind.script!r}).", "E109")
            )
        # So is a stylesheet (css/kinds/<name>.css): one named must exist.
        if kind.stylesheet is not None and not (
            isinstance(kind.stylesheet, str)
            and kind.stylesheet.endswith(".css")
            and finders.find(kind.stylesheet)
        ):
            errors.append(
                _error(
                    name,
                    f"names a stylesheet that is not a static file ({kind.stylesheet!r}).",
                    "E110",
                )
            )
        # The builder's key widget is optional too, but a template or script named must exist.
        if kind.builder_template is not None:
            try:
                get_template(kind.builder_template)
            except TemplateDoesNotExist:
                errors.append(
                    _error(
                        name,
                        f"names a builder template that does not exist ({kind.builder_template}).",
                        "E111",
                    )
                )
        if kind.builder_script is not None and not (
            isinstance(kind.builder_script, str)
            and kind.builder_script.endswith(".js")
            and finders.find(kind.builder_script)
        ):
            errors.append(
                _error(
                    name,
                    f"names a builder script that is not a static file ({kind.builder_script!r}).",
                    "E112",
                )
            )
        for part in QuestionKind.TEMPLATE_PARTS:
            try:
                get_template(kind.template(part))
            except TemplateDoesNotExist:
                errors.append(
                    _error(name, f"has no {part} template ({kind.template(part)}).", "E106")
                )
    return errors
