"""``python -m cogov`` runs the `cogov` command line."""

from .experiments.entry import main

main()
