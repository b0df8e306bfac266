"""Questionnaire versions in the database: loading the YAML catalogue and reading stored versions."""
