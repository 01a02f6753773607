"""Regex classes of Vietnamese upper- and lower-case letters.

Unicode interleaves the two cases in Latin Extended Additional (Ạ ạ Ả ả …), so a plain
range such as ``À-Ỹ`` would take both.
"""

_LETTERS = [chr(c) for c in range(0xC0, 0x1EFA) if chr(c).isalpha()]
UPPER = "A-Z" + "".join(c for c in _LETTERS if c.isupper())
LOWER = "a-z" + "".join(c for c in _LETTERS if c.islower())
