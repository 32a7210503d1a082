"""Application plumbing shared by main.py, the Makefile tools and the tests.

Nothing here describes infrastructure: that lives in constructs/ and stacks/.
"""
