"""Knowledge: the schema of the YAML files, their loader and the immutable snapshot."""
