"""A one-off plugin file that fails at import."""

raise RuntimeError("boom at import")
