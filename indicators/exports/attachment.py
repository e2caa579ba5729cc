"""How a private file goes out: streamed as an attachment that a browser never runs or caches.

Evidence downloads and verification packs share it; both come only from permission-checked
views (indicators/access.py), never from a public URL.
"""

from django.http import FileResponse


def attachment_response(handle, *, filename: str, content_type: str) -> FileResponse:
    """Stream an open file as a download, in chunks, with the headers every private file gets."""
    response = FileResponse(
        handle, as_attachment=True, filename=filename, content_type=content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    # Even if a browser rendered it, a file could run nothing and reach nothing.
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    # Only the portal's own pages may embed or fetch it (the review page's previews): another
    # site's <img> or fetch() with the visitor's cookies gets nothing.
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    return response
