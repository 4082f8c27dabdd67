"""llmnotes: publish a folder of messy LLM study notes as a linked, searchable site."""

__version__ = "0.1.0"
