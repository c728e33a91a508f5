"""Kliento's routes, and those of the test-only apps."""

from django.urls import include, path

from kliento.urls import handler403, handler404, handler500
from kliento.urls import urlpatterns as kliento_urlpatterns

urlpatterns = [*kliento_urlpatterns, path("", include("tests.recordkit.urls"))]

__all__ = ["handler403", "handler404", "handler500", "urlpatterns"]
