"""``python -m pressroom``: the ``publish`` command (how a catalogue starts each title's build)."""

import sys

from .catalogue import stop_with_parent
from .cli import main

stop_with_parent()
sys.exit(main())
