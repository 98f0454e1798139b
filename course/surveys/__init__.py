"""Survey instruments and surveys: YAML definitions, checking and scoring (no Flask here)."""
