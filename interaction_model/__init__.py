"""The generated interaction models, shipped as ``trust_renewal.interaction_model``.

This file makes the folder a regular package, which an editable install needs
to find it (setuptools cannot map a namespace package under a regular one).
"""
