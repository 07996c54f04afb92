"""Documents written from committed results: the tables and figures of README and the docs pages."""
