"""The course: course.yaml, the hidden bundle, the release, stubs (authoring), the catalogue of
mistakes, variants and validate.
"""
