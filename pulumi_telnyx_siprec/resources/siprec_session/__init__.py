"""SiprecSession: a SIPREC session on a live TeXML call."""
