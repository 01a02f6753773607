"""``python -m bulletin.cli``: the ``bulletin`` command."""

import sys

from bulletin.cli import main

sys.exit(main())
