"""A local SIPREC recording server (SRS) to try the SIPREC client against: SIPp runs the scenarios of `scenarios/`,
an RTP counter counts the media, and `LocalSrs` reports what arrived (`python -m pulumi_telnyx_siprec.emulator.srs`).

A test harness on the other side of the wire: nothing else in the emulator imports it, and it imports only the wire
format (`..sip`), never the client it tests."""
