"""``searchkit serve``: a read-only HTTP JSON API and a faceted search page over one index.

    from searchkit.web import create_app
    app = create_app("index", threads=4)   # an ASGI app; serve it with uvicorn

Built on the public ``Index`` API only; Starlette and uvicorn come with the ``web`` extra.
"""

from __future__ import annotations


def create_app(*args, **kwargs):
    """The ASGI app; see ``searchkit.web.app.create_app``."""
    from .app import create_app as build

    return build(*args, **kwargs)
