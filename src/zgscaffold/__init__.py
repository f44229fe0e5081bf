"""zgscaffold: start, check and update Hugging Face ZeroGPU Spaces."""

__version__ = "0.1.0"
