"""Tests of the web front (bot/web): HTTP, fuzzing and a real browser."""
