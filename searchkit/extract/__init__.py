"""Files -> documents: reading formats, then language, date, source, actors and countries."""
