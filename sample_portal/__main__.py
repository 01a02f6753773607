"""``python -m sample_portal``: serve the sample portal until Ctrl-C."""

import sys

from sample_portal.server import main

sys.exit(main())
