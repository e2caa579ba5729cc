"""Writes: every change that touches several rows or has side effects."""
