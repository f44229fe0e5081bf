"""zgscaffold: start, check and update Hugging Face ZeroGPU Spaces."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("zgscaffold")  # from the git tag at build time (hatch-vcs)
except PackageNotFoundError:  # a source tree on sys.path that was never installed
    __version__ = "0.0.0.dev0"
