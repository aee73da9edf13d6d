"""Users, passwords, bearer tokens, roles and the login rate limit."""
