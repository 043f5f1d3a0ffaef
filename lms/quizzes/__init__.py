"""Quizzes: question banks with GIFT import and export, quizzes, attempts and their results.

gift.py reads and writes Moodle's GIFT format; bank.py keeps a module's questions as versions;
question_types.py grades each type; building.py makes quizzes; attempts.py and grading.py take
and score them; item_analysis.py and results.py report on them; policy.py says who sees what.
"""
