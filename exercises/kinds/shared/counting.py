"""What the analytics frame hands a kind to build its panel from, and a JSON path for counts.

`analytics.AssignmentReport.build` counts a class's answers in a fixed number of queries
whatever the kinds on the assignment: one grouped query by the response keys that kinds name
in `analytics_grouped`, one query of the conditional counts kinds ask for in
`analytics_counts`, and one query of the whole responses of kinds with
`analytics_fetches_answers`. Each kind then reads its share into a `Counted`.
"""

import json
from dataclasses import dataclass, field

from django.db.models import CharField, Func


@dataclass
class Counted:
    """A question's share of the class's submitted answers, as counted by the frame."""

    slug: str  # the question's slug, to name the panel's charts
    answers: int  # how many submitted answers were saved for the question
    rows: list = field(default_factory=list)  # the grouped rows: response__<key> and n
    totals: dict = field(default_factory=dict)  # the conditional counts, by the kind's names
    responses: list = field(default_factory=list)  # every response, if the kind fetches them


class JSONText(Func):
    """The text at a path of object keys in a JSON field.

    Django's key lookups read a key of digits as a list index, and answers keyed
    by source id ("12") would be misread, so the path is quoted here instead.
    """

    output_field = CharField()

    def __init__(self, expression, *keys, **extra):
        self.keys = tuple(str(key) for key in keys)
        super().__init__(expression, **extra)

    def as_sql(self, compiler, connection, **extra_context):
        sql, params = compiler.compile(self.get_source_expressions()[0])
        path = "$" + "".join("." + json.dumps(key) for key in self.keys)
        return f"JSON_EXTRACT({sql}, %s)", (*params, path)

    def as_postgresql(self, compiler, connection, **extra_context):
        sql, params = compiler.compile(self.get_source_expressions()[0])
        return f"({sql} #>> %s)", (*params, list(self.keys))
