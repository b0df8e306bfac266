"""Waves: distributing a questionnaire version to respondents, collecting and reminding."""
