"""`python -m fieldapp` is the same as the `fieldapp` console script."""

import sys

from fieldapp.cli import main

sys.exit(main())
