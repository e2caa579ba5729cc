"""Files handed out by the register: the register itself and the coverage workbook."""
