"""People, their organisations and roles; signing in and out; invitations."""
