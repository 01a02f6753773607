"""``python -m flows.sample_portal``: serve the sample portal until Ctrl-C."""

import sys

from flows.sample_portal.server import main

sys.exit(main())
