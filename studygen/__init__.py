"""studygen: one structured study file in, print-ready PDFs out."""

__version__ = "0.1.0"
