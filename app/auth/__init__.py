"""Accounts: log in, log out, roles and access checks."""
