"""Reads: queries shared by pages, commands and exports, joins already made."""
