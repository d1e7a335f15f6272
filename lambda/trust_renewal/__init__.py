"""Trust Renewal: an Alexa skill that guides couples through rebuilding trust."""

__version__ = "0.1.0"
