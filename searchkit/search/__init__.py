"""Queries, filters, facet counts, ranking and snippets over an open index."""
