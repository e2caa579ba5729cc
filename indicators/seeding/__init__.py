"""Demo and synthetic data: a believable city and a national data set."""
