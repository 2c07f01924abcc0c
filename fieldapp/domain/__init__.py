"""Pure-Python domain: what a CHM Cell records and the rules it follows (no imports of ours)."""
