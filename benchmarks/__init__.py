"""Speed scripts, run by hand from the repository root as modules (`make bench` runs all four)."""
