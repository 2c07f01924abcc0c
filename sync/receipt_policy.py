"""Receipt import under the vault's purge policy (issue 6 §3): the one function the CLI's
`receipt import` and the Sync tab both call, so the policy applies however a receipt arrives."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from fieldapp.store import policy
from sync import fieldsync

if TYPE_CHECKING:
    from fieldapp.store.vault import Vault


@dataclass(frozen=True)
class ReceiptOutcome:
    """The receipt, and the purge that followed it (None when none ran)."""

    receipt: fieldsync.ReceiptResult
    purge: fieldsync.PurgeResult | None
    by_policy: bool


def import_receipt(vault: Vault, text: str, *, purge: bool = False) -> ReceiptOutcome:
    """Import a receipt, then purge acknowledged plaintext when asked to or when the vault's
    policy says so.

    With the policy on, what HQ confirmed it holds leaves the device at the first moment it
    safely can, without anyone having to remember a tick box; the purge logs itself
    (`evidence_purged`), and the policy's part is logged here so the log says why it ran.
    """
    receipt = fieldsync.import_receipt(vault, text)
    by_policy = policy.purge_after_receipt(vault)
    if not (purge or by_policy):
        return ReceiptOutcome(receipt, None, False)
    if by_policy:
        with vault.writing():
            vault.log_event({"type": "policy_purge", "receipt_seq": receipt.seq})
    return ReceiptOutcome(receipt, fieldsync.purge_acknowledged(vault), by_policy)
