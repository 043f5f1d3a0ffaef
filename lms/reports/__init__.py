"""Participation and results reports for programme staff and donors."""
