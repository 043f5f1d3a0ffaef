"""Quiz pages: the trainer's bank and quiz building, results, and the official's attempts.

The pages live in modules of their own, all on the one `quizzes` blueprint that blueprint.py
defines; importing them here puts their routes on it before the app registers it.
"""

from lms.quizzes import authoring_views, bank_views, results_views, taking_views
from lms.quizzes.blueprint import bp

__all__ = ["authoring_views", "bank_views", "bp", "results_views", "taking_views"]
