"""Scale data and the benchmark harness (issue #8). Not an installed app: scripts only."""
