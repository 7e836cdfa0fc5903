#!/usr/bin/env python
"""Django's manage.py; `clusterbridge` (the console command) does the same."""

import sys

from clusterbridge.cli import main

if __name__ == "__main__":
    main(sys.argv)
