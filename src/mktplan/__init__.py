"""mktplan: marketing plans as checked, tracked and reported text files."""

__version__ = "0.2.0"
