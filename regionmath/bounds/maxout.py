"""Bounds for maxout networks of rank k."""
