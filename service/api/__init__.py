"""The HTTP API (FastAPI): ``create_app()`` builds it; ``asn-reco serve`` runs it."""
