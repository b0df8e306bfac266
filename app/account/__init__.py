"""A signed-in user's own account: password, sessions, recent logins, and the second factor."""
