"""The ``asn-reco`` command line: thin Typer commands over model, service and synthetic."""
