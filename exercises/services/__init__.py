"""The write side of exercises, one module per use case (answering, re-anchoring, ...)."""
