"""HQ review (issue 5): assessment, provenance and verification, reports and open data, the
public-release gate, deconfliction with external datasets, court-ready evidence packages.

Sits above `store` and `sync` and below the CLI and the GUI; no Qt here (PDF drawing lives in
`fieldapp/ui/`).
"""
