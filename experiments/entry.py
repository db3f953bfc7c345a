"""The `cogov` executable: the command line, and a clean exit when Ctrl-C comes while the command
line itself is still being imported, before it can say so itself."""

from __future__ import annotations

import sys


def main() -> None:
    try:
        from .cli import main as command_line
    except KeyboardInterrupt:
        sys.stderr.write("interrupted before the command started; nothing was run\n")
        sys.exit(130)
    command_line()
