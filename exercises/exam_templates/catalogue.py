"""The exam-board templates (see the package's docstring).

Every level descriptor here is our own wording of what the level rewards. The mark bands
follow the boards' published structure (how many levels, the marks in each); the prompts
are the boards' usual question formulae with [brackets] for the teacher to fill in.
Each uses the kind that fits the exam's question: "how far do you agree with Interpretation
2" is an interpretation question (agreement, evidence cited, argument, marked by levels);
questions answered in words, even about an image, are written answers, and the note says
where another kind can go beside them.
"""

from . import Band, Board, Criterion, ExamTemplate

WRITTEN = "written"
OPVL = "opvl"
INTERPRETATION = "interpretation"
EXTENDED = {"length": "extended", "min_length": 0}
SHORT = {"length": "short", "min_length": 0}

EDEXCEL = Board(
    "edexcel-gcse",
    "Pearson Edexcel GCSE History",
    "https://qualifications.pearson.com/en/qualifications/edexcel-gcses/history-2016.html",
)
AQA = Board(
    "aqa-a-level",
    "AQA A-level History (7042)",
    "https://www.aqa.org.uk/subjects/history/as-and-a-level/history-7041-7042",
)
IB = Board(
    "ib-history",
    "IB Diploma History",
    "https://www.ibo.org/programmes/diploma-programme/curriculum/individuals-and-societies/history/",
)
AP = Board(
    "ap-history",
    "AP History (US, European, World)",
    "https://apcentral.collegeboard.org/courses/ap-united-states-history",
    also=(
        ("AP European History", "https://apcentral.collegeboard.org/courses/ap-european-history"),
        ("AP World History", "https://apcentral.collegeboard.org/courses/ap-world-history"),
    ),
)
HATS = Board(
    "reading-like-a-historian",
    "Reading Like a Historian: History Assessments of Thinking",
    "https://inquirygroup.org/history-assessments",
)

NOTHING = "Nothing that answers the question."


def none(name="No credit"):
    return Band(name, NOTHING, 0, 0)


# Pearson Edexcel GCSE History, Paper 3 (modern depth study), Section B -------------------

EDEXCEL_3A = ExamTemplate(
    slug="edexcel-gcse-p3-3a",
    board=EDEXCEL,
    title="Paper 3, 3(a): how useful are two sources for an enquiry",
    kind=WRITTEN,
    prompt=(
        "Study Sources B and C. How useful are Sources B and C for an enquiry into "
        "[the enquiry]? Explain your answer, using Sources B and C and your knowledge of the "
        "historical context."
    ),
    marks=8,
    minutes=12,
    settings=EXTENDED,
    criteria=(
        Criterion(
            "Utility for the enquiry",
            "Judges how far each source helps with this enquiry, from its content and its "
            "provenance, with knowledge of the period.",
            (
                none(),
                Band(
                    "Level 1",
                    "Says whether the sources are useful, mostly by describing what they show; "
                    "provenance, if mentioned, is treated as good or bad in itself.",
                    1,
                    2,
                ),
                Band(
                    "Level 2",
                    "Judges usefulness from what the sources say and who made them and why, "
                    "with some knowledge of the period; the judgement is partly supported.",
                    3,
                    5,
                ),
                Band(
                    "Level 3",
                    "Reaches a supported judgement on how useful each source is for this "
                    "particular enquiry, weighing content and provenance together and using "
                    "precise knowledge of the period to test what the sources say.",
                    6,
                    8,
                ),
            ),
        ),
    ),
    note="Choose Sources B and C as the question's sources, and name the enquiry.",
)

EDEXCEL_3B = ExamTemplate(
    slug="edexcel-gcse-p3-3b",
    board=EDEXCEL,
    title="Paper 3, 3(b): the main difference between two interpretations",
    kind=WRITTEN,
    prompt=(
        "Study Interpretations 1 and 2. They give different views about [the issue]. What is "
        "the main difference between these views? Explain your answer, using details of both "
        "interpretations."
    ),
    marks=4,
    minutes=6,
    settings=SHORT,
    criteria=(
        Criterion(
            "Analysis of the interpretations",
            "Finds the main way the two views differ and shows it from both.",
            (
                none(),
                Band(
                    "Level 1",
                    "Points to a difference, or to details that differ, without showing what "
                    "each interpretation argues overall.",
                    1,
                    2,
                ),
                Band(
                    "Level 2",
                    "Explains the main difference in what the two interpretations argue, "
                    "backed by details taken from each.",
                    3,
                    4,
                ),
            ),
        ),
    ),
    note=(
        "A written answer: the interpretation kind is for 3(d)'s “how far do you agree”. "
        "Put the two interpretations in the assignment's instructions or as its sources."
    ),
)

EDEXCEL_3C = ExamTemplate(
    slug="edexcel-gcse-p3-3c",
    board=EDEXCEL,
    title="Paper 3, 3(c): one reason why the interpretations differ",
    kind=WRITTEN,
    prompt=(
        "Suggest one reason why Interpretations 1 and 2 give different views about "
        "[the issue]. You may use Sources B and C to help explain your answer."
    ),
    marks=4,
    minutes=6,
    settings=SHORT,
    criteria=(
        Criterion(
            "Explaining the difference",
            "Gives a reason the views differ: the evidence each used, its emphasis, or the "
            "historian's approach.",
            (
                none(),
                Band(
                    "Level 1",
                    "Offers a reason that is general or asserted, with little from the "
                    "interpretations or sources to show it.",
                    1,
                    2,
                ),
                Band(
                    "Level 2",
                    "Explains one reason convincingly, e.g. that each draws on different "
                    "evidence (such as Sources B and C) or weighs it differently, shown with "
                    "detail.",
                    3,
                    4,
                ),
            ),
        ),
    ),
    note="A written answer: the interpretation kind is for 3(d)'s “how far do you agree”.",
)

EDEXCEL_3D = ExamTemplate(
    slug="edexcel-gcse-p3-3d",
    board=EDEXCEL,
    title="Paper 3, 3(d): how far do you agree with Interpretation 2",
    kind=INTERPRETATION,
    prompt=(
        "How far do you agree with Interpretation 2 about [the issue]? Explain your answer, "
        "using both interpretations and your knowledge of the historical context."
    ),
    marks=20,
    minutes=30,
    settings={"min_length": 0},
    criteria=(
        Criterion(
            "Evaluating the interpretation",
            "Tests the interpretation against the other and against knowledge of the "
            "period, and reaches a judgement on how far to agree.",
            (
                none(),
                Band(
                    "Level 1",
                    "Agrees or disagrees in general terms, with little detail from the "
                    "interpretations or the period.",
                    1,
                    4,
                ),
                Band(
                    "Level 2",
                    "Gives some reasons to agree or disagree, using details from the "
                    "interpretations and some knowledge; the judgement is weakly supported.",
                    5,
                    8,
                ),
                Band(
                    "Level 3",
                    "Weighs the interpretation against the other and against relevant "
                    "knowledge, explaining where it holds and where it does not; a "
                    "judgement is reached and partly sustained.",
                    9,
                    12,
                ),
                Band(
                    "Level 4",
                    "Sustains an argument about how far to agree, testing the "
                    "interpretation's main claims with precise knowledge and the other "
                    "interpretation, and justifies a clear overall judgement.",
                    13,
                    16,
                ),
            ),
        ),
        Criterion(
            "Spelling, punctuation and grammar, specialist terms",
            "Marked separately from the history, for the whole answer.",
            (
                Band("None", "No answer, or too little to judge.", 0, 0),
                Band(
                    "Threshold",
                    "Reasonably accurate, with errors that do not get in the way of the "
                    "meaning; few specialist terms.",
                    1,
                    1,
                ),
                Band(
                    "Intermediate",
                    "Mostly accurate and clearly controlled; a good range of specialist "
                    "terms used correctly.",
                    2,
                    3,
                ),
                Band(
                    "High",
                    "Consistently accurate and precisely controlled; a wide range of "
                    "specialist terms used correctly.",
                    4,
                    4,
                ),
            ),
        ),
    ),
    note=(
        "16 marks for the history and 4 for spelling, punctuation and grammar. An "
        "interpretation question: students place themselves on the agreement scale, tick "
        "the sources they use and write their argument. Choose Interpretation 2 (a source "
        "marked as a historian's interpretation) first, then Interpretation 1 and any "
        "sources to cite."
    ),
)

# AQA A-level History, Component 2 (depth study), Section A ------------------------------

AQA_SOURCES = ExamTemplate(
    slug="aqa-a-level-c2-sources",
    board=AQA,
    title="Component 2, Section A: the value of three sources",
    kind=WRITTEN,
    prompt=(
        "With reference to these sources and your understanding of the historical context, "
        "assess the value of these three sources to an historian studying [the issue]."
    ),
    marks=30,
    minutes=60,
    settings=EXTENDED,
    criteria=(
        Criterion(
            "Value of the sources",
            "Each source's provenance, tone and emphasis, and content, judged with "
            "knowledge of the context, for the historian's enquiry.",
            (
                none(),
                Band(
                    "Level 1",
                    "Comments on some of the sources, mostly describing them, with "
                    "generalised remarks about provenance or context.",
                    1,
                    6,
                ),
                Band(
                    "Level 2",
                    "Some comment on the value of at least two sources, with limited "
                    "knowledge of the context; provenance, tone or content addressed unevenly.",
                    7,
                    12,
                ),
                Band(
                    "Level 3",
                    "Judges the value of all three sources with some balance, drawing on "
                    "provenance, tone and content and on relevant context, though unevenly.",
                    13,
                    18,
                ),
                Band(
                    "Level 4",
                    "A good, well-supported assessment of all three sources' value, using "
                    "provenance, tone and content together and accurate context.",
                    19,
                    24,
                ),
                Band(
                    "Level 5",
                    "A precise, well-substantiated judgement of each source's value for the "
                    "enquiry, integrating provenance, tone, content and context throughout.",
                    25,
                    30,
                ),
            ),
        ),
    ),
    note="Choose the three sources as the question's sources. Each is judged on its own; "
    "no comparison between them is needed.",
)

# IB Diploma History, Paper 1 (source-based, prescribed subject) --------------------------

IB_1A = ExamTemplate(
    slug="ib-paper1-q1a",
    board=IB,
    title="Paper 1, Q1(a): what a source says",
    kind=WRITTEN,
    prompt="According to Source A, [what ...]?",
    marks=3,
    minutes=5,
    settings=SHORT,
    criteria=(
        Criterion(
            "Relevant points from the source",
            "One mark for each relevant point taken from the source.",
            (
                Band("No point", NOTHING, 0, 0),
                Band("One point", "One relevant point from the source.", 1, 1),
                Band("Two points", "Two relevant points from the source.", 2, 2),
                Band("Three points", "Three relevant points from the source.", 3, 3),
            ),
        ),
    ),
)

IB_1B = ExamTemplate(
    slug="ib-paper1-q1b",
    board=IB,
    title="Paper 1, Q1(b): the message of a visual source",
    kind=WRITTEN,
    prompt="What is the message of Source B?",
    marks=2,
    minutes=5,
    settings=SHORT,
    criteria=(
        Criterion(
            "Reading the message",
            "One mark for each valid point about what the image (cartoon, poster, "
            "photograph) is saying.",
            (
                Band("No point", NOTHING, 0, 0),
                Band("One point", "One valid point about the source's message.", 1, 1),
                Band("Two points", "Two valid points about the source's message.", 2, 2),
            ),
        ),
    ),
    note=(
        "A message is put in words, so a written answer, marked by its points. Choose the "
        "visual source as the question's source; to have students point to the details "
        "that carry the message, add an image regions question on the same source."
    ),
)

IB_2 = ExamTemplate(
    slug="ib-paper1-q2",
    board=IB,
    title="Paper 1, Q2: value and limitations (origin, purpose, content)",
    kind=OPVL,
    prompt=(
        "With reference to its origin, purpose and content, analyse the value and "
        "limitations of Source C for an historian studying [the issue]."
    ),
    marks=4,
    minutes=10,
    settings={"enquiry": "[the issue]"},
    criteria=(
        Criterion(
            "Value and limitations",
            "One holistic mark: value and limitations, each drawn from the source's origin, "
            "purpose and content.",
            (
                none(),
                Band(
                    "Value or limitations only",
                    "Refers to origin, purpose or content but assesses only the value, or "
                    "only the limitations, or both in general terms. An answer with value "
                    "alone or limitations alone stays in this band (at most 2).",
                    1,
                    2,
                ),
                Band(
                    "Value and limitations",
                    "Assesses both value and limitations, each drawn explicitly from the "
                    "origin, purpose and content, for the historian's question.",
                    3,
                    4,
                ),
            ),
        ),
    ),
    note=(
        "The OPVL kind asks for origin, purpose, value and limitation in four boxes; mark "
        "the answer as a whole, as one holistic mark out of 4. Choose Source C as its source "
        "and write the issue in the enquiry."
    ),
)

IB_3 = ExamTemplate(
    slug="ib-paper1-q3",
    board=IB,
    title="Paper 1, Q3: compare and contrast two sources",
    kind=WRITTEN,
    prompt="Compare and contrast what Sources A and D reveal about [the issue].",
    marks=6,
    minutes=12,
    settings=EXTENDED,
    criteria=(
        Criterion(
            "Comparison and contrast",
            "Points of likeness and of difference, linking the two sources.",
            (
                none(),
                Band(
                    "Description",
                    "Describes what the sources say, or comments on them in general, "
                    "rather than comparing them.",
                    1,
                    2,
                ),
                Band(
                    "Separate treatment",
                    "Discusses both sources with valid points of likeness or of difference, "
                    "though often one source after the other and sometimes unclearly.",
                    3,
                    4,
                ),
                Band(
                    "Linked comparison",
                    "Links the two sources throughout, with clear and valid points of both "
                    "likeness and difference.",
                    5,
                    6,
                ),
            ),
        ),
    ),
    note="Choose Sources A and D as the question's sources.",
)

IB_4 = ExamTemplate(
    slug="ib-paper1-q4",
    board=IB,
    title="Paper 1, Q4: sources and own knowledge",
    kind=WRITTEN,
    prompt="Using the sources and your own knowledge, [evaluate / examine ...].",
    marks=9,
    minutes=25,
    settings=EXTENDED,
    criteria=(
        Criterion(
            "Argument from sources and knowledge",
            "Uses the sources and accurate own knowledge together to answer the question.",
            (
                none(),
                Band(
                    "Limited",
                    "Little focus on the question; sources or own knowledge are used, but "
                    "mostly described, and seldom both.",
                    1,
                    3,
                ),
                Band(
                    "Developed",
                    "Generally focused; uses sources and some accurate own knowledge, though "
                    "they are not always brought together, and the analysis is uneven.",
                    4,
                    6,
                ),
                Band(
                    "Integrated",
                    "Clearly focused; sources used as evidence and woven together with "
                    "accurate, relevant own knowledge into a well-developed analysis.",
                    7,
                    9,
                ),
            ),
        ),
    ),
    note="Choose all the paper's sources as the question's sources.",
)

# AP History (United States, European, World): the document-based question ----------------

AP_DBQ = ExamTemplate(
    slug="ap-history-dbq",
    board=AP,
    title="Document-based question (DBQ), 7-point rubric",
    kind=WRITTEN,
    prompt=(
        "Evaluate the extent to which [the development] [changed / continued] in the period "
        "[dates]. In your response, develop an argument that responds to the question, "
        "supported by evidence from the documents and beyond them."
    ),
    marks=7,
    minutes=60,
    settings=EXTENDED,
    criteria=(
        Criterion(
            "Thesis or claim",
            "A claim that answers the question and sets out a line of reasoning.",
            (
                Band("Not awarded", "No claim, or one that only restates the prompt.", 0, 0),
                Band(
                    "Awarded",
                    "A defensible claim that answers the question with a line of reasoning.",
                    1,
                    1,
                ),
            ),
        ),
        Criterion(
            "Contextualization",
            "The wider picture around the question, before, during or after the period.",
            (
                Band("Not awarded", "No context, or a passing mention.", 0, 0),
                Band(
                    "Awarded",
                    "Explains the broader developments that bear on the question.",
                    1,
                    1,
                ),
            ),
        ),
        Criterion(
            "Evidence from the documents",
            "The documents' content, used as evidence.",
            (
                Band("Not awarded", "The documents are barely used.", 0, 0),
                Band(
                    "Describes",
                    "Accurately describes the content of at least three documents, on the "
                    "topic of the question.",
                    1,
                    1,
                ),
                Band(
                    "Supports the argument",
                    "Uses the content of at least four documents to support the argument.",
                    2,
                    2,
                ),
            ),
        ),
        Criterion(
            "Evidence beyond the documents",
            "A specific piece of historical evidence not found in the documents.",
            (
                Band("Not awarded", "None, or only a name-drop.", 0, 0),
                Band(
                    "Awarded",
                    "Uses at least one additional, relevant piece of evidence to support the "
                    "argument.",
                    1,
                    1,
                ),
            ),
        ),
        Criterion(
            "Analysis and reasoning: sourcing",
            "Point of view, purpose, historical situation or audience of the documents.",
            (
                Band("Not awarded", "Documents are used for content only.", 0, 0),
                Band(
                    "Awarded",
                    "For at least two documents, explains how or why the point of view, "
                    "purpose, situation or audience matters to the argument.",
                    1,
                    1,
                ),
            ),
        ),
        Criterion(
            "Analysis and reasoning: complexity",
            "A complex understanding of the development in question.",
            (
                Band("Not awarded", "A one-sided or simple argument.", 0, 0),
                Band(
                    "Awarded",
                    "Shows a complex understanding throughout, e.g. weighing several "
                    "causes, change and continuity, or corroborating and qualifying the "
                    "evidence.",
                    1,
                    1,
                ),
            ),
        ),
    ),
    note=(
        "Evidence is worth 3 points (2 from the documents, 1 beyond them) and analysis and "
        "reasoning 2 (sourcing, complexity). The same rubric serves AP US, European and "
        "World History: see each course's page on AP Central. The 60 minutes include the "
        "reading period. Choose the documents as the question's sources."
    ),
)

# Stanford History Education Group: History Assessments of Thinking ----------------------

BASIC = "Basic"
EMERGENT = "Emergent"
PROFICIENT = "Proficient"

HAT_SOURCING = ExamTemplate(
    slug="hat-sourcing",
    board=HATS,
    title="Short sourcing task",
    kind=WRITTEN,
    prompt=(
        "Read the source information of the document. Explain how who made it, when and why "
        "makes it more or less trustworthy as evidence of [the event]. Write two or three "
        "sentences."
    ),
    marks=2,
    minutes=10,
    settings=SHORT,
    criteria=(
        Criterion(
            "Sourcing",
            "Uses the document's author, date and purpose to judge it as evidence.",
            (
                Band(
                    BASIC,
                    "Judges the document by what it says, or names the author or date without "
                    "saying why it matters.",
                    0,
                    0,
                ),
                Band(
                    EMERGENT,
                    "Notices the author's position, the date or the purpose, but explains "
                    "only partly how it affects trust in the document.",
                    1,
                    1,
                ),
                Band(
                    PROFICIENT,
                    "Explains how the author's position, the date or the purpose makes the "
                    "document more or less trustworthy for this event.",
                    2,
                    2,
                ),
            ),
        ),
    ),
    note="Choose the document as the question's source. Marked 0-2: basic, emergent, proficient.",
)

HAT_CORROBORATION = ExamTemplate(
    slug="hat-corroboration",
    board=HATS,
    title="Short corroboration task",
    kind=WRITTEN,
    prompt=(
        "Does Document B support or challenge the account in Document A of [the event]? "
        "Explain, using details from both documents, and say which you would trust more on "
        "this point and why."
    ),
    marks=2,
    minutes=10,
    settings=SHORT,
    criteria=(
        Criterion(
            "Corroboration",
            "Compares the documents' accounts and weighs them against each other.",
            (
                Band(
                    BASIC,
                    "Summarises one or both documents without comparing them, or compares "
                    "them wrongly.",
                    0,
                    0,
                ),
                Band(
                    EMERGENT,
                    "Says whether they agree or disagree, with some detail, but does not "
                    "weigh which to trust.",
                    1,
                    1,
                ),
                Band(
                    PROFICIENT,
                    "Shows where they agree or disagree, with details from both, and explains "
                    "which is more trustworthy on this point.",
                    2,
                    2,
                ),
            ),
        ),
    ),
    note="Choose the two documents as the question's sources. Marked 0-2: basic, emergent, "
    "proficient.",
)

TEMPLATES = (
    EDEXCEL_3A,
    EDEXCEL_3B,
    EDEXCEL_3C,
    EDEXCEL_3D,
    AQA_SOURCES,
    IB_1A,
    IB_1B,
    IB_2,
    IB_3,
    IB_4,
    AP_DBQ,
    HAT_SOURCING,
    HAT_CORROBORATION,
)
