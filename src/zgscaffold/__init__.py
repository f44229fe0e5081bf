"""zgscaffold: start, check and update Hugging Face ZeroGPU Spaces."""


def __getattr__(name: str) -> str:
    """`__version__`, read on first use: importlib.metadata costs a one-Space check ~0.1 s."""
    if name != "__version__":
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from importlib.metadata import PackageNotFoundError, version

    try:
        found = version("zgscaffold")  # from the git tag at build time (hatch-vcs)
    except PackageNotFoundError:  # a source tree on sys.path that was never installed
        found = "0.0.0.dev0"
    globals()["__version__"] = found
    return found
