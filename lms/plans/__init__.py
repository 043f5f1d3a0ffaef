"""Implementation plans: drafted by officials, reviewed by trainers, followed up months later."""
