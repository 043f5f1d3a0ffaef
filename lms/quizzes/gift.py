"""Read and write Moodle's GIFT question format (https://docs.moodle.org/en/GIFT_format).

A GIFT file is a list of questions separated by blank lines::

    // a comment line
    $CATEGORY: geography/europe

    ::Capital::What is the capital of France? {=Paris ~Lyon ~Nice #Close, but no.}

`parse_gift` turns a file into a `GiftBank` of frozen `GiftQuestion` objects or raises
`GiftError` listing every problem with its line; it never returns part of a file.
`write_gift` turns questions back into GIFT text that parses to the same questions.

The rules follow Moodle's importer (question/format/gift/format.php) so that a file means
the same thing here and in Moodle. Slips that Moodle would import silently and wrongly,
such as a second answer block or an unescaped "#" inside feedback, are reported instead.
"""

import codecs
import math
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal

from flask_babel import force_locale, gettext
from flask_babel.speaklater import LazyString
from markupsafe import Markup, escape

__all__ = [
    "BLANK",
    "DEFAULT_FORMAT",
    "FORMATS",
    "QTYPES",
    "GiftAnswer",
    "GiftBank",
    "GiftError",
    "GiftMatch",
    "GiftProblem",
    "GiftQuestion",
    "parse_gift",
    "write_gift",
]

QTYPES = (
    "single_choice",
    "multiple_choice",
    "true_false",
    "short_answer",
    "numerical",
    "matching",
    "essay",
    "description",
)
FORMATS = ("moodle", "html", "plain", "markdown")
# Moodle reads text without a [format] marker as "moodle" (auto-format).
DEFAULT_FORMAT = "moodle"
# What Moodle puts where the answers of a missing-word question were.
BLANK = "_____"

_MIN_MATCHING_PAIRS = 3
_CATEGORY_PREFIX = "$CATEGORY:"
# PHP's trim() set: Moodle strips exactly these, so a non-breaking space stays text.
_WS = " \t\n\r\x0b\x00"
_TRUE_FALSE_WORDS = {"T": True, "TRUE": True, "F": False, "FALSE": False}
_FORMAT_RE = re.compile(r"\[(moodle|html|plain|markdown)\]")
_WEIGHT_RE = re.compile(r"[ \t\n\r\x0b\x00]*%([^%\s]*)%")
_NUMBER_RE = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")


class _Message(LazyString):
    """A problem's text, translated into the reader's language each time it is shown.

    Flask-Babel's own lazy strings count as safe HTML in a template; this one is escaped like
    any other text, because it quotes the trainer's file.
    """

    def __html__(self) -> Markup:
        return escape(str(self))


def _l(message: str, **variables) -> _Message:
    """Mark a problem message for translation: lazy_gettext, escaped in pages."""
    return _Message(gettext, message, **variables)


# ---------------------------------------------------------------------------------------------
# Data model
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class GiftProblem:
    """One thing wrong with a GIFT file, at a 1-based line number.

    The parser's messages are lazy: a page shows them in the reader's language.
    """

    line: int
    message: str | LazyString

    def __str__(self) -> str:
        """The problem in English, for logs and the command line: "line 4: ..."."""
        with force_locale("en"):
            return f"line {self.line}: {self.message}"


class GiftError(ValueError):
    """A GIFT file could not be read; `problems` lists everything found, by line."""

    def __init__(self, problems: Iterable[GiftProblem]) -> None:
        self.problems: list[GiftProblem] = sorted(problems, key=lambda problem: problem.line)
        noun = "problem" if len(self.problems) == 1 else "problems"
        details = "\n".join(str(problem) for problem in self.problems)
        super().__init__(f"{len(self.problems)} {noun} in GIFT file:\n{details}")


@dataclass(frozen=True)
class GiftAnswer:
    """One answer of a choice, short-answer or numerical question.

    `fraction` is the GIFT weight divided by 100 (1.0 for "=", 0.0 for a plain "~").
    Numerical answers leave `text` empty and carry either `value` and `tolerance`
    ("3.14:0.01") or `minimum` and `maximum` ("1..5").
    """

    text: str = ""
    fraction: float = 0.0
    feedback: str = ""
    text_format: str = DEFAULT_FORMAT
    feedback_format: str = DEFAULT_FORMAT
    value: float | None = None
    tolerance: float | None = None
    minimum: float | None = None
    maximum: float | None = None

    @property
    def is_numeric(self) -> bool:
        """Whether this is a numerical answer (a value or a range) rather than text."""
        return self.value is not None or self.minimum is not None

    def accepted_range(self) -> tuple[float, float]:
        """Return the lowest and highest number this numerical answer accepts."""
        if self.minimum is not None and self.maximum is not None:
            return self.minimum, self.maximum
        if self.value is None:
            raise ValueError("not a numerical answer")
        tolerance = self.tolerance or 0.0
        return self.value - tolerance, self.value + tolerance


@dataclass(frozen=True)
class GiftMatch:
    """One pair of a matching question: `left` is shown, `right` must be picked for it."""

    left: str
    right: str


@dataclass(frozen=True)
class GiftQuestion:
    """One GIFT question; `line` is where it starts in the file and is ignored by ==.

    Missing-word questions keep the text around the answers with `BLANK` in between and
    record where the blank is in `blank_at`. True/false questions use `correct` and the two
    feedbacks instead of `answers`; matching questions use `matches`.
    """

    qtype: str
    title: str = ""
    text: str = ""
    text_format: str = DEFAULT_FORMAT
    category: str | None = None
    answers: tuple[GiftAnswer, ...] = ()
    general_feedback: str = ""
    general_feedback_format: str = DEFAULT_FORMAT
    matches: tuple[GiftMatch, ...] = ()
    correct: bool | None = None
    wrong_feedback: str = ""
    wrong_feedback_format: str = DEFAULT_FORMAT
    right_feedback: str = ""
    right_feedback_format: str = DEFAULT_FORMAT
    blank_at: int | None = None
    line: int = field(default=0, compare=False)

    def __post_init__(self) -> None:
        """Check the question type and store answers and matches as tuples."""
        if self.qtype not in QTYPES:
            raise ValueError(f"unknown question type {self.qtype!r}; expected one of {QTYPES}")
        # Tuples keep a frozen question truly unchangeable even if lists were passed in.
        object.__setattr__(self, "answers", tuple(self.answers))
        object.__setattr__(self, "matches", tuple(self.matches))

    @property
    def is_missing_word(self) -> bool:
        """Whether the answers sit inside the sentence (Moodle's missing-word format)."""
        return self.blank_at is not None

    @property
    def text_before(self) -> str:
        """The question text before the blank (all of it if there is no blank)."""
        return self.text if self.blank_at is None else self.text[: self.blank_at]

    @property
    def text_after(self) -> str:
        """The question text after the blank ("" if there is no blank)."""
        return "" if self.blank_at is None else self.text[self.blank_at + len(BLANK) :]


@dataclass(frozen=True)
class GiftBank:
    """All questions of a GIFT file, in file order."""

    questions: list[GiftQuestion]

    @property
    def categories(self) -> list[str]:
        """Distinct categories in the order they first appear."""
        seen: dict[str, None] = {}
        for question in self.questions:
            if question.category is not None:
                seen.setdefault(question.category)
        return list(seen)

    def __len__(self) -> int:
        """Number of questions."""
        return len(self.questions)

    def __iter__(self) -> Iterator[GiftQuestion]:
        """Iterate over the questions in file order."""
        return iter(self.questions)


# ---------------------------------------------------------------------------------------------
# Tokenizer: escapes and blocks
# ---------------------------------------------------------------------------------------------

# Escaped characters are swapped for Unicode noncharacters (reserved for internal use), so
# that every "{", "~", "#"... left in the text is syntax and plain str.find/split can be used.
_ESCAPABLE = "~=#{}:\\n"
_SENTINELS = {char: chr(0xFDD0 + index) for index, char in enumerate(_ESCAPABLE)}
_RESTORE = str.maketrans(
    {sentinel: ("\n" if char == "n" else char) for char, sentinel in _SENTINELS.items()}
)
_ESCAPE_RE = re.compile(r"\\([~=#{}:\\n])")
_RESERVED_RE = re.compile("[\ufdd0-\ufdef]")


def _protect(line: str) -> str:
    """Replace backslash escapes by sentinels; unknown escapes such as \\frac stay as typed."""
    return _ESCAPE_RE.sub(lambda match: _SENTINELS[match.group(1)], line)


def _restore(text: str) -> str:
    """Turn sentinels back into the characters they stand for."""
    return text.translate(_RESTORE)


@dataclass(frozen=True)
class _Block:
    """The protected text of one question plus the file line of each of its lines."""

    text: str
    lines: list[int]

    def line_at(self, position: int) -> int:
        """Return the file line of a position in `text`."""
        return self.lines[self.text.count("\n", 0, position)]


@dataclass(frozen=True)
class _CategoryLine:
    """A `$CATEGORY: path` directive."""

    line: int
    path: str


def _decode(data: bytes | str) -> str:
    """Return the file as text with "\\n" line ends, or raise GiftError for bad UTF-8."""
    if isinstance(data, bytes | bytearray | memoryview):
        raw = bytes(data).removeprefix(codecs.BOM_UTF8)
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as error:
            before = raw[: error.start].replace(b"\r\n", b"\n").replace(b"\r", b"\n")
            message = _l(
                "the file is not valid UTF-8 (byte %(byte)s); save it as UTF-8 and import it again",
                byte=f"0x{raw[error.start]:02X}",
            )
            raise GiftError([GiftProblem(before.count(b"\n") + 1, message)]) from None
    elif isinstance(data, str):
        text = data.removeprefix("\ufeff")
    else:
        raise TypeError(f"parse_gift() needs bytes or str, not {type(data).__name__}")
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _split_blocks(source: str, problems: list[GiftProblem]) -> Iterator[_Block | _CategoryLine]:
    """Cut the file at blank lines into question blocks, skipping // comments.

    A `$CATEGORY:` line also ends a block, so a category written right above a question
    (without Moodle's blank line) still applies to it instead of swallowing it.
    """
    lines: list[str] = []
    numbers: list[int] = []
    for number, raw in enumerate(source.split("\n"), start=1):
        # Moodle trims every line, so indentation of continued lines is not part of the text.
        line = raw.strip(_WS)
        if not line or line.startswith(_CATEGORY_PREFIX):
            if lines:
                yield _Block("\n".join(lines), numbers)
                lines, numbers = [], []
            if line:
                yield _CategoryLine(number, line[len(_CATEGORY_PREFIX) :].strip(_WS))
            continue
        if line.startswith("//"):
            continue
        if _RESERVED_RE.search(line):
            problems.append(
                GiftProblem(number, _l("the line contains a reserved character U+FDDx"))
            )
        lines.append(_protect(line))
        numbers.append(number)
    if lines:
        yield _Block("\n".join(lines), numbers)


# ---------------------------------------------------------------------------------------------
# Parser helpers shared by the question types
# ---------------------------------------------------------------------------------------------


@dataclass
class _Context:
    """What the question-type readers need: where to report, and the question's format."""

    block: _Block
    problems: list[GiftProblem]
    brace: int = 0
    text_format: str = DEFAULT_FORMAT
    first_problem: int = 0

    def report(self, position: int, message: _Message) -> None:
        """Record a problem at the line of `position` in the block."""
        self.problems.append(GiftProblem(self.block.line_at(position), message))

    @property
    def failed(self) -> bool:
        """Whether this question has produced any problem so far."""
        return len(self.problems) > self.first_problem


@dataclass(frozen=True)
class _Piece:
    """One answer of an answer block: its marker ("=", "~" or "" before any), body, position."""

    marker: str
    body: str
    position: int


def _split_answers(inner: str, offset: int, markers: str) -> list[_Piece]:
    """Split an answer block at every unescaped marker character ("=" and/or "~")."""
    pieces = []
    marker, start, position = "", 0, offset
    for index, char in enumerate(inner):
        if char in markers:
            pieces.append(_Piece(marker, inner[start:index], position))
            marker, start, position = char, index + 1, offset + index
    pieces.append(_Piece(marker, inner[start:], position))
    first = pieces[0]
    if first.body.strip(_WS):
        # Point at the text itself rather than at the "{" in front of it.
        skipped = len(first.body) - len(first.body.lstrip(_WS))
        pieces[0] = _Piece("", first.body, first.position + skipped)
    else:
        pieces.pop(0)
    return pieces


def _is_number(text: str) -> bool:
    """Whether `text` is a plain decimal number (no nan, inf or thousands separators) that
    a float holds: 1e999 is written like a number but reads as infinity."""
    return _NUMBER_RE.fullmatch(text) is not None and math.isfinite(float(text))


def _take_weight(ctx: _Context, piece: _Piece) -> tuple[float | None, str]:
    """Read an optional "%50%" weight at the start of an answer; return fraction and rest."""
    match = _WEIGHT_RE.match(piece.body)
    if match is None:
        return None, piece.body
    raw, rest = match.group(1), piece.body[match.end() :]
    if not _is_number(raw):
        ctx.report(
            piece.position,
            _l("answer weight %%%(weight)s%% is not a number", weight=_restore(raw)),
        )
        return None, rest
    weight = Decimal(raw)
    if not -100 <= weight <= 100:
        ctx.report(
            piece.position,
            _l("answer weight %(weight)s%% is outside -100%%..100%%", weight=raw),
        )
    # Decimal keeps %33.33333% exactly 0.3333333, so writing it back gives the same float.
    return float(weight / 100), rest


def _formatted(raw: str, default: str) -> tuple[str, str]:
    """Split an optional leading [format] marker off protected text; return text and format."""
    raw = raw.strip(_WS)
    text_format = default
    match = _FORMAT_RE.match(raw)
    if match:
        text_format, raw = match.group(1), raw[match.end() :]
    text = _restore(raw).strip(_WS)
    # An empty text has no format worth keeping; this keeps write/parse round trips exact.
    return text, (text_format if text else default)


def _split_feedback(ctx: _Context, piece: _Piece, body: str) -> tuple[str, str]:
    """Split "answer#feedback"; a second unescaped "#" is almost always a forgotten escape."""
    text, _, feedback = body.partition("#")
    if "#" in feedback:
        ctx.report(piece.position, _l("unescaped '#' inside feedback; write \\# for a literal #"))
    return text, feedback


def _read_answer(ctx: _Context, piece: _Piece, body: str, fraction: float) -> GiftAnswer:
    """Build a text answer from "text#feedback", each part with an optional [format]."""
    text_part, feedback_part = _split_feedback(ctx, piece, body)
    text, text_format = _formatted(text_part, ctx.text_format)
    if not text:
        ctx.report(piece.position, _l("an answer has no text"))
    feedback, feedback_format = _formatted(feedback_part, ctx.text_format)
    return GiftAnswer(
        text=text,
        fraction=fraction,
        feedback=feedback,
        text_format=text_format,
        feedback_format=feedback_format,
    )


# ---------------------------------------------------------------------------------------------
# One reader per question type; each returns the type-specific GiftQuestion fields
# ---------------------------------------------------------------------------------------------


def _classify(inner: str) -> str:
    """Tell the question type from its answer block, in the order Moodle's importer checks."""
    body = inner.strip(_WS)
    if not body:
        return "essay"
    if body.startswith("#"):
        return "numerical"
    if "~" in body:
        return "choice"
    if "=" in body and "->" in body:
        return "matching"
    if body.split("#", 1)[0].strip(_WS) in _TRUE_FALSE_WORDS:
        return "true_false"
    return "short_answer"


def _parse_essay(ctx: _Context, inner: str, offset: int) -> dict:
    """An empty answer block "{}" asks for a free-text essay."""
    return {"qtype": "essay"}


def _parse_choice(ctx: _Context, inner: str, offset: int) -> dict:
    """Read "{=right ~wrong}" (single choice) or "{~%50%a ~%50%b ~%-100%c}" (multiple)."""
    pieces = _split_answers(inner, offset, "~=")
    single = any(piece.marker == "=" for piece in pieces)
    qtype = "single_choice" if single else "multiple_choice"
    answers = []
    for piece in pieces:
        if not piece.marker:
            ctx.report(
                piece.position, _l("text before the first answer: start answers with = or ~")
            )
            continue
        fraction, body = _take_weight(ctx, piece)
        if piece.marker == "=":
            if fraction is not None and fraction != 1:
                ctx.report(
                    piece.position,
                    _l("'=' already marks a right answer; write partial credit as ~%50%answer"),
                )
            fraction = 1.0
        answers.append(_read_answer(ctx, piece, body, fraction or 0.0))
    if ctx.failed:
        return {"qtype": qtype}
    if len(answers) < 2:
        ctx.report(ctx.brace, _l("a choice question needs at least two answers"))
    elif not single:
        _check_multiple_choice_weights(ctx, answers)
    return {"qtype": qtype, "answers": tuple(answers)}


def _check_multiple_choice_weights(ctx: _Context, answers: list[GiftAnswer]) -> None:
    """Moodle refuses a multiple-answer question whose positive weights are not 100% in all."""
    total = sum(answer.fraction for answer in answers if answer.fraction > 0) * 100
    if total == 0:
        ctx.report(
            ctx.brace,
            _l("the question has no right answer: mark one with = or give weights like ~%50%"),
        )
    # Moodle rounds the sum to whole percents, so 3 x %33.33333% is fine and 3 x %33% is not.
    elif abs(total - 100) >= 0.5:
        ctx.report(
            ctx.brace,
            _l(
                "the positive weights add up to %(total)s%%, they must make 100%%",
                total=f"{total:g}",
            ),
        )


def _parse_short_answer(ctx: _Context, inner: str, offset: int) -> dict:
    """Read "{=answer =%50%close answer}"; "*" wildcards are kept as typed."""
    answers = []
    for piece in _split_answers(inner, offset, "="):
        fraction, body = _take_weight(ctx, piece)
        if fraction is None:
            fraction = 1.0
        elif fraction < 0:
            ctx.report(piece.position, _l("short-answer weights must be between 0% and 100%"))
        answers.append(_read_answer(ctx, piece, body, fraction))
    if not ctx.failed and not any(answer.fraction == 1 for answer in answers):
        ctx.report(ctx.brace, _l("no answer gives full credit; write one without a weight"))
    return {"qtype": "short_answer", "answers": tuple(answers)}


def _parse_numerical(ctx: _Context, inner: str, offset: int) -> dict:
    """Read "{#3.14:0.01}", "{#1..5}" or "{# =1822:0 #exact =%50%1822:2 #close}"."""
    skipped = len(inner) - len(inner.lstrip(_WS)) + 1  # whitespace and the leading "#"
    body, body_offset = inner[skipped:], offset + skipped
    tilde = body.find("~")
    if tilde >= 0:
        ctx.report(body_offset + tilde, _l("'~' is not allowed in a numerical question"))
        return {"qtype": "numerical"}
    answers = []
    for piece in _split_answers(body, body_offset, "="):
        fraction, rest = _take_weight(ctx, piece)
        if fraction is None:
            fraction = 1.0
        elif fraction < 0:
            ctx.report(piece.position, _l("numerical weights must be between 0% and 100%"))
        spec, feedback_part = _split_feedback(ctx, piece, rest)
        numbers = _read_number_spec(spec.strip(_WS))
        if isinstance(numbers, _Message):
            ctx.report(piece.position, numbers)
            continue
        feedback, feedback_format = _formatted(feedback_part, ctx.text_format)
        answers.append(
            GiftAnswer(
                fraction=fraction, feedback=feedback, feedback_format=feedback_format, **numbers
            )
        )
    if not ctx.failed:
        if not answers:
            ctx.report(ctx.brace, _l("a numerical question needs at least one number after '#'"))
        elif not any(answer.fraction == 1 for answer in answers):
            ctx.report(ctx.brace, _l("no answer gives full credit; write one without a weight"))
    return {"qtype": "numerical", "answers": tuple(answers)}


def _read_number_spec(spec: str) -> dict[str, float] | _Message:
    """Read "value", "value:tolerance" or "min..max"; return the fields or an error message."""
    shown = _restore(spec)
    dots = spec.find("..", 1)  # like Moodle, a leading ".." is no range
    if dots > 0:
        low, high = spec[:dots].strip(_WS), spec[dots + 2 :].strip(_WS)
        if not (_is_number(low) and _is_number(high)):
            return _l("numerical range '%(range)s' needs two numbers, like 1..5", range=shown)
        if float(low) > float(high):
            return _l("numerical range '%(range)s' starts above its end", range=shown)
        return {"minimum": float(low), "maximum": float(high)}
    value, colon, tolerance = (part.strip(_WS) for part in spec.partition(":"))
    if not value:
        return _l("a numerical answer needs a number")
    if not _is_number(value):
        return _l("numerical answer '%(answer)s' is not a number", answer=_restore(value))
    if colon and not _is_number(tolerance):
        return _l(
            "tolerance '%(tolerance)s' of numerical answer '%(answer)s' is not a number",
            tolerance=_restore(tolerance),
            answer=shown,
        )
    if colon and float(tolerance) < 0:
        return _l("tolerance of numerical answer '%(answer)s' must not be negative", answer=shown)
    return {"value": float(value), "tolerance": float(tolerance) if colon else 0.0}


def _parse_matching(ctx: _Context, inner: str, offset: int) -> dict:
    """Read "{=question -> answer ...}": at least three pairs, no feedback or weights."""
    matches = []
    for piece in _split_answers(inner, offset, "="):
        if not piece.marker:
            ctx.report(piece.position, _l("text before the first pair: start every pair with ="))
            continue
        left, arrow, right = piece.body.partition("->")
        if not arrow:
            ctx.report(piece.position, _l("matching pair has no '->'; write =question -> answer"))
            continue
        if "#" in piece.body:
            ctx.report(piece.position, _l("matching pairs cannot have feedback (#)"))
            continue
        pair = GiftMatch(_restore(left).strip(_WS), _restore(right).strip(_WS))
        if not pair.left or not pair.right:
            ctx.report(piece.position, _l("both sides of a matching pair need text"))
        matches.append(pair)
    if not ctx.failed and len(matches) < _MIN_MATCHING_PAIRS:
        ctx.report(
            ctx.brace,
            _l(
                "a matching question needs at least %(needed)d pairs, found %(found)d",
                needed=_MIN_MATCHING_PAIRS,
                found=len(matches),
            ),
        )
    return {"qtype": "matching", "matches": tuple(matches)}


def _parse_true_false(ctx: _Context, inner: str, offset: int) -> dict:
    """Read "{T}", "{FALSE}" or "{T#shown when wrong#shown when right}"."""
    word, *feedbacks = inner.split("#")
    if len(feedbacks) > 2:
        ctx.report(ctx.brace, _l("true/false takes at most two feedbacks: {T#if wrong#if right}"))
    feedbacks += ["", ""]
    wrong, wrong_format = _formatted(feedbacks[0], ctx.text_format)
    right, right_format = _formatted(feedbacks[1], ctx.text_format)
    return {
        "qtype": "true_false",
        "correct": _TRUE_FALSE_WORDS[word.strip(_WS)],
        "wrong_feedback": wrong,
        "wrong_feedback_format": wrong_format,
        "right_feedback": right,
        "right_feedback_format": right_format,
    }


_READERS = {
    "essay": _parse_essay,
    "numerical": _parse_numerical,
    "choice": _parse_choice,
    "matching": _parse_matching,
    "true_false": _parse_true_false,
    "short_answer": _parse_short_answer,
}


# ---------------------------------------------------------------------------------------------
# Question blocks and the public parser
# ---------------------------------------------------------------------------------------------


def _find_answer_block(ctx: _Context, text: str, start: int) -> tuple[int, int] | None:
    """Locate the one "{...}" of a question; (-1, -1) means none (a description)."""
    opening, closing = text.find("{", start), text.find("}", start)
    if opening < 0 and closing < 0:
        return -1, -1
    if closing < 0:
        ctx.report(opening, _l("'{' is never closed; end the answers with '}' (or write \\{)"))
        return None
    if opening < 0 or closing < opening:
        ctx.report(closing, _l("'}' has no opening '{' (write \\} for a literal brace)"))
        return None
    nested = text.find("{", opening + 1, closing)
    if nested >= 0:
        ctx.report(nested, _l("'{' inside the answers; close them first (or write \\{)"))
        return None
    extra = [
        found for found in (text.find("{", closing), text.find("}", closing + 1)) if found >= 0
    ]
    if extra:
        ctx.report(
            min(extra), _l("a question has only one {...}; write \\{ or \\} for literal braces")
        )
        return None
    return opening, closing


def _question_text(before: str, after: str) -> tuple[str, str, int | None]:
    """Build the question text and read its [format]; text after "}" makes a missing word."""
    head = before.lstrip(_WS)
    text_format = DEFAULT_FORMAT
    match = _FORMAT_RE.match(head)
    if match:
        text_format, head = match.group(1), head[match.end() :]
    head, tail = _restore(head), _restore(after).rstrip(_WS)
    # Decided after unescaping: a trailing "\n" alone leaves no text after the blank.
    if not tail:
        return head.strip(_WS), text_format, None
    head = head.lstrip(_WS)
    return head + BLANK + tail, text_format, len(head)


def _parse_question(
    block: _Block, category: str | None, problems: list[GiftProblem]
) -> GiftQuestion | None:
    """Turn one block into a question, or record its problems and return None."""
    ctx = _Context(block, problems, first_problem=len(problems))
    text = block.text
    start = 0
    title = ""
    if text.startswith("::"):
        end = text.find("::", 2)
        if end < 0:
            ctx.report(0, _l("the title is not closed; write ::title:: before the question"))
            return None
        title, start = _restore(text[2:end]).strip(_WS), end + 2

    braces = _find_answer_block(ctx, text, start)
    if braces is None:
        return None
    opening, closing = braces
    if opening < 0:
        question_text, text_format, blank_at = _question_text(text[start:], "")
        fields: dict = {"qtype": "description"}
        general_feedback, general_format = "", text_format
    else:
        question_text, text_format, blank_at = _question_text(
            text[start:opening], text[closing + 1 :]
        )
        ctx.brace, ctx.text_format = opening, text_format
        inner = text[opening + 1 : closing]
        # Like Moodle, the last "####" starts the general feedback.
        separator = inner.rfind("####")
        general_feedback, general_format = "", text_format
        if separator >= 0:
            general_feedback, general_format = _formatted(inner[separator + 4 :], text_format)
            inner = inner[:separator]
        fields = _READERS[_classify(inner)](ctx, inner, opening + 1)

    if not question_text:
        ctx.report(start, _l("the question has no text"))
    if ctx.failed:
        return None
    return GiftQuestion(
        title=title,
        text=question_text,
        text_format=text_format,
        category=category,
        general_feedback=general_feedback,
        general_feedback_format=general_format,
        blank_at=blank_at,
        line=block.lines[0],
        **fields,
    )


def parse_gift(data: bytes | str) -> GiftBank:
    """Parse a whole GIFT file; raise GiftError with every problem if anything is wrong.

    Bytes must be UTF-8 (a byte order mark is accepted); a file that is not gives one
    problem at the line of the first bad byte.
    """
    source = _decode(data)
    problems: list[GiftProblem] = []
    questions: list[GiftQuestion] = []
    category: str | None = None
    for item in _split_blocks(source, problems):
        if isinstance(item, _CategoryLine):
            if not item.path:
                problems.append(GiftProblem(item.line, _l("$CATEGORY: needs a category path")))
            category = item.path
            continue
        question = _parse_question(item, category, problems)
        if question is not None:
            questions.append(question)
    if problems:
        raise GiftError(problems)
    return GiftBank(questions)


# ---------------------------------------------------------------------------------------------
# Writer
# ---------------------------------------------------------------------------------------------


def _escape(text: str) -> str:
    """Escape GIFT's special characters; newlines become \\n so a question stays one block."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\\", "\\\\")
    for char in "~=#{}:":
        text = text.replace(char, "\\" + char)
    return text.replace("\n", "\\n")


def _check_format(text_format: str) -> None:
    """Refuse a format GIFT cannot express."""
    if text_format not in FORMATS:
        raise ValueError(f"unknown text format {text_format!r}; expected one of {FORMATS}")


def _write_text(text: str, text_format: str, default: str) -> str:
    """Escape text, adding a [format] marker when it differs from the default.

    A marker is also added when the text itself starts like a marker, a // comment or a
    byte order mark, so that reading it back cannot mistake the text for syntax.
    """
    _check_format(text_format)
    needs_marker = (
        text_format != default or _FORMAT_RE.match(text) or text.startswith(("//", "\ufeff"))
    )
    return (f"[{text_format}]" if needs_marker else "") + _escape(text)


def _number(value: float | None) -> str:
    """Write a float in plain decimal notation that reads back as the very same float."""
    if value is None or not Decimal(repr(value)).is_finite():
        raise ValueError(f"numerical answers need finite numbers, not {value!r}")
    return format(Decimal(repr(value)).normalize(), "f")


def _percent(fraction: float) -> str:
    """Write a fraction as a GIFT weight ("%50%") that reads back as the very same fraction."""
    return "%" + format((Decimal(repr(fraction)) * 100).normalize(), "f") + "%"


def _feedback(text: str, text_format: str, question: GiftQuestion) -> str:
    """Write "#feedback", or nothing when there is no feedback."""
    return "#" + _write_text(text, text_format, question.text_format) if text else ""


def _general_feedback(question: GiftQuestion) -> str:
    """Write "####general feedback", or nothing."""
    if not question.general_feedback:
        return ""
    return "####" + _write_text(
        question.general_feedback, question.general_feedback_format, question.text_format
    )


def _answer_lines(question: GiftQuestion, lines: list[str]) -> str:
    """Lay out an answer block with one answer per indented line."""
    general = _general_feedback(question)
    body = "".join(f"\t{line}\n" for line in [*lines, *([general] if general else [])])
    return "{\n" + body + "}"


def _choice_prefix(question: GiftQuestion, answer: GiftAnswer, is_last_tilde: bool) -> str:
    """Pick "=", "~" or "~%w%" for a choice answer.

    An explicit weight is also written when the text starts with "%", because "%" cannot
    be escaped and would otherwise be read as a weight. `is_last_tilde` forces a "~" when
    no other answer has one, since a block without "~" reads back as a short answer.
    """
    literal_percent = answer.text.startswith("%")
    if question.qtype == "single_choice" and answer.fraction == 1 and not is_last_tilde:
        return "=%100%" if literal_percent else "="
    if question.qtype == "single_choice" and answer.fraction == 0 and not literal_percent:
        return "~"
    return "~" + _percent(answer.fraction)


def _write_choice(question: GiftQuestion) -> str:
    """Write single- and multiple-choice answers."""
    answers = question.answers
    if question.qtype == "single_choice" and not any(a.fraction == 1 for a in answers):
        raise ValueError("a single-choice question needs an answer with fraction 1.0")
    all_right = all(answer.fraction == 1 for answer in answers)
    lines = [
        _choice_prefix(question, answer, all_right and index == len(answers) - 1)
        + _write_text(answer.text, answer.text_format, question.text_format)
        + _feedback(answer.feedback, answer.feedback_format, question)
        for index, answer in enumerate(answers)
    ]
    return _answer_lines(question, lines)


def _write_short_answer(question: GiftQuestion) -> str:
    """Write "=answer" lines, with a weight unless the answer gives full credit.

    Moodle reads a block holding both "=" and "->" as matching, and "->" cannot be
    escaped; a lone answer containing "->" is therefore written without its "=".
    """
    lines = []
    for answer in question.answers:
        weight = _percent(answer.fraction)
        if answer.fraction == 1 and not answer.text.startswith("%"):
            weight = ""
        lines.append(
            weight
            + _write_text(answer.text, answer.text_format, question.text_format)
            + _feedback(answer.feedback, answer.feedback_format, question)
        )
    if any("->" in line for line in lines):
        if len(lines) > 1:
            raise ValueError("GIFT reads '->' in a short answer with several answers as matching")
        return _answer_lines(question, lines)
    return _answer_lines(question, ["=" + line for line in lines])


def _write_numerical(question: GiftQuestion) -> str:
    """Write "{#" and one "=value:tolerance" or "=min..max" line per answer."""
    lines = []
    for answer in question.answers:
        if answer.minimum is not None or answer.maximum is not None:
            spec = f"{_number(answer.minimum)}..{_number(answer.maximum)}"
        else:
            spec = f"{_number(answer.value)}:{_number(answer.tolerance or 0.0)}"
        weight = "" if answer.fraction == 1 else _percent(answer.fraction)
        lines.append(
            "=" + weight + spec + _feedback(answer.feedback, answer.feedback_format, question)
        )
    return "{#" + _answer_lines(question, lines)[1:]


def _write_matching(question: GiftQuestion) -> str:
    """Write "=left -> right" lines."""
    lines = []
    for pair in question.matches:
        if "->" in pair.left:
            raise ValueError(f"the left side of a matching pair cannot contain '->': {pair.left!r}")
        lines.append(f"={_escape(pair.left)} -> {_escape(pair.right)}")
    return _answer_lines(question, lines)


def _write_true_false(question: GiftQuestion) -> str:
    """Write "{TRUE#wrong feedback#right feedback}"."""
    body = "TRUE" if question.correct else "FALSE"
    wrong = _feedback(question.wrong_feedback, question.wrong_feedback_format, question)
    right = _feedback(question.right_feedback, question.right_feedback_format, question)
    if right:
        # The right-answer feedback is the second one, so an empty first one is kept as "#".
        body += (wrong or "#") + right
    else:
        body += wrong
    return "{" + body + _general_feedback(question) + "}"


def _write_essay(question: GiftQuestion) -> str:
    """Write "{}" with the general feedback inside, if any."""
    return "{" + _general_feedback(question) + "}"


def _write_description(question: GiftQuestion) -> str:
    """A description has no answer block at all."""
    return ""


_WRITERS = {
    "single_choice": _write_choice,
    "multiple_choice": _write_choice,
    "true_false": _write_true_false,
    "short_answer": _write_short_answer,
    "numerical": _write_numerical,
    "matching": _write_matching,
    "essay": _write_essay,
    "description": _write_description,
}


def _write_question(question: GiftQuestion) -> str:
    """Write one question as a single GIFT block (no blank lines inside)."""
    if not question.text.strip(_WS):
        raise ValueError("a question needs text")
    answers = _WRITERS[question.qtype](question)
    head = f"::{_escape(question.title)}::" if question.title else ""
    if question.blank_at is None:
        text = _write_text(question.text, question.text_format, DEFAULT_FORMAT)
        return head + text + (" " + answers if answers else "")
    if question.qtype == "description":
        raise ValueError("a description has no answers, so it cannot have a blank")
    if not question.text.startswith(BLANK, question.blank_at):
        raise ValueError(f"blank_at={question.blank_at} does not point at {BLANK!r}")
    if not question.text_after.strip(_WS):
        raise ValueError("a missing-word blank needs text after it")
    before = _write_text(question.text_before, question.text_format, DEFAULT_FORMAT)
    return head + before + answers + _escape(question.text_after)


def _check_category(category: str) -> None:
    """Refuse categories that would not read back unchanged."""
    if not category or category != category.strip(_WS) or "\n" in category or "\r" in category:
        raise ValueError(f"a category must be one trimmed, non-empty line, not {category!r}")


def write_gift(questions: GiftBank | Iterable[GiftQuestion]) -> str:
    """Write questions as GIFT text that `parse_gift` reads back as equal questions.

    A `$CATEGORY:` line is written whenever the category changes. Questions without a
    category may only come first: GIFT has no way to leave a category again.
    """
    items = questions.questions if isinstance(questions, GiftBank) else list(questions)
    blocks = []
    category: str | None = None
    for question in items:
        if question.category != category:
            if question.category is None:
                raise ValueError("GIFT cannot go back to 'no category' after a $CATEGORY line")
            _check_category(question.category)
            blocks.append(f"{_CATEGORY_PREFIX} {question.category}")
            category = question.category
        blocks.append(_write_question(question))
    return "\n\n".join(blocks) + "\n" if blocks else ""
