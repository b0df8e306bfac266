"""Coordinators look at respondents one by one: search, invitations across waves, corrections, exclusion."""
