"""Results: comparison tables in the browser, and the survey, supervision and scheme exports."""
