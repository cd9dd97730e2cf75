"""Django's PostgreSQL backend with bounded waits for the server (see ``base``)."""
