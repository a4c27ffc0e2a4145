"""The evaluators the maps name, by area; importing the package registers them all
(``certification.evaluation.REGISTRY``)."""

from redress.certification.evaluators import framework, handling, improvement, privacy

__all__ = ["framework", "handling", "improvement", "privacy"]
