"""The HTTP service (FastAPI): ``create_app(settings)``."""

from router.api.app import create_app

__all__ = ["create_app"]
