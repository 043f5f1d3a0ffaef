"""Quizzes: question banks, starting with Moodle GIFT import and export."""
