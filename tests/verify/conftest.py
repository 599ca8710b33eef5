"""Every legality test runs against both search implementations (``search_implementation``)."""

from search_implementations import search_implementation

__all__ = ["search_implementation"]
