"""Validated import of CSV/XLSX files into the canonical tables."""
