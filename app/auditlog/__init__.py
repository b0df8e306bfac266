"""The audit log as sentences a coordinator reads: who did what to which thing, filtered and downloadable."""
