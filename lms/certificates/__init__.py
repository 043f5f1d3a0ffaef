"""Certificates of completion: rules per cohort, issuing, revocation, PDFs, public checks."""
