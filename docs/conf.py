"""Sphinx configuration: the API reference is read from the numpydoc docstrings (napoleon).

Build: ``python -m sphinx -W -b html docs docs/_build`` (tests/test_docs.py does it with
warnings as errors).
"""

import os
import sys

sys.path.insert(0, os.path.abspath(".."))

project = "regionmath"
author = "the regionmath authors"
copyright = "regionmath authors"
extensions = ["sphinx.ext.autodoc", "sphinx.ext.napoleon", "sphinx.ext.mathjax"]
napoleon_google_docstring = False
napoleon_numpy_docstring = True
napoleon_use_rtype = False
napoleon_use_ivar = True
napoleon_preprocess_types = False
autodoc_member_order = "bysource"
autodoc_default_options = {"members": True, "undoc-members": False, "show-inheritance": False}
autodoc_typehints = "none"
exclude_patterns = ["_build", "layout.md"]
html_theme = "alabaster"
html_static_path = []
# "ref.python": ambiguous short names (n0 is an attribute of both Architecture and Network)
suppress_warnings = ["ref.citation", "ref.footnote", "ref.python"]
nitpicky = False
