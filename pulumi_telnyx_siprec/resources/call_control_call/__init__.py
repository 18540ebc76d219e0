"""CallControlCall: a test call placed through a Call Control application (Dial)."""
