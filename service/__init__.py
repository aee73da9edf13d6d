"""Storage, import/export, and the FastAPI service around the models."""
