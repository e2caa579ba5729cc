"""Template filters that show values by the portal's one formatter (indicators.answers)."""

from django import template

from indicators.answers import format_size

register = template.Library()


@register.filter
def filesize(size):
    """A file size: 595 B, 12,5 KB, 1,2 MB."""
    return format_size(size)
