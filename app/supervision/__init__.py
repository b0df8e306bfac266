"""Supervision: rounds of case reviews, case lists for sampling, and evaluation schemes."""
