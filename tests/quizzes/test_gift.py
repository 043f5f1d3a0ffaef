"""A trainer imports and exports Moodle GIFT question files."""

import dataclasses
from pathlib import Path

import pytest

from lms.quizzes.gift import (
    BLANK,
    GiftAnswer,
    GiftBank,
    GiftError,
    GiftMatch,
    GiftProblem,
    GiftQuestion,
    parse_gift,
    write_gift,
)

DATA = Path(__file__).parent / "data"


def only_question(source: str | bytes) -> GiftQuestion:
    """Parse a file that holds exactly one question and return it."""
    bank = parse_gift(source)
    assert len(bank.questions) == 1
    return bank.questions[0]


def problems_in(source: str | bytes) -> list[tuple[int, str]]:
    """Parse a broken file and return its problems as (line, message) pairs."""
    with pytest.raises(GiftError) as caught:
        parse_gift(source)
    return [(problem.line, problem.message) for problem in caught.value.problems]


def problem_lines(source: str | bytes) -> list[int]:
    """Return only the line numbers of a broken file's problems."""
    return [line for line, _ in problems_in(source)]


def round_trip(bank: GiftBank) -> GiftBank:
    """Write a bank as GIFT and read it back."""
    return parse_gift(write_gift(bank))


# ---------------------------------------------------------------------------------------------
# Every example of Moodle's GIFT documentation
# ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def moodle_examples() -> GiftBank:
    return parse_gift((DATA / "moodle_examples.gift").read_bytes())


def by_line(bank: GiftBank, line: int) -> GiftQuestion:
    """Find the question that starts at a given line of the examples file."""
    return next(question for question in bank if question.line == line)


def test_trainer_imports_every_example_of_the_moodle_documentation(moodle_examples):
    assert [question.qtype for question in moodle_examples] == [
        "single_choice",
        "single_choice",
        "single_choice",
        "single_choice",
        "multiple_choice",
        "true_false",
        "true_false",
        "short_answer",
        "short_answer",
        "matching",
        "single_choice",
        "numerical",
        "numerical",
        "numerical",
        "numerical",
        "essay",
        "description",
        "numerical",
        "short_answer",
        "single_choice",
        "single_choice",
        "short_answer",
        "true_false",
        "single_choice",
        "essay",
        "single_choice",
        "single_choice",
        "short_answer",
        "short_answer",
        "multiple_choice",
        "multiple_choice",
        "single_choice",
        "single_choice",
        "true_false",
        "single_choice",
        "short_answer",
        "numerical",
        "numerical",
        "numerical",
        "essay",
    ]


def test_moodle_multiple_choice_example_marks_the_right_answer(moodle_examples):
    question = by_line(moodle_examples, 8)
    assert question.text == "Who's buried in Grant's tomb?"
    assert [(a.text, a.fraction) for a in question.answers] == [
        ("Grant", 0.0),
        ("Jefferson", 0.0),
        ("no one", 1.0),
    ]


def test_moodle_answers_on_separate_indented_lines_are_read_like_one_line(moodle_examples):
    question = by_line(moodle_examples, 18)
    assert [a.text for a in question.answers] == ["India", "China", "Korea", "Egypt"]
    assert question.answers[1].fraction == 1.0


def test_moodle_missing_word_example_keeps_text_around_the_blank(moodle_examples):
    question = by_line(moodle_examples, 58)
    assert question.text == f"Moodle costs {BLANK} to download from moodle.org."
    assert question.is_missing_word
    assert question.text_before == "Moodle costs "
    assert question.text_after == " to download from moodle.org."
    assert [a.text for a in question.answers if a.fraction == 1] == ["nothing"]


def test_moodle_multiple_right_answers_example_has_penalties(moodle_examples):
    question = by_line(moodle_examples, 27)
    assert [(a.text, a.fraction) for a in question.answers] == [
        ("No one", -1.0),
        ("Grant", 0.5),
        ("Grant's wife", 0.5),
        ("Grant's father", -1.0),
    ]


def test_moodle_true_false_examples_know_the_right_value(moodle_examples):
    assert by_line(moodle_examples, 36).correct is False
    assert by_line(moodle_examples, 38).correct is True


def test_moodle_true_false_feedback_example_is_shown_for_a_wrong_answer(moodle_examples):
    question = by_line(moodle_examples, 106)
    assert question.correct is False
    assert question.wrong_feedback == "No one is buried in Grant's tomb."
    assert question.right_feedback == ""


def test_moodle_matching_example_pairs_countries_with_capitals(moodle_examples):
    question = by_line(moodle_examples, 48)
    assert question.matches == (
        GiftMatch("Canada", "Ottawa"),
        GiftMatch("Italy", "Rome"),
        GiftMatch("Japan", "Tokyo"),
        GiftMatch("India", "New Delhi"),
    )
    assert question.general_feedback == "It's good to know the capitals"


def test_moodle_numerical_examples_read_tolerance_and_range(moodle_examples):
    grant = by_line(moodle_examples, 62).answers[0]
    assert (grant.value, grant.tolerance) == (1822, 5)
    assert grant.accepted_range() == (1817, 1827)
    pi_tolerance = by_line(moodle_examples, 64)
    assert pi_tolerance.text == f"What is the value of pi (to 3 decimal places)? {BLANK}."
    assert (pi_tolerance.answers[0].value, pi_tolerance.answers[0].tolerance) == (3.14159, 0.0005)
    pi_range = by_line(moodle_examples, 66).answers[0]
    assert (pi_range.minimum, pi_range.maximum) == (3.141, 3.142)


def test_moodle_several_numerical_answers_give_partial_credit(moodle_examples):
    question = by_line(moodle_examples, 68)
    assert [(a.value, a.tolerance, a.fraction, a.feedback) for a in question.answers] == [
        (1822, 0, 1.0, "Correct! You get full credit."),
        (1822, 2, 0.5, "He was born in 1822. You get half credit for being close."),
    ]


def test_moodle_quick_examples_q5_and_q6_accept_the_same_numbers(moodle_examples):
    q5 = next(question for question in moodle_examples if question.title == "Q5")
    q6 = next(question for question in moodle_examples if question.title == "Q6")
    assert q5.answers[0].accepted_range() == q6.answers[0].accepted_range() == (1, 5)


def test_moodle_essay_and_description_examples(moodle_examples):
    assert by_line(moodle_examples, 75).text == "Write a short biography of Dag Hammarskjöld."
    description = by_line(moodle_examples, 79)
    assert description.text == "You can use your pencil and paper for these next math questions."
    assert description.answers == ()


def test_moodle_question_name_example_spans_two_lines(moodle_examples):
    question = by_line(moodle_examples, 88)
    assert question.title == "Kanji Origins"
    assert question.text == "Japanese characters originally\ncame from what country?"
    assert [(a.text, a.fraction) for a in question.answers] == [("China", 1.0)]


def test_moodle_general_feedback_example(moodle_examples):
    question = by_line(moodle_examples, 110)
    assert question.general_feedback == "This general feedback is shown whatever the answer."
    assert question.answers[0].feedback == "feedback comment on the right answer"
    assert by_line(moodle_examples, 115).general_feedback == "We hope you're feeling well."


def test_moodle_percentage_weights_examples(moodle_examples):
    choice = by_line(moodle_examples, 123)
    assert [(a.text, a.fraction) for a in choice.answers] == [
        ("Jerusalem", 0.0),
        ("Bethlehem", 0.25),
        ("Galilee", 0.5),
        ("Nazareth", 1.0),
    ]
    short = by_line(moodle_examples, 130)
    assert [(a.text, a.fraction, a.feedback) for a in short.answers] == [
        ("Nazareth", 1.0, "Yes! That's right!"),
        ("Nazereth", 0.75, "Right, but misspelled."),
        ("Bethlehem", 0.25, "He was born here, but not raised here."),
    ]


def test_moodle_markdown_example_sets_the_text_format(moodle_examples):
    question = by_line(moodle_examples, 138)
    assert question.text_format == "markdown"
    assert question.text == "Who's buried in **Grant's tomb**?"
    assert {a.feedback_format for a in question.answers} == {"markdown"}


def test_moodle_special_characters_examples_are_unescaped(moodle_examples):
    equals = by_line(moodle_examples, 160)
    assert [a.text for a in equals.answers] == ["= 2 + 2", "= 2 + 3", "= 2 + 4"]
    control = by_line(moodle_examples, 166)
    assert [a.text for a in control.answers] == ["~", "=", "#", "{", "}", "\\"]
    assert control.answers[0].feedback == "~ is a control character."
    assert control.answers[-1].fraction == 1.0
    assert control.answers[-1].feedback.startswith(
        "Correct! \\ (backslash) is not a control character. BUT,\nit is used to escape"
    )


def test_moodle_category_example_applies_to_the_questions_after_it(moodle_examples):
    assert moodle_examples.categories == ["tom/dick/harry"]
    titled = [question for question in moodle_examples if question.title.startswith("Q")]
    assert {question.category for question in titled} == {"tom/dick/harry"}
    assert by_line(moodle_examples, 8).category is None


def test_moodle_two_pair_matching_quick_example_is_reported():
    source = (DATA / "moodle_two_pair_matching.gift").read_bytes()
    assert problems_in(source) == [(5, "a matching question needs at least 3 pairs, found 2")]


def test_moodle_examples_survive_export_and_import(moodle_examples):
    assert round_trip(moodle_examples) == moodle_examples


# ---------------------------------------------------------------------------------------------
# Question types
# ---------------------------------------------------------------------------------------------


def test_single_choice_keeps_feedback_for_each_answer():
    question = only_question("Capital of France? {=Paris#Right! ~Lyon#No, that is Lyon. ~Nice}")
    assert question.qtype == "single_choice"
    assert [(a.text, a.fraction, a.feedback) for a in question.answers] == [
        ("Paris", 1.0, "Right!"),
        ("Lyon", 0.0, "No, that is Lyon."),
        ("Nice", 0.0, ""),
    ]


def test_multiple_choice_reads_decimal_weights():
    question = only_question("Primes? {~%33.33333%2 ~%33.33333%3 ~%33.33333%5 ~%-100%4}")
    assert question.qtype == "multiple_choice"
    assert [a.fraction for a in question.answers] == pytest.approx(
        [0.3333333, 0.3333333, 0.3333333, -1.0]
    )


@pytest.mark.parametrize(
    ("answer", "correct"), [("T", True), ("TRUE", True), ("F", False), ("FALSE", False)]
)
def test_true_false_accepts_all_spellings(answer, correct):
    question = only_question(f"The sun rises in the east. {{{answer}}}")
    assert question.qtype == "true_false"
    assert question.correct is correct


def test_true_false_keeps_wrong_and_right_feedback():
    question = only_question("Water boils at 100 °C at sea level.{T#Think of a kettle.#Yes.}")
    assert (question.wrong_feedback, question.right_feedback) == ("Think of a kettle.", "Yes.")


def test_short_answer_accepts_several_answers_weights_and_wildcards():
    question = only_question("Who wrote Hamlet? {=Shakespeare =William Shakespeare =%50%*speare}")
    assert question.qtype == "short_answer"
    assert [(a.text, a.fraction) for a in question.answers] == [
        ("Shakespeare", 1.0),
        ("William Shakespeare", 1.0),
        ("*speare", 0.5),
    ]


def test_short_answer_with_one_answer_may_leave_out_the_equals_sign():
    question = only_question("1 + 2 \\= {3}")
    assert question.qtype == "short_answer"
    assert question.text == "1 + 2 ="
    assert [(a.text, a.fraction) for a in question.answers] == [("3", 1.0)]


def test_numerical_reads_tolerance_range_and_exact_value():
    tolerance = only_question("Pi? {#3.14:0.01}").answers[0]
    assert (tolerance.value, tolerance.tolerance) == (3.14, 0.01)
    interval = only_question("A number from 1 to 5? {#1..5}").answers[0]
    assert (interval.minimum, interval.maximum, interval.value) == (1, 5, None)
    exact = only_question("Minus two plus one? {#-1}").answers[0]
    assert (exact.value, exact.tolerance, exact.text) == (-1, 0, "")


def test_matching_reads_pairs_and_general_feedback():
    question = only_question(
        "Match the words. {\n=dog -> собака\n=cat -> кошка\n=cow -> корова\n####Easy ones}"
    )
    assert question.qtype == "matching"
    assert [(m.left, m.right) for m in question.matches] == [
        ("dog", "собака"),
        ("cat", "кошка"),
        ("cow", "корова"),
    ]
    assert question.general_feedback == "Easy ones"


def test_essay_with_general_feedback():
    question = only_question("Describe your last project. {####Mention the team size.}")
    assert (question.qtype, question.general_feedback) == ("essay", "Mention the team size.")


def test_description_has_no_answer_block():
    question = only_question("::Intro::The next questions are about networks.")
    assert question.qtype == "description"
    assert (question.title, question.text) == ("Intro", "The next questions are about networks.")


def test_missing_word_records_where_the_blank_is():
    question = only_question("{=Paris ~Lyon} is the capital of France.")
    assert question.blank_at == 0
    assert question.text == f"{BLANK} is the capital of France."
    assert question.text_after == " is the capital of France."


def test_answers_at_the_end_make_no_blank():
    question = only_question("Capital of France?\n{=Paris ~Lyon}")
    assert question.blank_at is None
    assert question.text == "Capital of France?"


# ---------------------------------------------------------------------------------------------
# File-level features
# ---------------------------------------------------------------------------------------------


def test_categories_apply_in_order_and_are_listed_once():
    bank = parse_gift(
        "Q0{T}\n\n$CATEGORY: a\n\nQ1{T}\n\n$CATEGORY: b\nQ2{T}\n\n$CATEGORY: a\n\nQ3{T}"
    )
    assert [question.category for question in bank] == [None, "a", "b", "a"]
    assert bank.categories == ["a", "b"]


def test_comment_lines_are_skipped_even_inside_a_question():
    bank = parse_gift("// heading\n::Q::Pick one {\n// not an answer\n=a\n~b\n}\n// trailing")
    assert [a.text for a in bank.questions[0].answers] == ["a", "b"]


def test_a_question_ends_at_a_blank_line_and_keeps_its_line_number():
    bank = parse_gift("\n\nFirst\nquestion {T}\n   \nSecond {F}\n\n\n\nThird {T}\n")
    assert [(question.text, question.line) for question in bank] == [
        ("First\nquestion", 3),
        ("Second", 6),
        ("Third", 10),
    ]


def test_escaped_characters_are_plain_text():
    question = only_question(
        "::a\\:b::Set \\{1\\} has \\~ \\# and \\= and x\\:y{=\\{x\\}#\\#1 ~a\\\\b ~line\\nbreak}"
    )
    assert question.title == "a:b"
    assert question.text == "Set {1} has ~ # and = and x:y"
    assert [a.text for a in question.answers] == ["{x}", "a\\b", "line\nbreak"]
    assert question.answers[0].feedback == "#1"


def test_unknown_backslashes_such_as_latex_stay_as_typed():
    question = only_question("Solve $\\frac\\{1\\}\\{2\\}$? {=\\alpha ~\\beta}")
    assert question.text == "Solve $\\frac{1}{2}$?"
    assert [a.text for a in question.answers] == ["\\alpha", "\\beta"]


def test_text_formats_apply_to_question_feedback_and_general_feedback():
    question = only_question(
        "[html]<b>Bold</b> question {=[plain]yes#[markdown]**good** ~no#plain too####[plain]gf}"
    )
    assert (question.text, question.text_format) == ("<b>Bold</b> question", "html")
    yes, no = question.answers
    assert (yes.text_format, yes.feedback, yes.feedback_format) == ("plain", "**good**", "markdown")
    assert (no.text_format, no.feedback_format) == ("html", "html")
    assert question.general_feedback_format == "plain"


def test_unknown_format_marker_is_ordinary_text():
    question = only_question("[note] read carefully {T}")
    assert (question.text, question.text_format) == ("[note] read carefully", "moodle")


def test_belarusian_and_russian_questions_are_read_intact():
    bank = parse_gift((DATA / "belarusian_russian.gift").read_bytes())
    assert bank.categories == ["Геаграфія/Беларусь", "География/Россия"]
    capital, fir, river, moscow, baikal = bank.questions
    assert capital.text == "Які горад — сталіца Беларусі?"
    assert capital.answers[0].feedback == "Правільна!"
    assert fir.title == "Ёлка"
    assert "ў беларускіх" in fir.text
    assert (fir.wrong_feedback, fir.right_feedback) == ("Не, растуць.", "Так, і шмат.")
    assert river.text == f"Самая доўгая рака Беларусі — {BLANK}."
    assert moscow.text == "Столица России:"
    assert moscow.answers[1].feedback == "Пишите с большой буквы."
    assert baikal.answers[0].feedback == "Верно, ещё ёмкое озеро."
    assert round_trip(bank) == bank


def test_byte_order_mark_is_accepted_in_bytes_and_text():
    source = "::Ёлка::Зялёная? {T}\n"
    assert only_question(b"\xef\xbb\xbf" + source.encode()).title == "Ёлка"
    assert only_question("\ufeff" + source).title == "Ёлка"


def test_windows_line_endings_are_accepted():
    bank = parse_gift(b"First {T}\r\n\r\n::Second::\r\nText {F}\r\n")
    assert [(question.title, question.line) for question in bank] == [("", 1), ("Second", 3)]


# ---------------------------------------------------------------------------------------------
# Problems and their lines
# ---------------------------------------------------------------------------------------------


def test_trainer_sees_line_of_first_non_utf8_byte():
    source = "// география\n\n::Q1::Первый? {T}\n".encode("cp1251")
    assert problems_in(source) == [
        (1, "the file is not valid UTF-8 (byte 0xE3); save it as UTF-8 and import it again")
    ]


def test_trainer_sees_line_of_cp1251_belarusian_text():
    text = (DATA / "belarusian_russian.gift").read_text(encoding="utf-8")
    ascii_top = "// exported from Excel\n\nPlain question {T}\n\n"
    assert problem_lines((ascii_top + text).encode("cp1251")) == [5]


def test_trainer_sees_line_of_unclosed_brace():
    source = "Fine {T}\n\nWho is buried in Grant's tomb? {\n=no one\n~Grant\n\nAlso fine {F}"
    assert problems_in(source) == [
        (3, "'{' is never closed; end the answers with '}' (or write \\{)")
    ]


def test_trainer_sees_line_of_closing_brace_without_opening():
    assert problem_lines("::Q::\nSet } of numbers {=a ~b}") == [2]


def test_trainer_sees_line_of_second_answer_block():
    assert problem_lines("Pick {=a ~b}\nand then {=c ~d}") == [2]


def test_trainer_sees_line_of_matching_pair_without_arrow():
    source = "Match these. {\n=cat -> cat food\n=dog dog food\n=cow -> grass\n}"
    assert problems_in(source) == [(3, "matching pair has no '->'; write =question -> answer")]


def test_trainer_sees_matching_feedback_refused():
    assert problem_lines("Match. {\n=a -> 1\n=b -> 2 #no\n=c -> 3\n}") == [3]


def test_trainer_sees_line_of_numerical_answer_that_is_not_a_number():
    source = "Year? {#\n=1822:0\n=%50%eighteen:2\n=1822:x\n}"
    assert problems_in(source) == [
        (3, "numerical answer 'eighteen' is not a number"),
        (4, "tolerance 'x' of numerical answer '1822:x' is not a number"),
    ]


def test_a_number_too_large_for_the_bank_is_refused_where_it_is_written():
    """1e999 looks like a number but would be stored as infinity, which no page or export
    could show afterwards."""
    assert problems_in("How big? {#\n=1e999\n=2..1e400\n}") == [
        (2, "numerical answer '1e999' is not a number"),
        (3, "numerical range '2..1e400' needs two numbers, like 1..5"),
    ]


def test_trainer_sees_bad_numerical_ranges_and_tolerances():
    assert problem_lines("A {#5..1}\n\nB {#1..x}\n\nC {#3:-1}\n\nD {#}\n\nE {#1 ~#no}") == [
        1,
        3,
        5,
        7,
        9,
    ]


def test_trainer_sees_line_of_weight_outside_minus_100_to_100():
    source = "Pick. {\n~%50%a\n~%150%b\n~%-120%c\n}"
    assert problems_in(source) == [
        (3, "answer weight 150% is outside -100%..100%"),
        (4, "answer weight -120% is outside -100%..100%"),
    ]


def test_trainer_sees_line_of_garbled_weight():
    assert problems_in("Pick. {\n~%5O%a\n~%50%b\n}") == [(2, "answer weight %5O% is not a number")]


def test_trainer_sees_single_choice_without_right_answer():
    assert problems_in("Pick one.\n{~a ~b ~c}") == [
        (2, "the question has no right answer: mark one with = or give weights like ~%50%")
    ]


def test_trainer_sees_multiple_choice_weights_not_adding_up():
    assert problems_in("Pick two. {\n~%50%a\n~%40%b\n~%-100%c\n}") == [
        (1, "the positive weights add up to 90%, they must make 100%")
    ]


def test_weights_of_a_third_each_add_up_closely_enough():
    assert only_question("Pick. {~%33.333%a ~%33.333%b ~%33.333%c ~d}").qtype == "multiple_choice"


def test_trainer_sees_partial_credit_on_equals_in_choice_question():
    assert problem_lines("Pick. {=%50%a ~b}") == [1]


def test_trainer_sees_short_answer_without_full_credit():
    assert problems_in("Who? {=%50%Grant =%25%Ulysses}") == [
        (1, "no answer gives full credit; write one without a weight")
    ]


def test_trainer_sees_choice_question_with_only_one_answer():
    assert problem_lines("Pick. {~%100%only}") == [1]


def test_trainer_sees_unclosed_title_and_empty_question():
    assert problem_lines("::Q1 What? {T}\n\n::Q2::{T}\n\n$CATEGORY:\n") == [1, 3, 5]


def test_trainer_sees_too_many_true_false_feedbacks_and_extra_hashes():
    assert problem_lines("A {T#w#r#x}\n\nB {=a#fine#oops ~b}") == [1, 3]


def test_all_problems_of_a_file_are_reported_and_nothing_is_returned():
    source = "Good {T}\n\nBad {#abc}\n\nGood too {F}\n\nBroken {=a ~b\n\nMatch {=a->b}"
    with pytest.raises(GiftError) as caught:
        parse_gift(source)
    assert [problem.line for problem in caught.value.problems] == [3, 7, 9]
    assert str(caught.value).startswith("3 problems in GIFT file:\nline 3: ")
    assert caught.value.problems[0] == GiftProblem(3, "numerical answer 'abc' is not a number")


def test_parse_refuses_other_input_types():
    with pytest.raises(TypeError):
        parse_gift(42)  # type: ignore[arg-type]


# ---------------------------------------------------------------------------------------------
# Writing GIFT
# ---------------------------------------------------------------------------------------------

ROUND_TRIP_SOURCES = {
    "single choice": "::Q::[html]<i>Pick</i> {=a#yes ~b#no ####[plain]well}",
    "partial credit": "Pick. {~%25%a ~%75.5%b =c ~%-50%d}",
    "multiple choice": "Pick. {~%33.33333%a ~%33.33333%b ~%33.33334%c ~%-100%d}",
    "true false": "A {T}\n\nB {FALSE##only right####gf}\n\nC {TRUE#only wrong}",
    "short answer": "Who? {=Grant#yes =%50%U*#close ####[markdown]**done**}",
    "numerical": "N {#=1822:0#exact =%50%1800..1850#near ####gf}\n\nM {#1e-05:2.5E-7}",
    "matching": "Match {=a -> 1 =b\\: -> 2\\#x =c -> 3 -> 4 ####gf}",
    "essay and description": "$CATEGORY: x/y\n\nEssay {}\n\nJust text \\{not a question\\}",
    "missing word": "::M::[markdown]Two {=2 =two} is **two**.\n\n{~a =b} starts it.",
    "escapes": "::\\:\\:t\\\\::a\\~b\\=c\\#d\\{e\\}f\\:g\\nh {=\\~\\=#\\#\\{\\} ~\\\\n}",
    "cyrillic": "$CATEGORY: Беларусь\n\n::Ў::Ці ёсць і? {=Так ~Не}",
    "literal markers": "[moodle][html] is text {=[moodle]%50% off ~[moodle][plain]}",
    "arrow in a lone short answer": "Which arrow means 'maps to'? {-> #yes}",
    "only right choices": "Pick any. {=a ~%100%b}",
    "escaped newline after answers": "Last line {T}\\n",
    "text starting with a BOM character": "\n\ufeff odd but legal {}",
}


@pytest.mark.parametrize("source", ROUND_TRIP_SOURCES.values(), ids=ROUND_TRIP_SOURCES.keys())
def test_written_gift_reads_back_as_the_same_questions(source):
    bank = parse_gift(source)
    assert round_trip(bank) == bank


def test_writer_lays_out_a_readable_file():
    bank = parse_gift("$CATEGORY: c\n\n::T::Who? {~Grant =no one#right ####gf}\n\nOK? {T#w#r}")
    assert write_gift(bank) == (
        """\
$CATEGORY: c

::T::Who? {
\t~Grant
\t=no one#right
\t####gf
}

OK? {TRUE#w#r}
"""
    )


def test_writer_escapes_special_characters():
    question = GiftQuestion(
        qtype="short_answer",
        title="a::b",
        text="x {y} = ~z # 1:2 \\ end\nnext line",
        answers=[GiftAnswer(text="=1", fraction=1.0)],
    )
    written = write_gift([question])
    assert written == (
        "::a\\:\\:b::x \\{y\\} \\= \\~z \\# 1\\:2 \\\\ end\\nnext line {\n\t=\\=1\n}\n"
    )
    assert parse_gift(written).questions == [question]


def test_writer_keeps_answer_texts_that_look_like_weights_or_formats():
    question = GiftQuestion(
        qtype="single_choice",
        text="Discount?",
        answers=[
            GiftAnswer(text="%50% off", fraction=1.0),
            GiftAnswer(text="%10% off"),
            GiftAnswer(text="[html] as text"),
        ],
    )
    assert parse_gift(write_gift([question])).questions == [question]


def test_writer_keeps_question_text_that_starts_like_a_comment():
    question = GiftQuestion(qtype="essay", text="// is a comment in C")
    assert parse_gift(write_gift([question])).questions == [question]


def test_writer_builds_numerical_answers_from_numbers():
    question = GiftQuestion(
        qtype="numerical",
        text="Pi?",
        answers=[
            GiftAnswer(fraction=1.0, value=3.14159, tolerance=0.0005, feedback="Good"),
            GiftAnswer(fraction=0.5, minimum=3, maximum=3.2),
        ],
    )
    written = write_gift([question])
    assert written == "Pi? {#\n\t=3.14159:0.0005#Good\n\t=%50%3..3.2\n}\n"
    assert parse_gift(written).questions == [question]


def test_writer_accepts_a_bank_or_a_list_and_an_empty_bank():
    bank = parse_gift("A {T}\n\nB {F}")
    assert write_gift(bank) == write_gift(list(bank))
    assert write_gift(GiftBank([])) == ""


@pytest.mark.parametrize(
    "questions",
    [
        [
            GiftQuestion(qtype="essay", text="a", category="c"),
            GiftQuestion(qtype="essay", text="b"),
        ],
        [GiftQuestion(qtype="essay", text="a", category=" padded")],
        [GiftQuestion(qtype="matching", text="m", matches=[GiftMatch("a -> b", "c")])],
        [GiftQuestion(qtype="single_choice", text="s", answers=[GiftAnswer("a")])],
        [GiftQuestion(qtype="essay", text="")],
        [GiftQuestion(qtype="essay", text="e", text_format="rtf")],
        [GiftQuestion(qtype="essay", text="no blank here", blank_at=3)],
        [GiftQuestion(qtype="numerical", text="n", answers=[GiftAnswer(value=float("nan"))])],
        [
            GiftQuestion(
                qtype="short_answer",
                text="t",
                answers=[GiftAnswer("a->b", 1.0), GiftAnswer("c", 1.0)],
            )
        ],
    ],
    ids=[
        "back to no category",
        "untrimmed category",
        "arrow on left side",
        "single choice without right answer",
        "empty text",
        "unknown format",
        "blank_at not at blank",
        "not a number",
        "arrows in several short answers",
    ],
)
def test_writer_refuses_what_gift_cannot_express(questions):
    with pytest.raises(ValueError):
        write_gift(questions)


def test_questions_are_frozen_and_compare_without_line_numbers():
    first = only_question("Q {T}")
    moved = only_question("\n\n\nQ {T}")
    assert (first.line, moved.line) == (1, 4)
    assert first == moved
    with pytest.raises(dataclasses.FrozenInstanceError):
        first.text = "changed"  # type: ignore[misc]


def test_unknown_question_type_is_refused():
    with pytest.raises(ValueError):
        GiftQuestion(qtype="cloze", text="x")
