"""`python -m fieldapp` is the same as the `fieldapp` console script.

It is also the frozen app's entry point, where the media sandbox starts its worker processes as
`fieldapp --fieldapp-media-worker` (there is no separate Python interpreter to run them with).
"""

import sys

if len(sys.argv) > 1 and sys.argv[1] == "--fieldapp-media-worker":
    from fieldapp.media.worker import main as worker_main

    sys.exit(worker_main(sys.argv[2:]))

from fieldapp.cli import main

sys.exit(main())
