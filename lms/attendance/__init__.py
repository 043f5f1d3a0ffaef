"""Seminar sessions, the attendance register, apologies and self check-in."""
