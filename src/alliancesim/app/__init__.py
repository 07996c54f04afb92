"""The teaching app: a Solara page that lets a class watch an alliance live and die.

Start it with ``alliancesim app``; it serves every asset itself, so it works with no
internet (see :mod:`alliancesim.app.server`).
"""
