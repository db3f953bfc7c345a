"""The classroom web app (`cogov ui`): Solara pages over live `CogovModel` runs."""
