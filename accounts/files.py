from django.http import FileResponse, Http404
from django.utils.cache import add_never_cache_headers


def private_file_response(field_file, *, filename: str, missing: str) -> FileResponse:
    """Send a private uploaded PDF (resume, agreement) as a download.

    Call only after the caller's permission loader has decided the person may see it.
    A file that is absent (never uploaded, or gone from disk) is a 404 saying `missing`.
    Never cached by the browser or a proxy, and never sniffed into something runnable.
    """
    if not field_file:
        raise Http404(missing)
    try:
        handle = field_file.open("rb")
    except FileNotFoundError:
        raise Http404(missing) from None
    response = FileResponse(handle, as_attachment=True, filename=filename, content_type="application/pdf")
    response["X-Content-Type-Options"] = "nosniff"
    add_never_cache_headers(response)
    response["Cache-Control"] = "private, no-store, " + response["Cache-Control"]
    return response
