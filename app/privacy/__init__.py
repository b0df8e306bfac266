"""Personal data: retention and erasure, access requests."""
