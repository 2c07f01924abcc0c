"""`python -m fieldapp` is the same as the `fieldapp` console script.

It is also the frozen app's entry point, where the media sandbox starts its worker processes as
`fieldapp --fieldapp-media-worker` (there is no separate Python interpreter to run them with),
and HQ's bundle import its quarantine worker as `fieldapp --fieldapp-sync-worker`.
"""

import sys

if len(sys.argv) > 1 and sys.argv[1] == "--fieldapp-media-worker":
    from fieldapp.media.worker import main as worker_main

    sys.exit(worker_main(sys.argv[2:]))

if len(sys.argv) > 1 and sys.argv[1] == "--fieldapp-sync-worker":
    # The bundle quarantine worker (sync/quarantine.py): decrypts and unpacks one bundle
    # under resource limits; its request, HQ's identities included, arrives on stdin.
    from sync.quarantine import worker_main as sync_worker_main

    sys.exit(sync_worker_main())

from fieldapp.cli import main

sys.exit(main())
