"""The HR dashboard: server-rendered pages (Jinja2) on top of the API's services."""
