"""Storage: the database schema, its migrations, engines, upserts and canonical frames."""
