"""The assistant's own Python package: domain logic, Rasa components, the launcher and the web front."""
