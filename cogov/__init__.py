"""cogov: an agent-based model of multi-actor community governance in China (基层社会治理).

One import package whose parts live in the repository's top-level folders (``pyproject.toml`` maps
them, for a wheel and for an editable install alike):

- ``cogov.model`` (``model/``): the simulation — entities, mechanisms, levers, metrics;
- ``cogov.scenarios`` (``scenarios/``): the presets, shipped as package data;
- ``cogov.experiments`` (``experiments/``): the command line, batch runs, the store, the analyses;
- ``cogov.app`` (``app/``): the classroom web app (`cogov ui`).

Importing ``cogov`` loads nothing heavy; import the part you need.
"""
