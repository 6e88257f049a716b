"""HTML to PDF for the partnership report, by WeasyPrint, with no network access.

WeasyPrint needs the Pango library from the operating system (docs/deploy.md); where it is
missing, `render` raises PdfUnavailable and the page says so instead of failing.
"""

from __future__ import annotations


class PdfUnavailable(RuntimeError):
    """WeasyPrint or the system libraries it needs are not installed here."""


def render(html: str, *, stylesheet: str | None = None) -> bytes:
    """The PDF of `html`, styled by the CSS file at `stylesheet` (a path)."""
    try:
        import weasyprint
    except (ImportError, OSError) as error:  # OSError: Pango (a C library) not found
        raise PdfUnavailable(str(error)) from error
    # The report embeds everything it shows (inline SVG charts, one local stylesheet read
    # here); no other address — say, an image someone put in the HTML — is ever fetched.
    fetcher = weasyprint.URLFetcher(allowed_protocols=())
    stylesheets = [weasyprint.CSS(filename=stylesheet)] if stylesheet else []
    document = weasyprint.HTML(string=html, url_fetcher=fetcher)
    return document.write_pdf(stylesheets=stylesheets)


def available() -> bool:
    """Whether PDFs can be made here (WeasyPrint imports, so Pango is installed)."""
    try:
        import weasyprint  # noqa: F401
    except (ImportError, OSError):
        return False
    return True
