"""CallControlSiprecSession: a SIPREC session on a live Call Control call."""
