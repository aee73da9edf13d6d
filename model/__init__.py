"""Recommendation and engagement models for ASN competency development (pure pandas/numpy)."""
