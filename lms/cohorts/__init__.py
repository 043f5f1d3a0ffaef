"""Seminar cohorts: who is in which cohort, their trainers, assigned modules, enrolment."""
