"""Extractors: one module per entry kind, each reading a Note and returning entries.

An extractor never sees MkDocs and never another note; cross-note work (dedupe,
link resolution) belongs to the knowledge base.
"""
