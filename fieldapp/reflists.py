"""The reference lists bundled with the app, loaded once.

Thin on purpose: the domain layer must not know where files live (checkout or frozen app), and
`fieldapp.resources` must not know what the files mean; this joins the two.
"""

from __future__ import annotations

from functools import cache

from fieldapp.domain.reflists import RefLists, load_reflists
from fieldapp.resources import resource


@cache
def bundled_reflists() -> RefLists:
    """The shipped lists; cached because validation runs on every keystroke in the editor."""
    return load_reflists(resource("reflists"))
