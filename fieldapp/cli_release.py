"""CLI actions for HQ review (issue 5): release."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from fieldapp.cli import AddCommand, SyncGroups


def register(groups: SyncGroups, add: AddCommand) -> None:
    """Add this module's actions to the command groups."""
