"""The built-in plugins: the shared data items and the three U4SSC dimensions.

Each is registered through the ``u4ssc`` entry-point group in ``pyproject.toml``, exactly like a
city's own plugin package, and doubles as the example a city copies.
"""
