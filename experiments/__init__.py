"""Experiments on the model (`cogov.experiments`): the command line (`cli/`), designs and runs
(`design`, `runs`), the local and Dask engines (`engine`, `batch`), the SQLite results store
(`store`, `export`), the report (`report`), and the analyses — pattern-oriented validation
(`patterns`), sensitivity (`sensitivity`), calibration (`calibrate`) and scenario discovery
(`scenario_discovery`)."""
