"""Benchmarks of clusterbridge: a generator of realistic clusters and timed runs against it."""
