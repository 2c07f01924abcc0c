"""Sync bundles (issue 4): age v1, signed notes, BagIt-in-ustar, HQ import."""
