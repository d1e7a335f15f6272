"""The web service front door: a Flask app around flask-ask-sdk's SkillAdapter.

``app.create_app`` builds it; ``verification`` checks Amazon's signature and
timestamp; ``sdk_compat`` lets flask-ask-sdk import on OpenSSL 3.
Nothing is imported here, so the CLI stays quick to start.
"""
