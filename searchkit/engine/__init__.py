"""The Whoosh index behind our API: schema, analysis, storage, manifest and updates."""
