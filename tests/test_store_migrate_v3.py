"""Schema 3 -> 4 on real vaults made by the v3 code (`tests/data/make_vault_v3.py`): an enrolled
field vault holding HQ's receipt, and the HQ vault that imported its bundle, keep syncing."""

from __future__ import annotations

import shutil
from pathlib import Path

from fieldapp.domain.witness import PURGED
from fieldapp.store import schema
from fieldapp.store.vault import Vault
from sync import fieldsync, hqimport
from tests.helpers import TEST_PASSPHRASE

FIXTURE_V3 = Path(__file__).parent / "data" / "vault-v3"


def test_v3_pair_migrates_purges_and_keeps_syncing(tmp_path: Path) -> None:
    shutil.copytree(FIXTURE_V3, tmp_path / "v3")
    field = Vault.unlock(tmp_path / "v3" / "field", TEST_PASSPHRASE)
    hq = Vault.unlock(tmp_path / "v3" / "hq", TEST_PASSPHRASE)
    try:
        for vault in (field, hq):
            assert [b.name for b in vault.path.glob("vault.db.before-*")] == [
                schema.backup_name(schema.SCHEMA_VERSION)
            ]
            check = vault.verify_log()
            assert check.ok, check.problems
        [(witness, _)] = field.list_witnesses()

        # The receipt taken under v3 allows the purge that v4 brings.
        assert fieldsync.sync_status(field).purgeable_identities == 1
        assert fieldsync.purge_acknowledged(field).identities == 1
        revealed, _ = field.get_witness(witness.id, reveal=True, reason="fixture test")
        assert (revealed.identity.name, revealed.identity.age) == (PURGED, "37")
        assert field.verify_log().ok

        # The next bundle continues the v3 sequence at HQ.
        current, version = field.get_witness(witness.id)
        current.notes = "moved to her sister's house"
        field.save_witness(current, "new address noted", expected_version=version)
        bundle = fieldsync.export_bundle(field, tmp_path)
        report = hqimport.import_bundle(hq, bundle.path, receipts_dir=tmp_path)
        assert (report.status, report.seq, report.versions) == ("imported", 2, 1), report.reason
        at_hq, hq_version = hq.get_witness(witness.id, reveal=True, reason="fixture test")
        assert hq_version == 2
        assert (at_hq.identity.name, at_hq.identity.contact) == ("Huda Karim", "+964 750 000 0001")
        assert at_hq.notes == "moved to her sister's house"
        assert hq.verify_log().ok and field.verify_log().ok
    finally:
        field.lock()
        hq.lock()
