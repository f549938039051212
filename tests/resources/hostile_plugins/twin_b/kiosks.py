"""The other of two plugin files that share a name."""
