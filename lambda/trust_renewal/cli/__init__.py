"""The ``trust-renewal`` command: chat, serve, content, models, package."""
