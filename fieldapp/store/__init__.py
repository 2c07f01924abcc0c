"""The vault: keyfile, SQLCipher, records, audit log. Opens SQLCipher; never imports Qt."""
