"""Feedback surveys: templates, forms attached to cohorts and sessions, answers, results."""
