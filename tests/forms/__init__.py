"""Tests of the questionnaire language (forms/)."""
