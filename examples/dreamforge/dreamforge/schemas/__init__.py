"""Pydantic schemas for the API and export boundary.

Import schemas from their own modules (``dreamforge.schemas.campaign`` etc.);
this package deliberately does not re-export them.
"""
