"""Letters load their stylesheet and logo, and nothing else: no network, no other file."""

import logging

import pytest

from letters.assets import ASSET_DIR, AssetRefused, LetterAssetFetcher
from letters.rendering import html_to_pdf

from .conftest import pdf_text


@pytest.fixture
def fetcher():
    return LetterAssetFetcher()


def test_serves_the_letter_assets(fetcher):
    css = fetcher((ASSET_DIR / "letter.css").as_uri())
    assert css.content_type == "text/css"
    assert b"DejaVu Sans" in css.read()
    logo = fetcher((ASSET_DIR / "logo.svg").as_uri())
    assert logo.content_type == "image/svg+xml"
    assert logo.read().startswith(b"<svg")


@pytest.mark.parametrize("url", [
    "https://example.org/logo.png",
    "http://127.0.0.1:8000/static/letters/letter.css",
    "ftp://example.org/letter.css",
    "data:text/css,body{color:red}",
    "file://attacker.example/share/letter.css",
])
def test_refuses_anything_but_local_files(fetcher, url):
    with pytest.raises(AssetRefused):
        fetcher(url)


def test_refuses_files_outside_the_asset_directory(fetcher, tmp_path):
    outside = tmp_path / "secret.css"
    outside.write_text("body { color: red }")
    settings_file = ASSET_DIR.parent.parent.parent / "config" / "settings" / "base.py"
    assert settings_file.is_file()
    for url in [
        outside.as_uri(),
        settings_file.as_uri(),
        ASSET_DIR.as_uri() + "/../../models.py",
        ASSET_DIR.as_uri() + "/%2E%2E/%2E%2E/models.py",
        "file:///etc/passwd",
        ASSET_DIR.as_uri() + "/missing.css",
        ASSET_DIR.as_uri(),
    ]:
        with pytest.raises(AssetRefused):
            fetcher(url)


def test_refuses_a_symbolic_link_out_of_the_directory(tmp_path):
    root = tmp_path / "assets"
    root.mkdir()
    (tmp_path / "secret.txt").write_text("secret")
    (root / "link.css").symlink_to(tmp_path / "secret.txt")
    with pytest.raises(AssetRefused):
        LetterAssetFetcher(root)((root / "link.css").as_uri())


def test_a_letter_asking_for_remote_or_outside_files_renders_without_them(caplog, tmp_path):
    outside = tmp_path / "evil.css"
    outside.write_text("body::before { content: 'LEAKED FROM OUTSIDE' }")
    html = f"""<html><head>
        <link rel="stylesheet" href="https://example.org/evil.css">
        <link rel="stylesheet" href="{outside.as_uri()}">
        <link rel="stylesheet" href="letter.css"></head>
        <body><img src="http://example.org/tracker.png"><img src="logo.svg"><p>Carta de decisión</p></body>
        </html>"""
    with caplog.at_level(logging.WARNING, logger="weasyprint"):
        pdf = html_to_pdf(html)
    text = pdf_text(pdf)
    assert "Carta de decisión" in text
    assert "LEAKED" not in text
    refused = [record.getMessage() for record in caplog.records if "AssetRefused" in record.getMessage()]
    assert any("example.org/evil.css" in message for message in refused)
    assert any(str(outside) in message for message in refused)
    assert any("tracker.png" in message for message in refused)
    assert not any("logo.svg" in message or "letter.css" in message for message in refused)
