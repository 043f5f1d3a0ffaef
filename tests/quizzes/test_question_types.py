"""Each question type grades a response exactly, with partial credit where the type gives it."""

from __future__ import annotations

import random

import pytest

from lms.quizzes.models import QuestionChoice, QuestionVersion
from lms.quizzes.question_types import QUESTION_TYPES, matches_pattern, parse_number


def version(qtype: str, *choices: dict, **fields) -> QuestionVersion:
    return QuestionVersion(
        qtype=qtype, text="?", **fields,
        choices=[QuestionChoice(position=i, **c) for i, c in enumerate(choices)],
    )


def grade(v: QuestionVersion, values: list[str], layout: list | None = None) -> float | None:
    kind = QUESTION_TYPES[v.qtype]
    layout = layout if layout is not None else kind.layout(v, False, random.Random(0))
    return kind.grade(v, layout, kind.read(v, layout, values))


SINGLE = version("single_choice", {"text": "Minsk", "fraction": 1.0},
                 {"text": "Hrodna", "fraction": 0.0}, {"text": "Brest", "fraction": 0.5})


def test_single_choice_gives_the_weight_of_the_picked_answer():
    assert grade(SINGLE, ["0"]) == 1.0
    assert grade(SINGLE, ["1"]) == 0.0
    assert grade(SINGLE, ["2"]) == 0.5
    assert grade(SINGLE, []) == 0.0


def test_single_choice_reads_display_order_not_stored_order():
    # Shown as Brest, Minsk, Hrodna: the first button on the page is Brest.
    assert grade(SINGLE, ["1"], layout=[2, 0, 1]) == 1.0
    assert grade(SINGLE, ["0"], layout=[2, 0, 1]) == 0.5


def test_single_choice_ignores_values_that_are_not_offered():
    assert grade(SINGLE, ["7"]) == 0.0
    assert grade(SINGLE, ["-1"]) == 0.0
    assert grade(SINGLE, ["x"]) == 0.0


MULTIPLE = version("multiple_choice", {"text": "Legal", "fraction": 0.5},
                   {"text": "Technical", "fraction": 0.5}, {"text": "Financial", "fraction": -1.0})


def test_multiple_choice_gives_partial_credit_and_penalties_clamped_at_zero():
    assert grade(MULTIPLE, ["0", "1"]) == 1.0
    assert grade(MULTIPLE, ["0"]) == 0.5
    assert grade(MULTIPLE, ["0", "2"]) == 0.0
    assert grade(MULTIPLE, ["0", "1", "2"]) == 0.0
    assert grade(MULTIPLE, ["2"]) == 0.0


def test_multiple_choice_counts_a_repeated_pick_once():
    assert grade(MULTIPLE, ["0", "0", "0"]) == 0.5


def test_true_false_is_right_or_wrong():
    statement = version("true_false", correct=False)
    assert grade(statement, ["0"]) == 1.0
    assert grade(statement, ["1"]) == 0.0
    assert grade(statement, []) == 0.0


SHORT = version("short_answer", {"text": "latvija.lv", "fraction": 1.0},
                {"text": "*portal*", "fraction": 0.5})


@pytest.mark.parametrize(("given", "fraction"), [
    ("latvija.lv", 1.0), ("  LATVIJA.LV ", 1.0), ("Latvija.lv", 1.0),
    ("the state portal", 0.5), ("PORTAL", 0.5), ("latvija", 0.0), ("latvijaXlv", 0.0), ("", 0.0),
])
def test_short_answer_is_case_insensitive_with_wildcards(given, fraction):
    assert grade(SHORT, [given]) == fraction


def test_wildcard_matches_any_text_and_dots_are_literal():
    assert matches_pattern("e-*", "e-government")
    assert not matches_pattern("a.c", "abc")
    assert matches_pattern("Ёлка", "ёлка")


NUMERIC = version("numerical", {"value": 2001.0, "tolerance": 1.0, "fraction": 1.0},
                  {"minimum": 1990.0, "maximum": 1999.0, "fraction": 0.5})


@pytest.mark.parametrize(("given", "fraction"), [
    ("2001", 1.0), ("2000", 1.0), ("2002", 1.0), ("2002.5", 0.0), ("1995", 0.5),
    ("1990", 0.5), ("1999", 0.5), ("2 001", 1.0), ("2001,0", 1.0), ("abc", 0.0), ("nan", 0.0),
])
def test_numerical_accepts_tolerance_and_range(given, fraction):
    assert grade(NUMERIC, [given]) == fraction


def test_numbers_are_read_the_way_officials_type_them():
    assert parse_number("3,5") == 3.5
    assert parse_number("1\u00a0000") == 1000
    assert parse_number("inf") is None


MATCHING = version(
    "matching",
    {"text": "tax", "match_right": "G2B"}, {"text": "certificate", "match_right": "G2C"},
    {"text": "register", "match_right": "G2G"}, {"text": "", "match_right": "C2C"},
)


def test_matching_gives_credit_per_pair():
    layout = ["G2G", "C2C", "G2B", "G2C"]  # the right column as shown
    assert grade(MATCHING, ["2", "3", "0"], layout) == 1.0
    assert grade(MATCHING, ["2", "0", "3"], layout) == pytest.approx(1 / 3)
    assert grade(MATCHING, ["1", "1", "1"], layout) == 0.0
    assert grade(MATCHING, ["2", "", ""], layout) == pytest.approx(1 / 3)


def test_matching_layout_holds_every_right_answer_once_including_distractors():
    layout = QUESTION_TYPES["matching"].layout(MATCHING, True, random.Random(3))
    assert sorted(layout) == ["C2C", "G2B", "G2C", "G2G"]


def test_essay_waits_for_a_trainer_unless_empty():
    essay = version("essay")
    assert grade(essay, ["An answer"]) is None
    assert grade(essay, ["   "]) == 0.0


def test_saved_responses_fill_the_page_again():
    kind = QUESTION_TYPES["multiple_choice"]
    layout = [2, 0, 1]
    response = kind.read(MULTIPLE, layout, ["0", "2"])
    assert response == {"choices": [2, 1]}
    assert sorted(kind.form_values(layout, response)) == ["0", "2"]
