"""One router per dashboard page family (login, overview, employees, units, ...)."""
