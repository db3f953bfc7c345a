"""``python -m experiments`` runs the `cogov` command line."""

from .cli import main

main()
