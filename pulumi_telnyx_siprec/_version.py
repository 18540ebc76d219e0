"""The package's version, stated here only: pyproject.toml, the plugin's schema and User-Agent read it."""

__version__ = "0.1.0"
