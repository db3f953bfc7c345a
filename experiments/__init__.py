"""Running the model: the command line, the results store, and (later) batch experiments."""
