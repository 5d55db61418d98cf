"""WeChat official-account protocol layer: callback crypto and parsing, API client, local fakes.

Framework-light on purpose: nothing here imports Flask, the database or service.intake.
"""
