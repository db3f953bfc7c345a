"""``python -m experiments`` runs the `cogov` command line."""

from .entry import main

main()
