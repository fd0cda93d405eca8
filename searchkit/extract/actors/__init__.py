"""Actors of an article: the people and organisations it is about, one canonical name each.

The work is split by what each step reads:

- ``name_tokens``: the words of a text with their offsets, lines and usual casing;
- ``tagger``: the averaged-perceptron span tagger (PER/ORG/LOC/MISC over capitalised runs);
- ``name_spans``: tagged spans turned into names (titles peeled, lists split);
- ``citations``: news outlets and platforms that an article only quotes;
- ``names``: canonical spellings from the alias tables in ``scripts/actor_lists/``;
- ``resolution``: the names of one document resolved against each other;
- ``junk``: values that are no actor (PC, DVD, a first name alone, a dateline's place);
- ``merging``: surname-only values and spellings merged across an index, for people only;
- ``finder``: ``find_actors``, which runs the steps above on one article.
"""

from __future__ import annotations

from .finder import find_actors

__all__ = ["find_actors"]
