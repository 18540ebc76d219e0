"""TexmlCall: a test call placed through a TeXML application."""
