"""The run lifecycle: beginning a run, its progress, its liveness, and reaping dead runs."""
