"""Command-line front end: every non-GUI action, scriptable and testable without a screen.

The CLI and the GUI call the same store and domain functions; this module only parses arguments,
asks for passphrases, and prints (plain text for people, `--json` for scripts). `fieldapp` with no
subcommand starts the GUI; no subcommand ever does.
"""

from __future__ import annotations

import argparse
import getpass
import json
import os
import sys
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TextIO

from fieldapp import __version__, errors
from fieldapp.hardening import harden_process

PASSPHRASE_ENV = "FIELDAPP_PASSPHRASE"  # noqa: S105 (a variable name, not a secret)
NEW_PASSPHRASE_ENV = "FIELDAPP_NEW_PASSPHRASE"  # noqa: S105
VAULT_ENV = "FIELDAPP_VAULT"


class UsageError(errors.FieldappError):
    """The command line asks for something that cannot be done as written."""


# --- helpers ---
class Context:
    """What every command needs: the parsed arguments, the output stream, passphrase prompts."""

    def __init__(self, args: argparse.Namespace, out: TextIO, err: TextIO) -> None:
        self.args = args
        self.out = out
        self.err = err

    @property
    def json(self) -> bool:
        return bool(getattr(self.args, "json", False))

    @property
    def vault_path(self) -> Path:
        from fieldapp.store.vault import Vault

        if self.args.vault:
            return Path(self.args.vault).expanduser()
        env = os.environ.get(VAULT_ENV)
        return Path(env).expanduser() if env else Vault.default_path()

    def kdf(self) -> Any:
        from fieldapp.store.keyfile import KdfParams

        params = KdfParams.from_environment()
        if params != KdfParams.DEFAULT:
            self.err.write(
                "fieldapp: WARNING: insecure test key-derivation parameters in use "
                "(FIELDAPP_INSECURE_TEST_KDF=1); never use this for real case data\n"
            )
        return params

    def passphrase(self, prompt: str = "Passphrase: ", env: str = PASSPHRASE_ENV) -> str:
        value = os.environ.get(env)
        if value is not None:
            return value
        if not sys.stdin.isatty():
            raise UsageError(f"no passphrase: set {env} or run in a terminal to be asked")
        return getpass.getpass(prompt)

    def new_passphrase(self, env: str) -> str:
        """Asked twice at a prompt; from the environment once (scripts)."""
        value = os.environ.get(env)
        if value is not None:
            return value
        first = self.passphrase("New passphrase: ", env)
        second = self.passphrase("Repeat the new passphrase: ", env)
        if first != second:
            raise UsageError("the two passphrases differ; nothing was changed")
        return first

    def open_vault(self) -> Any:
        from fieldapp.store.vault import Vault

        return Vault.unlock(self.vault_path, self.passphrase())

    def emit(self, data: Any, text: str | Callable[[], str]) -> None:
        """Print `data` as JSON with --json, else the human text."""
        if self.json:
            json.dump(data, self.out, ensure_ascii=False, indent=2, sort_keys=True)
            self.out.write("\n")
        else:
            self.out.write((text() if callable(text) else text).rstrip("\n") + "\n")


def _parse_value(raw: str) -> Any:
    """`--set path=value`: JSON when it parses (numbers, null, lists), else the text itself."""
    try:
        value = json.loads(raw)
    except ValueError:
        return raw
    if isinstance(value, float):
        return raw  # decimals stay strings: no floats in records
    return value


def _coerce(current: Any, raw: str) -> Any:
    """A text field takes the text as typed ("95" stays "95"); other fields parse as JSON."""
    return raw if isinstance(current, str) else _parse_value(raw)


def _apply_sets(data: dict[str, Any], assignments: Sequence[str]) -> None:
    for item in assignments:
        if "=" not in item:
            raise UsageError(f"--set needs path=value, got {item!r}")
        path, raw = item.split("=", 1)
        keys = path.strip().split(".")
        target: Any = data
        for key in keys[:-1]:
            target = _step(target, key, path)
        last = keys[-1]
        if isinstance(target, list):
            i = _index(last, target, path)
            target[i] = _coerce(target[i], raw)
        elif isinstance(target, dict) and last in target:
            target[last] = _coerce(target[last], raw)
        else:
            raise UsageError(f"--set: unknown field {path!r}")


def _step(target: Any, key: str, path: str) -> Any:
    if isinstance(target, list):
        return target[_index(key, target, path)]
    if isinstance(target, dict) and key in target:
        return target[key]
    raise UsageError(f"--set: unknown field {path!r}")


def _index(key: str, target: list[Any], path: str) -> int:
    if not key.isdigit() or int(key) >= len(target):
        raise UsageError(f"--set: no list item {key!r} in {path!r}")
    return int(key)


def _read_json_file(path: str) -> dict[str, Any]:
    from fieldapp.domain.canonical import CanonicalJSONError, loads

    try:
        data = loads(Path(path).read_bytes())
    except OSError as exc:
        raise UsageError(f"cannot read {path}: {exc.strerror}") from exc
    except CanonicalJSONError as exc:
        raise UsageError(f"{path}: {exc}") from exc
    if not isinstance(data, dict):
        raise UsageError(f"{path}: expected a JSON object")
    return data


def _now_utc() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


# --- incidents ---
def _resolve_incident(vault: Any, key: str) -> str:
    """Accept an incident id or its reference code (what analysts actually quote)."""
    from fieldapp.store.assessments import resolve_incident

    with vault.reading() as conn:
        return resolve_incident(conn, key)


def _incident_from_args(args: argparse.Namespace, base: dict[str, Any]) -> Any:
    from fieldapp.domain import geo
    from fieldapp.domain.model import Harm, Incident, PlaceName, ShapeError, from_dict, to_dict

    data = base
    if args.file:
        file_data = _read_json_file(args.file)
        keep = {k: data[k] for k in ("id", "ref_code") if data.get(k)}
        data = {**to_dict(Incident()), **file_data, **keep}
    if args.title is not None:
        data["title"] = args.title
    if args.summary is not None:
        data["summary"] = args.summary
    if args.start is not None:
        data["time"]["start"] = args.start
    if args.end is not None:
        data["time"]["end"] = args.end
    if args.position is not None:
        try:
            lat, lon = geo.parse_position(args.position)
        except ValueError as exc:
            raise UsageError(f"--position: {exc}") from exc
        data["place"]["lat"], data["place"]["lon"] = lat, lon
    if args.place_name is not None:
        data["place"]["names"] = [to_dict(PlaceName(lang="", name=args.place_name))]
    if args.harm:
        harms = []
        for spec in args.harm:
            kind, _, mode = spec.partition(":")
            harms.append(to_dict(Harm(type=kind, mode=mode or "direct")))
        data["harms"] = harms
    _apply_sets(data, args.set or [])
    try:
        return from_dict(Incident, data)
    except ShapeError as exc:
        raise UsageError(str(exc)) from exc


def _incident_text(inc: Any, version: int) -> str:
    from fieldapp.domain import geo

    lines = [f"{inc.ref_code}  (version {version}, id {inc.id})", f"  title:    {inc.title}"]
    if inc.time.start:
        lines.append(f"  time:     {inc.time.start} – {inc.time.end or '?'} ({inc.time.precision})")
    if inc.place.lat:
        lines.append(
            f"  place:    {inc.place.lat}, {inc.place.lon}  "
            f"MGRS {geo.to_mgrs(inc.place.lat, inc.place.lon)}"
        )
    if inc.harms:
        lines.append("  harm:     " + ", ".join(f"{h.type} ({h.mode})" for h in inc.harms))
    killed, injured = inc.casualties.killed.total(), inc.casualties.injured.total()
    lines.append(f"  killed:   {_range(killed.min, killed.max)}")
    lines.append(f"  injured:  {_range(injured.min, injured.max)}")
    lines.append(
        f"  status:   {inc.assessment.workflow}"
        + (f", {inc.assessment.public_category}" if inc.assessment.public_category else "")
    )
    return "\n".join(lines)


def _range(lo: int | None, hi: int | None) -> str:
    if lo is None and hi is None:
        return "unknown"
    return f"{'?' if lo is None else lo}–{'?' if hi is None else hi}"


def cmd_incident_add(ctx: Context) -> int:
    from fieldapp.domain.model import Incident, to_dict

    vault = ctx.open_vault()
    try:
        inc = _incident_from_args(ctx.args, to_dict(Incident()))
        stored, version = vault.save_incident(inc, ctx.args.reason or "created")
        ctx.emit(
            {"incident": to_dict(stored), "version": version},
            f"added {stored.ref_code} (id {stored.id})",
        )
    finally:
        vault.lock()
    return 0


def cmd_incident_edit(ctx: Context) -> int:
    from fieldapp.domain.model import to_dict

    vault = ctx.open_vault()
    try:
        incident_id = _resolve_incident(vault, ctx.args.incident)
        current, version = vault.get_incident(incident_id)
        inc = _incident_from_args(ctx.args, to_dict(current))
        stored, new_version = vault.save_incident(
            inc, ctx.args.reason or "edited", expected_version=version
        )
        ctx.emit(
            {"incident": to_dict(stored), "version": new_version},
            f"saved {stored.ref_code} as version {new_version}",
        )
    finally:
        vault.lock()
    return 0


def cmd_incident_delete(ctx: Context) -> int:
    vault = ctx.open_vault()
    try:
        incident_id = _resolve_incident(vault, ctx.args.incident)
        vault.delete_incident(incident_id, ctx.args.reason)
        ctx.emit({"deleted": incident_id}, f"deleted {ctx.args.incident} (history kept)")
    finally:
        vault.lock()
    return 0


def cmd_incident_list(ctx: Context) -> int:
    from fieldapp.store.vault import IncidentQuery

    a = ctx.args
    query = IncidentQuery(
        text=a.text or "",
        workflow=a.workflow,
        public_category=a.category,
        harm_type=a.harm,
        date_from=a.date_from,
        date_to=a.date_to,
        order_by=a.order_by,
        descending=not a.ascending,
        limit=a.limit,
        offset=a.offset,
    )
    vault = ctx.open_vault()
    try:
        rows = vault.query_incidents(query)
        total = vault.count_incidents(query)
    finally:
        vault.lock()

    def text() -> str:
        lines = [f"{total} incident(s)" + (f", showing {len(rows)}" if len(rows) < total else "")]
        for r in rows:
            lines.append(
                f"{r.ref_code:<24} {r.start[:10]:<10} {r.workflow:<16} "
                f"{r.public_category or '-':<11} k {_range(r.killed_min, r.killed_max):<7} "
                f"{r.title}"
            )
        return "\n".join(lines)

    ctx.emit({"total": total, "incidents": [asdict(r) for r in rows]}, text)
    return 0


def cmd_incident_show(ctx: Context) -> int:
    from fieldapp.domain.diff import diff_records
    from fieldapp.domain.model import to_dict

    vault = ctx.open_vault()
    try:
        incident_id = _resolve_incident(vault, ctx.args.incident)
        inc, version = vault.get_incident(incident_id)
        history = vault.history(incident_id) if ctx.args.history else []
    finally:
        vault.lock()
    data: dict[str, Any] = {"incident": to_dict(inc), "version": version}
    if ctx.args.history:
        data["history"] = [asdict(v) for v in history]

    def text() -> str:
        out = [_incident_text(inc, version)]
        previous: dict[str, Any] | None = None
        for v in history:
            out.append(
                f"\nversion {v.version}  {v.at}  by {v.author}  "
                f"{'(deleted) ' if v.deleted else ''}reason: {v.reason}"
            )
            # The first version is the whole record (shown above); later ones show what changed.
            if previous is not None:
                for change in diff_records(previous, v.body):
                    out.append(f"    {change.path}: {change.old!r} -> {change.new!r}")
            previous = v.body
        return "\n".join(out)

    ctx.emit(data, text)
    return 0


# --- observations ---
def cmd_observation_add(ctx: Context) -> int:
    from fieldapp.domain import geo
    from fieldapp.domain.model import Observation, to_dict

    a = ctx.args
    vault = ctx.open_vault()
    try:
        lat = lon = ""
        if a.position:
            try:
                lat, lon = geo.parse_position(a.position)
            except ValueError as exc:
                raise UsageError(f"--position: {exc}") from exc
        obs = Observation(
            at=a.at or _now_utc(),
            category=a.category or "",
            text=a.text,
            lat=lat,
            lon=lon,
            incident_ids=[_resolve_incident(vault, key) for key in a.incident or []],
        )
        stored, version = vault.save_observation(obs, a.reason or "created")
        ctx.emit(
            {"observation": to_dict(stored), "version": version}, f"added observation {stored.id}"
        )
    finally:
        vault.lock()
    return 0


def cmd_observation_link(ctx: Context) -> int:
    from fieldapp.domain.model import to_dict

    vault = ctx.open_vault()
    try:
        incident_id = _resolve_incident(vault, ctx.args.incident)
        obs, version = vault.get_observation(ctx.args.observation)
        if incident_id not in obs.incident_ids:
            obs.incident_ids.append(incident_id)
        stored, version = vault.save_observation(
            obs, ctx.args.reason or "linked to incident", expected_version=version
        )
        ctx.emit(
            {"observation": to_dict(stored), "version": version},
            f"linked observation {stored.id} to {ctx.args.incident}",
        )
    finally:
        vault.lock()
    return 0


def cmd_observation_list(ctx: Context) -> int:
    from fieldapp.domain.model import to_dict

    vault = ctx.open_vault()
    try:
        incident_id = _resolve_incident(vault, ctx.args.incident) if ctx.args.incident else None
        items = vault.list_observations(incident_id=incident_id, limit=ctx.args.limit)
    finally:
        vault.lock()

    def text() -> str:
        lines = [f"{len(items)} observation(s)"]
        for o in items:
            excerpt = o.text.replace("\n", " ")
            lines.append(f"{o.at:<20} {o.category or '-':<14} {o.id}  {excerpt[:60]}")
        return "\n".join(lines)

    ctx.emit({"observations": [to_dict(o) for o in items]}, text)
    return 0


# --- evidence ---
def _evidence_text(item: Any) -> str:
    lines = [
        f"evidence {item.id}",
        f"  file:       {item.original_name} ({item.size} bytes, {item.media_type})",
        f"  sha256:     {item.sha256}",
        f"  imported:   {item.imported_at} by {item.imported_by} "
        f"({item.source_medium}, {item.acquisition})",
    ]
    if item.width is not None:
        lines.append(f"  image:      {item.image_format} {item.width}x{item.height}")
    if item.capture_time:
        lines.append(f"  captured:   {item.capture_time}")
    if item.gps_lat:
        lines.append(f"  gps:        {item.gps_lat}, {item.gps_lon}")
    if item.make or item.model:
        lines.append(f"  camera:     {item.make} {item.model}".rstrip())
    if item.caption:
        lines.append(f"  caption:    {item.caption}")
    lines.append(f"  sensitivity: {item.sensitivity}")
    if item.flags:
        lines.append("  flags:      " + ", ".join(item.flags))
    if item.duplicate_of:
        lines.append(f"  duplicate of {item.duplicate_of}")
    if item.incident_ids:
        lines.append("  incidents:  " + ", ".join(item.incident_ids))
    return "\n".join(lines)


def _consistency_json(result: Any) -> dict[str, Any]:
    delta = result.time_difference
    return {
        "distance_km": None if result.distance_km is None else round(result.distance_km, 3),
        "time_difference_s": None if delta is None else int(delta.total_seconds()),
        "warnings": list(result.warnings),
    }


def cmd_evidence_add(ctx: Context) -> int:
    """Import every file given; one bad file is reported and does not stop the others.

    Two files are imported at a time, sharing one two-worker media sandbox: storing one file
    and parsing another overlap, which uses the second core (1.75x faster measured).
    """
    from concurrent.futures import ThreadPoolExecutor

    from fieldapp.domain.model import to_dict
    from fieldapp.media import MediaSandbox

    a = ctx.args
    vault = ctx.open_vault()
    try:
        incident_ids = [_resolve_incident(vault, key) for key in a.incident or []]
        parallel = max(1, min(2, len(a.files)))

        def one(name: str) -> tuple[Any, str]:
            try:
                item = vault.add_evidence(
                    Path(name),
                    incident_ids=incident_ids,
                    caption=a.caption or "",
                    source_medium=a.source_medium,
                    acquisition=a.acquisition,
                    sensitivity=a.sensitivity,
                    sandbox=sandbox,
                )
            except (errors.FieldappError, OSError) as exc:
                problem = (exc.strerror or str(exc)) if isinstance(exc, OSError) else str(exc)
                # Evidence errors already name the file; others (a bad link) do not.
                return None, problem if name in problem else f"{name}: {problem}"
            return item, ""

        with MediaSandbox(workers=parallel) as sandbox, ThreadPoolExecutor(parallel) as pool:
            results = list(pool.map(one, a.files))
    finally:
        vault.lock()
    added = [item for item, _ in results if item is not None]
    failed = [problem for _, problem in results if problem]

    def text() -> str:
        lines = []
        for item in added:
            extra = f" [{', '.join(item.flags)}]" if item.flags else ""
            dup = f" (duplicate of {item.duplicate_of})" if item.duplicate_of else ""
            lines.append(f"added {item.original_name} as evidence {item.id}{extra}{dup}")
        return "\n".join(lines)

    ctx.emit({"evidence": [to_dict(i) for i in added], "failed": failed}, text)
    for problem in failed:
        ctx.err.write(f"fieldapp: not imported: {problem}\n")
    return 1 if failed else 0


def cmd_evidence_list(ctx: Context) -> int:
    from fieldapp.domain.model import to_dict

    vault = ctx.open_vault()
    try:
        incident_id = _resolve_incident(vault, ctx.args.incident) if ctx.args.incident else None
        items = vault.list_evidence(incident_id=incident_id, limit=ctx.args.limit)
    finally:
        vault.lock()

    def text() -> str:
        lines = [f"{len(items)} evidence item(s)"]
        for i in items:
            flags = f" [{', '.join(i.flags)}]" if i.flags else ""
            lines.append(f"{i.imported_at:<20} {i.id}  {i.media_type:<24} {i.original_name}{flags}")
        return "\n".join(lines)

    ctx.emit({"evidence": [to_dict(i) for i in items]}, text)
    return 0


def cmd_evidence_show(ctx: Context) -> int:
    from fieldapp.domain.model import to_dict

    vault = ctx.open_vault()
    try:
        item, version = vault.get_evidence(ctx.args.evidence)
        checks = {}
        for incident_id in item.incident_ids:
            try:
                checks[incident_id] = vault.evidence_consistency(item.id, incident_id)
            except errors.RecordNotFound:
                continue  # linked incident deleted since: history, nothing to compare
        thumbnail = vault.evidence_thumbnail(item.id)
    finally:
        vault.lock()
    data = {
        "evidence": to_dict(item),
        "version": version,
        "thumbnail_bytes": len(thumbnail) if thumbnail else 0,
        "consistency": {k: _consistency_json(v) for k, v in checks.items()},
    }

    def text() -> str:
        lines = [_evidence_text(item)]
        for incident_id, result in checks.items():
            parts = []
            if result.distance_km is not None:
                parts.append(f"{result.distance_km:.2f} km")
            if result.time_difference is not None:
                parts.append(f"{int(result.time_difference.total_seconds())} s")
            lines.append(f"  against {incident_id}: {', '.join(parts) or 'nothing to compare'}")
            lines.extend(f"    WARNING: {w}" for w in result.warnings)
        return "\n".join(lines)

    ctx.emit(data, text)
    return 0


def cmd_evidence_inspect(ctx: Context) -> int:
    from fieldapp.media import inspect_file

    path = Path(ctx.args.file)
    if not path.is_file() or path.is_symlink():
        raise UsageError(f"{path} is not a regular file")
    result = inspect_file(path)
    info = result.info.to_dict()
    data = {"path": str(path), **info}
    data["thumbnail_bytes"] = len(result.thumbnail_jpeg) if result.thumbnail_jpeg else 0

    def text() -> str:
        lines = [f"{path}"]
        lines += [f"  {k}: {v}" for k, v in sorted(info.items()) if v not in (None, [], "")]
        return "\n".join(lines)

    ctx.emit(data, text)
    return 0


def cmd_evidence_export(ctx: Context) -> int:
    dest = Path(ctx.args.dest)
    if dest.exists():
        raise UsageError(f"{dest} exists; choose a new file name (nothing is overwritten)")
    vault = ctx.open_vault()
    try:
        item = vault.export_evidence(ctx.args.evidence, dest, ctx.args.reason)
    finally:
        vault.lock()
    ctx.err.write(
        "fieldapp: WARNING: the copy is plain, unencrypted data outside the vault; "
        "keep it safe and delete it when done\n"
    )
    ctx.emit(
        {"exported": item.id, "sha256": item.sha256, "path": str(dest)},
        f"saved the original of {item.id} to {dest}",
    )
    return 0


def cmd_evidence_apply(ctx: Context) -> int:
    from fieldapp.domain.model import to_dict

    vault = ctx.open_vault()
    try:
        incident_id = _resolve_incident(vault, ctx.args.incident)
        inc, version = vault.apply_photo_place_time(incident_id, ctx.args.evidence, ctx.args.reason)
    finally:
        vault.lock()
    ctx.emit(
        {"incident": to_dict(inc), "version": version},
        f"{inc.ref_code} now uses the photo's place/time (version {version})",
    )
    return 0


# --- witnesses and statements ---
def _consent_event(a: argparse.Namespace, action: str) -> Any:
    from fieldapp.domain.witness import ConsentEvent

    return ConsentEvent(
        action=action,
        date=a.date or _now_utc(),
        scopes=list(a.scope or []),
        method=(a.method or "") if action == "given" else "",
        language=a.language or "",
        interpreter=a.interpreter or "",
        guardian=(a.guardian or "") if action == "given" else "",
        notes=a.notes or "",
    )


def _witness_json(witness: Any, version: int) -> dict[str, Any]:
    from fieldapp.domain.model import to_dict
    from fieldapp.domain.witness import current_scopes, withdrawn_scopes

    return {
        "witness": to_dict(witness),
        "version": version,
        "current_scopes": list(current_scopes(witness)),
        "withdrawn_scopes": list(withdrawn_scopes(witness)),
    }


def _witness_text(witness: Any, version: int) -> str:
    from fieldapp.domain.witness import current_scopes, withdrawn_scopes

    scopes = current_scopes(witness)
    gone = withdrawn_scopes(witness)
    ident = witness.identity
    lines = [
        f"{witness.code}  (version {version}, id {witness.id})",
        f"  consent now: {', '.join(scopes) if scopes else 'NONE in force'}",
    ]
    if gone:
        lines.append(f"  WITHDRAWN:   {', '.join(gone)}")
    lines += [
        f"  name:        {ident.name}",
        f"  contact:     {ident.contact}",
        f"  age:         {ident.age}{' (minor)' if witness.minor else ''}",
        f"  gender:      {ident.gender}",
        f"  community:   {ident.community}",
    ]
    if witness.protection_concerns:
        lines.append(f"  protection:  {witness.protection_concerns}")
    for e in witness.consent:
        what = ", ".join(e.scopes) or "all scopes"
        lines.append(
            f"  {e.date}  consent {e.action}: {what}" + (f" ({e.method})" if e.method else "")
        )
    return "\n".join(lines)


def cmd_witness_add(ctx: Context) -> int:
    from fieldapp.domain.witness import Witness, WitnessIdentity

    a = ctx.args
    vault = ctx.open_vault()
    try:
        witness = Witness(
            identity=WitnessIdentity(
                name=a.name or "",
                contact=a.contact or "",
                age=a.age or "",
                gender=a.gender or "unknown",
                community=a.community or "",
            ),
            minor=a.minor,
            protection_concerns=a.protection or "",
            consent=[_consent_event(a, "given")] if a.scope else [],
            incident_ids=[_resolve_incident(vault, key) for key in a.incident or []],
            notes=a.notes or "",
        )
        stored, version = vault.save_witness(witness, a.reason or "witness recorded")
    finally:
        vault.lock()
    ctx.emit(_witness_json(stored, version), f"added witness {stored.code} (id {stored.id})")
    return 0


def cmd_witness_show(ctx: Context) -> int:
    vault = ctx.open_vault()
    try:
        witness, version = vault.get_witness(vault.find_witness(ctx.args.witness))
    finally:
        vault.lock()
    ctx.emit(_witness_json(witness, version), lambda: _witness_text(witness, version))
    return 0


def cmd_witness_reveal(ctx: Context) -> int:
    vault = ctx.open_vault()
    try:
        witness_id = vault.find_witness(ctx.args.witness)
        witness, version = vault.get_witness(witness_id, reveal=True, reason=ctx.args.reason)
    finally:
        vault.lock()
    ctx.emit(_witness_json(witness, version), lambda: _witness_text(witness, version))
    return 0


def cmd_witness_consent(ctx: Context) -> int:
    a = ctx.args
    action = "withdrawn" if a.withdraw else "given"
    vault = ctx.open_vault()
    try:
        witness_id = vault.find_witness(a.witness)
        default_reason = "consent withdrawn" if a.withdraw else "consent given"
        witness, version = vault.record_consent(
            witness_id, _consent_event(a, action), a.reason or default_reason
        )
    finally:
        vault.lock()
    ctx.emit(_witness_json(witness, version), lambda: _witness_text(witness, version))
    return 0


def cmd_witness_list(ctx: Context) -> int:
    from fieldapp.domain.witness import current_scopes

    vault = ctx.open_vault()
    try:
        incident_id = _resolve_incident(vault, ctx.args.incident) if ctx.args.incident else None
        rows = vault.list_witnesses(incident_id=incident_id)
    finally:
        vault.lock()

    def text() -> str:
        lines = [f"{len(rows)} witness(es)"]
        for w, _ in rows:
            lines.append(f"{w.code:<18} consent: {', '.join(current_scopes(w)) or 'NONE'}")
        return "\n".join(lines)

    ctx.emit({"witnesses": [_witness_json(w, v) for w, v in rows]}, text)
    return 0


def _read_text_arg(value: str | None, file: str | None, what: str) -> str:
    if value is not None and file is not None:
        raise UsageError(f"give the {what} either as text or as a file, not both")
    if file is None:
        return value or ""
    try:
        return Path(file).read_text(encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"cannot read {file}: {exc.strerror}") from exc
    except UnicodeDecodeError as exc:
        raise UsageError(f"{file} is not UTF-8 text") from exc


def _statement_text(statement: Any, version: int) -> str:
    lines = [
        f"statement {statement.id} (version {version})",
        f"  witness:     {statement.witness_id}",
        f"  type:        {statement.type}",
        f"  interview:   {statement.interview_date} at {statement.interview_place or '?'} "
        f"by {statement.interviewer}"
        + (f" with interpreter {statement.interpreter}" if statement.interpreter else ""),
        f"  language:    {statement.language or '?'}",
        "",
        statement.original_text,
    ]
    if statement.translation:
        lines += ["", "translation:", statement.translation]
    if statement.attachment_ids:
        lines.append("\nattachments: " + ", ".join(statement.attachment_ids))
    return "\n".join(lines)


def cmd_statement_add(ctx: Context) -> int:
    from fieldapp.domain.model import to_dict
    from fieldapp.domain.witness import Statement

    a = ctx.args
    text = _read_text_arg(a.text, a.text_file, "statement")
    translation = _read_text_arg(a.translation, a.translation_file, "translation")
    vault = ctx.open_vault()
    try:
        statement = Statement(
            witness_id=vault.find_witness(a.witness),
            incident_ids=[_resolve_incident(vault, key) for key in a.incident or []],
            type=a.type,
            interview_date=a.date or _now_utc(),
            interview_place=a.place or "",
            interviewer=a.interviewer or vault.user,
            interpreter=a.interpreter or "",
            language=a.language or "",
            original_text=text,
            translation=translation,
            attachment_ids=list(a.attach or []),
        )
        stored, version = vault.save_statement(statement, a.reason or "statement recorded")
    finally:
        vault.lock()
    ctx.emit({"statement": to_dict(stored), "version": version}, f"added statement {stored.id}")
    return 0


def cmd_statement_show(ctx: Context) -> int:
    from fieldapp.domain.model import to_dict
    from fieldapp.domain.witness import current_scopes, withdrawn_scopes

    vault = ctx.open_vault()
    try:
        statement, version = vault.get_statement(ctx.args.statement)
        witness, _ = vault.get_witness(statement.witness_id)
    finally:
        vault.lock()
    # The witness's consent as it stands now, not as it stood at the interview: a withdrawal
    # must show wherever the witness's words appear.
    scopes, gone = current_scopes(witness), withdrawn_scopes(witness)

    def text() -> str:
        consent = f"  consent now: {', '.join(scopes) or 'NONE in force'}"
        if gone:
            consent += f"; WITHDRAWN: {', '.join(gone)}"
        head, _, rest = _statement_text(statement, version).partition("\n")
        return "\n".join([head, f"  witness code: {witness.code}", consent, rest])

    ctx.emit(
        {
            "statement": to_dict(statement),
            "version": version,
            "witness_code": witness.code,
            "current_scopes": list(scopes),
            "withdrawn_scopes": list(gone),
        },
        text,
    )
    return 0


def cmd_statement_list(ctx: Context) -> int:
    from fieldapp.domain.model import to_dict

    a = ctx.args
    vault = ctx.open_vault()
    try:
        witness_id = vault.find_witness(a.witness) if a.witness else None
        incident_id = _resolve_incident(vault, a.incident) if a.incident else None
        rows = vault.list_statements(
            witness_id=witness_id, incident_id=incident_id, text=a.text or "", limit=a.limit
        )
    finally:
        vault.lock()

    def text() -> str:
        lines = [f"{len(rows)} statement(s)"]
        for s, _ in rows:
            excerpt = (s.translation or s.original_text).replace("\n", " ")
            lines.append(f"{s.interview_date:<20} {s.id}  {s.type:<10} {excerpt[:60]}")
        return "\n".join(lines)

    ctx.emit({"statements": [to_dict(s) for s, _ in rows]}, text)
    return 0


# --- audit log, vault, device ---
def cmd_log_verify(ctx: Context) -> int:
    vault = ctx.open_vault()
    try:
        report = vault.verify_log()
    finally:
        vault.lock()

    def text() -> str:
        head = (
            f"audit log OK: {report.size} entries, {report.checkpoints} signed checkpoints"
            if report.ok
            else f"audit log FAILED verification ({len(report.problems)} problem(s)):"
        )
        return "\n".join([head, *(f"  - {p}" for p in report.problems)])

    ctx.emit(asdict(report), text)
    return 0 if report.ok else 1


def cmd_log_show(ctx: Context) -> int:
    vault = ctx.open_vault()
    try:
        entries = vault.audit_entries(offset=0, limit=ctx.args.limit)
        checkpoint = vault.latest_checkpoint()
    finally:
        vault.lock()

    def text() -> str:
        lines = [f"{e.index:>7} {e.at:<20} {e.kind:<16} {e.summary}" for e in entries]
        return "\n".join([*lines, "", "latest signed checkpoint:", checkpoint])

    ctx.emit({"entries": [asdict(e) for e in entries], "checkpoint": checkpoint}, text)
    return 0


def cmd_init(ctx: Context) -> int:
    from fieldapp.domain.passphrase import check_passphrase
    from fieldapp.store.vault import Vault

    a = ctx.args
    cell = a.cell or _ask("Cell name: ")
    analyst = a.analyst or _ask("Analyst pseudonym: ")
    passphrase = ctx.new_passphrase(PASSPHRASE_ENV)
    strength = check_passphrase(passphrase, [cell, analyst])
    if not strength.ok:
        hints = " ".join([strength.warning, *strength.suggestions]).strip()
        raise errors.WeakPassphrase(
            "passphrase too weak: use at least 12 characters, e.g. four or more unrelated words"
            + (f" ({hints})" if hints else "")
        )
    vault = Vault.create(
        ctx.vault_path, passphrase, cell_name=cell, analyst=analyst, role=a.role, kdf=ctx.kdf()
    )
    try:
        hq: dict[str, Any] = {}
        if a.role == "hq":
            from sync import enrollment

            try:
                listing = enrollment.create_hq_keys(vault)
            except BaseException:
                # An HQ vault without its keys would be half-made: take it away again.
                vault.lock()
                Vault.erase(vault.path)
                raise
            hq = {
                "hq_origin": listing.origin,
                "root_fingerprint": enrollment.root_fingerprint(listing),
            }
        device = vault.device
        extra = f"\nHQ root fingerprint {hq['root_fingerprint']}" if hq else ""
        ctx.emit(
            {"vault": str(vault.path), **_device_json(device), **hq},
            f"created {a.role} vault at {vault.path}\n"
            f"device code {device.code}\nfingerprint {device.fingerprint}{extra}",
        )
    finally:
        vault.lock()
    return 0


def _ask(prompt: str) -> str:
    if not sys.stdin.isatty():
        raise UsageError(f"missing value for {prompt.rstrip(': ').lower()}: pass it as an option")
    return input(prompt).strip()


def _device_json(device: Any) -> dict[str, Any]:
    return {
        "device_id": device.device_id,
        "code": device.code,
        "fingerprint": device.fingerprint,
        "public_key": device.public_key.hex(),
        "cell_name": device.cell_name,
        "role": device.role,
    }


def cmd_device_show(ctx: Context) -> int:
    vault = ctx.open_vault()
    try:
        device = vault.device
    finally:
        vault.lock()
    ctx.emit(
        _device_json(device),
        f"cell        {device.cell_name} ({device.role})\n"
        f"device id   {device.device_id}\ndevice code {device.code}\n"
        f"fingerprint {device.fingerprint}",
    )
    return 0


def cmd_vault_passwd(ctx: Context) -> int:
    vault = ctx.open_vault()
    try:
        old = ctx.passphrase()
        vault.change_passphrase(old, ctx.new_passphrase(NEW_PASSPHRASE_ENV), ctx.kdf())
        ctx.emit({"changed": True, "user": vault.user}, f"passphrase changed for {vault.user}")
    finally:
        vault.lock()
    return 0


def cmd_vault_add_user(ctx: Context) -> int:
    vault = ctx.open_vault()
    try:
        slot = vault.add_slot(ctx.args.label, ctx.new_passphrase(NEW_PASSPHRASE_ENV), ctx.kdf())
        ctx.emit({"slot": slot.id, "label": slot.label}, f"added user {slot.label}")
    finally:
        vault.lock()
    return 0


def cmd_vault_check(ctx: Context) -> int:
    vault = ctx.open_vault()
    try:
        report = vault.check()
    finally:
        vault.lock()
    ctx.emit(
        asdict(report),
        lambda: (
            "vault OK"
            if report.ok
            else "\n".join(["vault check FAILED:", *(f"  - {p}" for p in report.problems)])
        ),
    )
    return 0 if report.ok else 1


def cmd_vault_erase(ctx: Context) -> int:
    from fieldapp.store.vault import Vault

    path = ctx.vault_path
    if not Vault.exists(path):
        raise errors.NoVault(f"no vault at {path}")
    if not ctx.args.yes:
        if not sys.stdin.isatty():
            raise UsageError(
                "erasing destroys every record and all evidence for good; "
                "confirm with --yes when not at a terminal"
            )
        ctx.err.write(
            f"This destroys the vault at {path} for good: every record, all evidence.\n"
            "Type ERASE to confirm: "
        )
        ctx.err.flush()
        if input().strip() != "ERASE":
            ctx.emit({"erased": False}, "not erased")
            return 1
    Vault.erase(path)
    ctx.emit({"erased": True, "vault": str(path)}, f"vault at {path} erased")
    return 0


def cmd_gui(ctx: Context) -> int:
    screenshot = getattr(ctx.args, "screenshot", None)
    if screenshot:
        from fieldapp.ui.app import screenshot_main_window

        out = screenshot_main_window(ctx.vault_path, ctx.passphrase(), Path(screenshot))
        ctx.emit({"screenshot": str(out)}, lambda: f"main window saved to {out}")
        return 0
    from fieldapp.ui.app import run_gui

    return run_gui(ctx.vault_path, ctx.kdf())


# --- parser ---
def _incident_fields(p: argparse.ArgumentParser) -> None:
    p.add_argument("--title")
    p.add_argument("--summary")
    p.add_argument("--start", help="ISO 8601 UTC, e.g. 2026-03-14T09:30:00Z")
    p.add_argument("--end", help="ISO 8601 UTC")
    p.add_argument("--position", help='"33.3152, 44.3661" or MGRS "38SMB4484184012"')
    p.add_argument("--place-name")
    p.add_argument("--harm", action="append", help="harm type[:direct|indirect], repeatable")
    p.add_argument(
        "--set",
        action="append",
        metavar="PATH=VALUE",
        help="any field, e.g. casualties.killed.women.min=2",
    )
    p.add_argument("--file", help="a JSON file with the whole incident")
    p.add_argument("--reason", help="why this version was saved")


def build_parser() -> argparse.ArgumentParser:
    from fieldapp.domain.evidence import ACQUISITION_METHODS, SENSITIVITIES, SOURCE_MEDIA
    from fieldapp.domain.witness import CONSENT_METHODS, CONSENT_SCOPES, STATEMENT_TYPES

    # The global options are accepted before and after the command. Below the command their
    # default is SUPPRESS, so `fieldapp --vault X incident list` keeps X instead of resetting it.
    def global_options(suppress: bool) -> argparse.ArgumentParser:
        p = argparse.ArgumentParser(add_help=False)
        extra: dict[str, Any] = {"default": argparse.SUPPRESS} if suppress else {}
        p.add_argument("--json", action="store_true", help="machine-readable output", **extra)
        p.add_argument(
            "--vault",
            metavar="DIR",
            help=f"vault folder (default: ${VAULT_ENV} or the user data folder)",
            **extra,
        )
        return p

    common = global_options(suppress=True)

    parser = argparse.ArgumentParser(
        prog="fieldapp",
        description="CHM Cell field tool. Without a command, starts the desktop app.",
        parents=[global_options(suppress=False)],
    )
    parser.add_argument("--version", action="version", version=f"fieldapp {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    def add(
        parent: Any, name: str, func: Callable[[Context], int], help_: str
    ) -> argparse.ArgumentParser:
        p: argparse.ArgumentParser = parent.add_parser(name, help=help_, parents=[common])
        p.set_defaults(func=func)
        return p

    p = add(sub, "gui", cmd_gui, "start the desktop app")
    p.add_argument(
        "--screenshot",
        metavar="FILE",
        help="open the vault, save the main window as PNG and exit (packaging smoke test)",
    )
    p = add(sub, "init", cmd_init, "create a vault")
    p.add_argument("--cell", help="cell name")
    p.add_argument("--analyst", help="your analyst pseudonym")
    p.add_argument("--role", choices=("field", "hq"), default="field")

    inc = sub.add_parser("incident", help="incidents").add_subparsers(
        dest="sub", metavar="ACTION", required=True
    )
    _incident_fields(add(inc, "add", cmd_incident_add, "add an incident"))
    p = add(inc, "edit", cmd_incident_edit, "save a new version of an incident")
    p.add_argument("incident", help="id or reference code")
    _incident_fields(p)
    p = add(inc, "delete", cmd_incident_delete, "delete (tombstone; history is kept)")
    p.add_argument("incident")
    p.add_argument("--reason", required=True)
    p = add(inc, "show", cmd_incident_show, "show an incident")
    p.add_argument("incident")
    p.add_argument("--history", action="store_true", help="every version with its changes")
    p = add(inc, "list", cmd_incident_list, "list and filter the register")
    p.add_argument("--text", help="full-text search")
    p.add_argument("--workflow", choices=("reported", "under_assessment", "assessed"))
    p.add_argument("--category", choices=("confirmed", "unconfirmed", "unlikely"))
    p.add_argument("--harm", help="harm type code")
    p.add_argument("--from", dest="date_from", metavar="YYYY-MM-DD")
    p.add_argument("--to", dest="date_to", metavar="YYYY-MM-DD")
    p.add_argument(
        "--order-by",
        default="updated_at",
        choices=(
            "ref_code",
            "title",
            "start",
            "workflow",
            "public_category",
            "killed_max",
            "updated_at",
        ),
    )
    p.add_argument("--ascending", action="store_true")
    p.add_argument("--limit", type=int, default=200)
    p.add_argument("--offset", type=int, default=0)

    obs = sub.add_parser("observation", help="observations").add_subparsers(
        dest="sub", metavar="ACTION", required=True
    )
    p = add(obs, "add", cmd_observation_add, "log an observation")
    p.add_argument("--text", required=True)
    p.add_argument("--category")
    p.add_argument("--at", help="ISO 8601 UTC (default: now)")
    p.add_argument("--position")
    p.add_argument("--incident", action="append", help="link to an incident (id or reference code)")
    p.add_argument("--reason")
    p = add(obs, "list", cmd_observation_list, "list observations")
    p.add_argument("--incident")
    p.add_argument("--limit", type=int, default=500)
    p = add(obs, "link", cmd_observation_link, "link an observation to an incident")
    p.add_argument("observation", help="observation id")
    p.add_argument("incident", help="incident id or reference code")
    p.add_argument("--reason")

    ev = sub.add_parser("evidence", help="evidence files and photos").add_subparsers(
        dest="sub", metavar="ACTION", required=True
    )
    p = add(ev, "add", cmd_evidence_add, "import files as evidence (originals kept encrypted)")
    p.add_argument("files", nargs="+", metavar="FILE")
    p.add_argument("--incident", action="append", help="link to an incident (id or reference code)")
    p.add_argument("--caption")
    p.add_argument("--source-medium", default="other", choices=SOURCE_MEDIA)
    p.add_argument("--acquisition", default="other", choices=ACQUISITION_METHODS)
    p.add_argument("--sensitivity", default="normal", choices=SENSITIVITIES)
    p = add(ev, "list", cmd_evidence_list, "list evidence items")
    p.add_argument("--incident")
    p.add_argument("--limit", type=int, default=500)
    p = add(ev, "show", cmd_evidence_show, "an item with its consistency against its incidents")
    p.add_argument("evidence", help="evidence id")
    p = add(ev, "inspect", cmd_evidence_inspect, "print a file's metadata without storing it")
    p.add_argument("file")
    p = add(ev, "export", cmd_evidence_export, "save a plain copy of an original (logged)")
    p.add_argument("evidence", help="evidence id")
    p.add_argument("dest", help="the new file to write")
    p.add_argument("--reason", required=True)
    p = add(ev, "apply", cmd_evidence_apply, "use a photo's place/time for an incident (logged)")
    p.add_argument("evidence", help="evidence id")
    p.add_argument("incident", help="incident id or reference code")
    p.add_argument("--reason", required=True)

    def consent_options(p: argparse.ArgumentParser) -> None:
        p.add_argument("--scope", action="append", choices=CONSENT_SCOPES, help="repeatable")
        p.add_argument("--method", choices=CONSENT_METHODS)
        p.add_argument("--date", help="ISO 8601 (default: now)")
        p.add_argument("--language", help="language code, e.g. ar")
        p.add_argument("--interpreter")
        p.add_argument("--guardian", help="required when the witness is a minor")
        p.add_argument("--notes")
        p.add_argument("--reason")

    wit = sub.add_parser("witness", help="witnesses and their consent").add_subparsers(
        dest="sub", metavar="ACTION", required=True
    )
    p = add(wit, "add", cmd_witness_add, "record a witness (consent with --scope/--method)")
    p.add_argument("--name")
    p.add_argument("--contact")
    p.add_argument("--age", help="whole years")
    p.add_argument("--gender", choices=("female", "male", "other", "unknown"))
    p.add_argument("--community")
    p.add_argument("--minor", action="store_true")
    p.add_argument("--protection", help="protection concerns")
    p.add_argument("--incident", action="append")
    consent_options(p)
    p = add(wit, "show", cmd_witness_show, "a witness with current consent (identity hidden)")
    p.add_argument("witness", help="witness code or id")
    p = add(wit, "reveal", cmd_witness_reveal, "show the identity (logged, needs a reason)")
    p.add_argument("witness", help="witness code or id")
    p.add_argument("--reason", required=True)
    p = add(wit, "consent", cmd_witness_consent, "give or withdraw consent")
    p.add_argument("witness", help="witness code or id")
    p.add_argument("--withdraw", action="store_true", help="withdraw (no --scope: every scope)")
    consent_options(p)
    p = add(wit, "list", cmd_witness_list, "witnesses with their current consent")
    p.add_argument("--incident")

    st = sub.add_parser("statement", help="witness statements").add_subparsers(
        dest="sub", metavar="ACTION", required=True
    )
    p = add(st, "add", cmd_statement_add, "record a statement")
    p.add_argument("--witness", required=True, help="witness code or id")
    p.add_argument("--type", default="eyewitness", choices=STATEMENT_TYPES)
    p.add_argument("--date", help="interview date, ISO 8601 (default: now)")
    p.add_argument("--place", help="interview place")
    p.add_argument("--interviewer", help="default: you")
    p.add_argument("--interpreter")
    p.add_argument("--language", help="language code of the original, e.g. ar")
    p.add_argument("--text", help="the statement as given")
    p.add_argument("--text-file", help="read the statement from a UTF-8 file")
    p.add_argument("--translation")
    p.add_argument("--translation-file")
    p.add_argument("--incident", action="append")
    p.add_argument("--attach", action="append", metavar="EVIDENCE_ID")
    p.add_argument("--reason")
    p = add(st, "show", cmd_statement_show, "show a statement")
    p.add_argument("statement", help="statement id")
    p = add(st, "list", cmd_statement_list, "list and search statements")
    p.add_argument("--witness")
    p.add_argument("--incident")
    p.add_argument("--text", help="full-text search")
    p.add_argument("--limit", type=int, default=500)

    log = sub.add_parser("log", help="the tamper-evident audit log").add_subparsers(
        dest="sub", metavar="ACTION", required=True
    )
    add(log, "verify", cmd_log_verify, "recompute every hash, root and signature")
    p = add(log, "show", cmd_log_show, "latest audit entries and checkpoint")
    p.add_argument("--limit", type=int, default=50)

    vlt = sub.add_parser("vault", help="the vault itself").add_subparsers(
        dest="sub", metavar="ACTION", required=True
    )
    add(
        vlt,
        "passwd",
        cmd_vault_passwd,
        f"change your passphrase (new one from ${NEW_PASSPHRASE_ENV} or asked)",
    )
    add(vlt, "check", cmd_vault_check, "database and audit-log integrity check")
    p = add(vlt, "add-user", cmd_vault_add_user, "add a second user's key slot")
    p.add_argument("label", help="the new user's analyst pseudonym")
    p = add(vlt, "erase", cmd_vault_erase, "crypto-erase the vault (irreversible)")
    p.add_argument("--yes", action="store_true", help="confirm without a prompt")
    from fieldapp import cli_policy  # issue 6: vault policy show|set

    cli_policy.register(vlt, add)

    dev = sub.add_parser("device", help="this device's identity").add_subparsers(
        dest="sub", metavar="ACTION", required=True
    )
    add(dev, "show", cmd_device_show, "device id, code and fingerprint")

    # Sync (issue 4): the groups are made here once; each module adds its own actions.
    from fieldapp import (
        cli_bundle,
        cli_deconflict,
        cli_enroll,
        cli_hq,
        cli_package,
        cli_provenance,
        cli_release,
        cli_reports,
        cli_review,
    )

    groups = SyncGroups(
        hq=_group(sub, "hq", "HQ: keys, enrolment, import of bundles"),
        enroll=_group(sub, "enroll", "field: enrol this device with HQ"),
        bundle=_group(sub, "bundle", "sync bundles: export (field), verify (anyone)"),
        receipt=_group(sub, "receipt", "field: HQ receipts"),
    )
    cli_enroll.register(groups, add)
    cli_bundle.register(groups, add)
    cli_hq.register(groups, add)
    # HQ review (issue 5): one module each
    for module in (cli_review, cli_reports, cli_release, cli_deconflict, cli_package):
        module.register(groups, add)
    cli_provenance.register(groups, add)
    return parser


@dataclass(frozen=True)
class SyncGroups:
    """The sub-command groups the sync modules add their actions to."""

    hq: Any
    enroll: Any
    bundle: Any
    receipt: Any


AddCommand = Callable[[Any, str, Callable[[Context], int], str], argparse.ArgumentParser]


def _group(sub: Any, name: str, help_: str) -> Any:
    return sub.add_parser(name, help=help_).add_subparsers(
        dest="sub", metavar="ACTION", required=True
    )


def main(
    argv: Sequence[str] | None = None, out: TextIO | None = None, err: TextIO | None = None
) -> int:
    """Entry point of the console script; returns the exit status (0 ok, 1 error, 2 usage)."""
    out = out or sys.stdout
    err = err or sys.stderr
    harden_process()
    parser = build_parser()
    args = parser.parse_args(argv)
    func: Callable[[Context], int] = getattr(args, "func", cmd_gui)
    ctx = Context(args, out, err)
    try:
        return func(ctx)
    except errors.ValidationError as exc:
        return _fail(ctx, exc, [str(issue) for issue in exc.issues])
    except UsageError as exc:
        return _fail(ctx, exc, [], status=2)
    except errors.FieldappError as exc:
        return _fail(ctx, exc, [])
    except KeyboardInterrupt:
        err.write("fieldapp: interrupted; nothing was saved half-way\n")
        return 130


def _fail(ctx: Context, exc: errors.FieldappError, details: list[str], status: int = 1) -> int:
    if ctx.json:
        json.dump(
            {"error": type(exc).__name__, "message": str(exc), "details": details},
            ctx.out,
            ensure_ascii=False,
            indent=2,
        )
        ctx.out.write("\n")
    if details:
        ctx.err.write("fieldapp: the record was not saved:\n")
        for line in details:
            ctx.err.write(f"  - {line}\n")
    else:
        ctx.err.write(f"fieldapp: {exc}\n")
    return status
