"""SiprecConnector: the SRS endpoint SIPREC sessions send their media to."""
