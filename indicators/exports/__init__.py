"""Files handed out: spreadsheets and archives, formula-neutralised."""
