"""Scaled mode: several Rasa replicas sharing PostgreSQL (tracker store) and Redis (lock store)."""
