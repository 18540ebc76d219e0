"""The SIP wire format both sides of a SIPREC session speak: SIP messages (parse, frame, render), the
recording-session body (SDP, rs-metadata, multipart), and SDES crypto lines (`sdes`). Pure functions and data, no
sockets and no threads.

It sits below the SIPREC client (`siprec/`), which builds INVITEs with it, and the SRS harness (`srs/`), which reads
them back, so that neither of those imports the other."""
