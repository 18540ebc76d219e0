"""A local SIPREC recording server (SRS) to try the SIPREC client against: over UDP or TCP SIPp runs the scenarios of
`scenarios/` and an RTP counter counts the media; over TLS an SRS in Python (`tls_srs`) answers, authenticates and
decrypts SRTP and hears each stream's tone; `LocalSrs` reports what arrived (`python -m
pulumi_telnyx_siprec.emulator.srs`).

A test harness on the other side of the wire: nothing else in the emulator imports it, and it imports only the wire
format (`..sip`) and SRTP (`..srtp`), never the client it tests."""
