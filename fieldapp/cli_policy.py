"""Command line for the hardening policies (issue 6 §3): `fieldapp vault policy show|set`.

The work is `fieldapp.store.policy` (the Settings dialog calls the same functions). Every change
asks for the passphrase of the user who opens the vault, again, and is logged.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from fieldapp.cli import AddCommand, Context
    from fieldapp.store.policy import Policies

DURESS_PASSPHRASE_ENV = "FIELDAPP_DURESS_PASSPHRASE"  # noqa: S105 - a variable name


def _data(p: Policies) -> dict[str, Any]:
    return {
        "wipe_after": p.wipe_after,
        "duress": p.duress,
        "duress_label": p.duress_label,
        "purge_after_receipt": p.purge_after_receipt,
    }


def _text(p: Policies) -> str:
    wipe = (
        f"on: the vault erases itself after {p.wipe_after} wrong passphrases in a row"
        if p.wipe_after
        else "off"
    )
    duress = f"on (key slot labelled {p.duress_label!r})" if p.duress else "off"
    purge = "on" if p.purge_after_receipt else "off"
    return "\n".join(
        [
            f"wipe after failed unlocks: {wipe}",
            f"duress passphrase: {duress}",
            f"purge acknowledged plaintext after each HQ receipt: {purge}",
        ]
    )


def cmd_policy_show(ctx: Context) -> int:
    from fieldapp.store import policy

    vault = ctx.open_vault()
    try:
        current = policy.policies(vault)
    finally:
        vault.lock()
    ctx.emit(_data(current), _text(current))
    return 0


def _on_off(value: str | None) -> bool | None:
    return None if value is None else value == "on"


def cmd_policy_set(ctx: Context) -> int:
    from fieldapp.cli import UsageError
    from fieldapp.store import policy

    args = ctx.args
    wipe = _on_off(args.wipe)
    duress = _on_off(args.duress)
    purge = _on_off(args.purge_after_receipt)
    if wipe is None and duress is None and purge is None:
        raise UsageError("say what to change: --wipe, --duress or --purge-after-receipt")
    if wipe and args.wipe_after is None:
        raise UsageError(f"--wipe on needs --wipe-after N (at least {policy.MIN_WIPE_AFTER})")
    if duress and not args.duress_label:
        raise UsageError("--duress on needs --duress-label (shown in the slot list like a user)")
    vault = ctx.open_vault()
    try:
        # Asked (or read) again: the policy functions check it against your own key slot.
        passphrase = ctx.passphrase("Your passphrase, to confirm: ")
        current = policy.policies(vault)
        if wipe is not None:
            current = policy.set_wipe_after(vault, passphrase, args.wipe_after if wipe else None)
        if purge is not None:
            current = policy.set_purge_after_receipt(vault, passphrase, purge)
        if duress is not None:
            code = ctx.new_passphrase(DURESS_PASSPHRASE_ENV) if duress else None
            current = policy.set_duress(vault, passphrase, code, args.duress_label or "")
    finally:
        vault.lock()
    ctx.emit(_data(current), _text(current))
    return 0


def register(vault_group: Any, add: AddCommand) -> None:
    """Add `policy show` and `policy set` under the `vault` command group."""
    group = vault_group.add_parser(
        "policy", help="security policies: wipe, duress passphrase, purge after receipt"
    ).add_subparsers(dest="policy_action", metavar="ACTION", required=True)
    add(group, "show", cmd_policy_show, "show the security policies (all off by default)")
    p = add(group, "set", cmd_policy_set, "change a policy (asks for your passphrase; logged)")
    p.add_argument(
        "--wipe",
        choices=("on", "off"),
        help="erase the vault after --wipe-after wrong passphrases in a row (irreversible)",
    )
    p.add_argument("--wipe-after", type=int, metavar="N", help="wrong passphrases allowed (>= 3)")
    p.add_argument(
        "--duress",
        choices=("on", "off"),
        help=f"a duress passphrase (from ${DURESS_PASSPHRASE_ENV} or asked twice) that destroys "
        "the data key for everyone and then looks like a wrong passphrase",
    )
    p.add_argument("--duress-label", metavar="LABEL", help="the duress slot's label")
    p.add_argument(
        "--purge-after-receipt",
        choices=("on", "off"),
        help="after each HQ receipt, delete the acknowledged originals and identities (logged)",
    )
