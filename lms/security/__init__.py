"""Who may do what: permissions, the role policy and the request guard."""
