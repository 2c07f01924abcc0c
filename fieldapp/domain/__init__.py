"""Pure-Python domain: what a CHM Cell records, and the rules it must follow (imports nothing of ours)."""
