"""The extractor version recorded with every article; bump it when output changes."""

EXTRACTOR_VERSION = "0.3.0"
