"""Command line, the HQ side of sync: `hq import`, `hq devices`, and `bundle verify`."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from fieldapp.cli import AddCommand, SyncGroups


def register(groups: SyncGroups, add: AddCommand) -> None:
    """Add this module's actions to the sync command groups."""
