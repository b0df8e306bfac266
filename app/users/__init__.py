"""Coordinators manage accounts in the browser: invite, change, deactivate and reactivate."""
