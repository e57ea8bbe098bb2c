"""habit: a calm command-line habit tracker for small commitments."""

__version__ = "0.1.0"
