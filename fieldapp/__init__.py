"""fieldapp: the CHM Cell field tool (offline, encrypted)."""

from importlib import metadata

try:
    __version__ = metadata.version("fieldapp")
except metadata.PackageNotFoundError:  # running from a frozen app or a bare checkout
    __version__ = "0.1.0"
