"""Submissions as data: reading folders, files and archives, notebooks as module code, and staging a
submission's modules for the worker.
"""
