"""A read-only JSON API for other systems of the programme, with personal access tokens."""
