"""Everything the skill says, as validated data: the program, check-ins, phrases, safety lines."""

from trust_renewal.content.loader import ContentError, load_content
from trust_renewal.content.model import Content, Exercise, Prompt, Step

__all__ = ["Content", "ContentError", "Exercise", "Prompt", "Step", "load_content"]
