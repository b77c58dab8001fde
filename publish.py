#!/usr/bin/env python3
"""Publish the manuscript: ``python publish.py build`` (see ``--help``)."""

import sys

from pressroom.cli import main

if __name__ == "__main__":
    sys.exit(main())
