"""The whole-class feedback sheet of an assignment: per question, how the class did (the
levels reached and the kind's own analytics), the most common misconceptions, and two or
three anonymised exemplars to discuss. Printed for the class or projected.

Built on the class analytics (`analytics.AssignmentReport`) and, like it, in a fixed number
of queries whatever the size of the class. Only submitted work counts. No student's name is
loaded: exemplars are "Exemplar A, B, C".

Misconceptions come from two places:
- the comment bank: the bank comments of the class's teachers, for the question's rubric,
  whose words appear in this assignment's feedback or comments on words, most used first;
- the kinds that score themselves: the wrong answers given most often, told in words by the
  kind (`QuestionKind.answer_in_words`).

Exemplars are the answers the teacher chose to show the class (on the analytics page), or
else the best-marked answers of the kinds with words to show.
"""

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db.models import F, Q

from .analytics import AssignmentReport, answer_parts
from .models import AnchoredComment, Answer, CommentBankEntry, Grade, Submission

MISCONCEPTIONS_SHOWN = 3
EXEMPLARS_SHOWN = 3


@dataclass
class Misconception:
    text: str
    count: int
    source: str  # "bank" (a bank comment used) or "answer" (a common wrong answer)


@dataclass
class QuestionSheet:
    """One question of the sheet: the analytics report and what the sheet adds to it."""

    report: object  # analytics.QuestionReport
    misconceptions: list = field(default_factory=list)
    exemplars: list = field(default_factory=list)  # {"letter", "parts"}
    exemplars_chosen: bool = False  # picked by the teacher, not the best-marked

    @property
    def q(self):
        return self.report


class FeedbackSheet:
    """Everything the feedback sheet shows for one assignment."""

    def __init__(self, assignment, report, questions):
        self.assignment = assignment
        self.report = report
        self.questions = questions

    @property
    def kind_stylesheets(self):
        return self.report.kind_stylesheets

    @classmethod
    def build(cls, assignment):
        report = AssignmentReport.build(assignment)
        sheets = {q.question.pk: QuestionSheet(q) for q in report.questions}
        submitted = Answer.objects.filter(
            submission__assignment=assignment,
            submission__status=Submission.Status.SUBMITTED,
            submission__submitted_at__isnull=False,
        )
        cls._bank_misconceptions(assignment, submitted, sheets)
        cls._wrong_answers(submitted, sheets)
        cls._exemplars(submitted, sheets)
        return cls(assignment, report, list(sheets.values()))

    # Three queries: the bank comments for the assignment's rubrics, the feedback given,
    # the comments on words.
    @staticmethod
    def _bank_misconceptions(assignment, submitted, sheets):
        entries = (
            CommentBankEntry.objects.filter(
                owner__in=assignment.classroom.teachers.all(),
                criterion__rubric__questions__assignment=assignment,
            )
            .annotate(question_id=F("criterion__rubric__questions__pk"))
            .values("question_id", "text")
            .order_by("question_id", "code")
        )
        bank = defaultdict(list)
        for entry in entries:
            if entry["text"].strip() and entry["text"] not in bank[entry["question_id"]]:
                bank[entry["question_id"]].append(entry["text"])
        if not bank:
            return
        written = defaultdict(list)  # question -> [(answer, words)]
        feedback = Grade.objects.filter(answer__in=submitted).exclude(feedback="")
        for question_id, answer_id, words in feedback.values_list(
            "answer__question_id", "answer_id", "feedback"
        ):
            written[question_id].append((answer_id, words))
        comments = AnchoredComment.objects.filter(answer__in=submitted)
        for question_id, answer_id, words in comments.values_list(
            "answer__question_id", "answer_id", "comment"
        ):
            written[question_id].append((answer_id, words))
        for question_id, texts in bank.items():
            sheet = sheets.get(question_id)
            if sheet is None:
                continue
            used = Counter()
            for text in texts:
                # Each answer counts once, whether the comment was in its feedback or on words.
                used[text] = len(
                    {answer for answer, words in written[question_id] if text in words}
                )
            sheet.misconceptions.extend(
                Misconception(text, count, "bank")
                for text, count in used.most_common(MISCONCEPTIONS_SHOWN)
                if count
            )

    # One query: the scored answers that did not earn full marks.
    @staticmethod
    def _wrong_answers(submitted, sheets):
        wrong = submitted.filter(auto_score__isnull=False).filter(
            Q(auto_score__lt=F("question__points"))
        )
        counts = defaultdict(Counter)
        for question_id, response in wrong.values_list("question_id", "response"):
            sheet = sheets.get(question_id)
            if sheet is None:
                continue
            question = sheet.report.question
            words = question.rules.answer_in_words(response or {}, question.settings or {})
            if words:
                counts[question_id][words] += 1
        for question_id, counted in counts.items():
            sheets[question_id].misconceptions.extend(
                Misconception(words, count, "answer")
                for words, count in counted.most_common(MISCONCEPTIONS_SHOWN)
            )

    # One query, only when some question has no answers chosen by the teacher.
    @staticmethod
    def _exemplars(submitted, sheets):
        waiting = []
        for question_id, sheet in sheets.items():
            if sheet.report.featured:
                sheet.exemplars = [
                    {"letter": pick["letter"], "parts": pick["parts"]}
                    for pick in sheet.report.featured
                ]
                sheet.exemplars_chosen = True
            elif sheet.report.featurable:
                waiting.append(question_id)
        if not waiting:
            return
        best = (
            submitted.filter(question_id__in=waiting, grade__score__isnull=False)
            .order_by("question_id", F("grade__score").desc(), "pk")
            .values_list("question_id", "response")
        )
        for question_id, response in best:
            sheet = sheets[question_id]
            if len(sheet.exemplars) >= EXEMPLARS_SHOWN:
                continue
            sources = {str(source.pk): source for source in sheet.report.sources}
            sheet.exemplars.append(
                {
                    "letter": "ABC"[len(sheet.exemplars)],
                    "parts": answer_parts(sheet.report.question, response, sources),
                }
            )
