"""The image stage, one module per step: load, detect (find + flatten), orient, clean.

`cardscan.image` composes them; every function here except `load.load` is pure, array in,
array out.
"""
