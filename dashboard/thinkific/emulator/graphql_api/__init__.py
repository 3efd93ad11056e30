"""An optional GraphQL endpoint (config GRAPHQL_ENABLED, off by default): see view.py.

graphql-core is imported only when a GraphQL request arrives.
"""

from .view import bp

__all__ = ["bp"]
