"""The public API of this app: serializers, views and urls (included by shdt/api/urls.py)."""
