"""Finding help: query understanding, ranking and filters over the directory."""
