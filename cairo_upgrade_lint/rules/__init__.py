"""Rules: one module per rule family; each rule reads models and diffs and yields Findings."""
