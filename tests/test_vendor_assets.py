"""Checks for the vendored UI assets and our own CSS (docs/UI.md sections 1, 3, 5).

Plain pytest: no Django, no database, no network.

- static/vendor/VERSIONS lists every vendored file with its sha256; a hand-edited or
  added file fails here (refresh with `make vendor-ui`).
- Every url(...) in every CSS file is local and resolves to a file that exists, so
  collectstatic with ManifestStaticFilesStorage cannot fail on a missing reference.
- Our CSS uses logical properties only (kern-logical.css alone may reset KERN's
  left/right), no hex colours, and never removes the focus outline.
- Every kern-* class our CSS names exists in the vendored kern.min.css (catches
  renamed modifiers on a KERN upgrade).
"""

import hashlib
import re
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
STATIC = REPO / "static"
VENDOR = STATIC / "vendor"
VERSIONS = VENDOR / "VERSIONS"
OWN_CSS_DIR = STATIC / "css"
LOGICAL_PATCH = "kern-logical.css"

PACKAGE_LINE = re.compile(
    r"^(?P<name>@?[a-z0-9][\w./-]*)@(?P<version>\d+\.\d+\.\d+\S*) integrity=(?P<integrity>sha(256|384|512)-[A-Za-z0-9+/]+=*)$"
)
FILE_LINE = re.compile(r"^(?P<sha>[0-9a-f]{64})  (?P<path>\S.*)$")


def parse_versions():
    packages, files = {}, {}
    for number, raw in enumerate(VERSIONS.read_text(encoding="utf-8").splitlines(), 1):
        line = raw.rstrip()
        if not line or line.startswith("#"):
            continue
        if m := FILE_LINE.match(line):
            assert m["path"] not in files, f"VERSIONS line {number}: {m['path']} listed twice"
            files[m["path"]] = m["sha"]
        elif m := PACKAGE_LINE.match(line):
            packages[m["name"]] = (m["version"], m["integrity"])
        else:
            pytest.fail(f"VERSIONS line {number} is neither a package nor a file line: {line!r}")
    return packages, files


def sha256(path):
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 16), b""):
            digest.update(chunk)
    return digest.hexdigest()


def vendored_files():
    return sorted(
        p.relative_to(VENDOR).as_posix() for p in VENDOR.rglob("*") if p.is_file() and p != VERSIONS
    )


def all_css_files():
    return sorted(STATIC.rglob("*.css"))


def own_css_files():
    return sorted(OWN_CSS_DIR.rglob("*.css"))


def kern_css():
    found = sorted(VENDOR.glob("kern-*/kern.min.css"))
    assert len(found) == 1, f"expected exactly one static/vendor/kern-<version>/kern.min.css, found {found}"
    return found[0]


def strip_comments(css):
    return re.sub(r"/\*.*?\*/", "", css, flags=re.S)


def declarations(css):
    """(property, value) pairs of every declaration block (innermost {...})."""
    for block in re.findall(r"\{([^{}]*)\}", strip_comments(css)):
        for decl in block.split(";"):
            if ":" in decl:
                prop, value = decl.split(":", 1)
                yield prop.strip().lower(), value.strip()


def css_urls(css):
    return [u.strip().strip("\"'") for u in re.findall(r"url\(\s*([^)]*?)\s*\)", strip_comments(css))]


def rel(path):
    return path.relative_to(REPO).as_posix()


# ---------- VERSIONS and checksums ----------


def test_versions_lists_packages():
    packages, files = parse_versions()
    assert "@kern-ux/native" in packages, "VERSIONS must name @kern-ux/native@<version>"
    assert "@fontsource/noto-sans-arabic" in packages
    kern_version = packages["@kern-ux/native"][0]
    assert kern_css().parent.name == f"kern-{kern_version}", "KERN folder name and VERSIONS disagree"
    assert files, "VERSIONS lists no files"


@pytest.mark.parametrize("path", sorted(parse_versions()[1]))
def test_vendored_file_checksum(path):
    expected = parse_versions()[1][path]
    file = VENDOR / path
    assert file.is_file(), f"static/vendor/{path} is listed in VERSIONS but missing"
    assert sha256(file) == expected, (
        f"static/vendor/{path} differs from VERSIONS: vendored files are never edited by hand; "
        "run `make vendor-ui` to refresh them"
    )


def test_every_vendored_file_is_listed():
    _, files = parse_versions()
    unlisted = [p for p in vendored_files() if p not in files]
    assert not unlisted, f"files in static/vendor not listed in VERSIONS: {unlisted}"


def test_expected_assets_present():
    kern_dir = kern_css().parent.name
    expected = [
        f"{kern_dir}/kern.min.css",
        f"{kern_dir}/LICENSE.md",
        "fonts/fira-sans/FiraSans-Regular.woff2",
        "fonts/fira-sans/FiraSans-Italic.woff2",
        "fonts/fira-sans/FiraSans-Medium.woff2",
        "fonts/fira-sans/FiraSans-SemiBold.woff2",
        "fonts/fira-sans/OFL.txt",
        "fonts/noto-sans-arabic/noto-sans-arabic-arabic-400-normal.woff2",
        "fonts/noto-sans-arabic/noto-sans-arabic-arabic-500-normal.woff2",
        "fonts/noto-sans-arabic/noto-sans-arabic-arabic-600-normal.woff2",
        "fonts/noto-sans-arabic/LICENSE",
    ]
    missing = [p for p in expected if not (VENDOR / p).is_file()]
    assert not missing, f"missing vendored files: {missing}"
    for font in VENDOR.rglob("*.woff2"):
        assert font.read_bytes()[:4] == b"wOF2", f"{rel(font)} is not a woff2 file"
    total = sum((VENDOR / p).stat().st_size for p in vendored_files())
    assert total < 1_600_000, f"static/vendor is {total} bytes; keep it around 1.1 MB"


# ---------- url(...) references ----------


@pytest.mark.parametrize("css_file", all_css_files(), ids=rel)
def test_css_urls_are_local_and_exist(css_file):
    css = css_file.read_text(encoding="utf-8")
    assert not re.search(r"@import", strip_comments(css)), (
        f"{rel(css_file)}: no @import, link stylesheets in the template"
    )
    assert "sourceMappingURL" not in css, f"{rel(css_file)}: source map reference would break collectstatic"
    for url in css_urls(css):
        if url.startswith("data:") or url.startswith("#"):
            continue
        assert not re.match(r"^(https?:)?//", url, re.I), (
            f"{rel(css_file)}: remote url({url}); everything must be local"
        )
        assert not url.startswith("/"), f"{rel(css_file)}: absolute url({url}); use a relative path"
        target = (css_file.parent / url.split("?")[0].split("#")[0]).resolve()
        assert target.is_file(), f"{rel(css_file)}: url({url}) points to a missing file"
        assert STATIC.resolve() in target.parents, f"{rel(css_file)}: url({url}) leaves static/"


# ---------- our own CSS ----------

PHYSICAL_PROPERTY = re.compile(r"(^|-)(left|right)(-|$)")
PHYSICAL_VALUE = re.compile(r"\b(left|right)\b")
HEX_COLOUR = re.compile(r"#[0-9a-fA-F]{3,8}\b")


def _value_without_names(value):
    # custom property names (var(--x-left)) and url(...) paths are not physical directions
    value = re.sub(r"url\([^)]*\)", "url()", value)
    return re.sub(r"--[\w-]+", "--", value)


@pytest.mark.parametrize("css_file", [f for f in own_css_files() if f.name != LOGICAL_PATCH], ids=rel)
def test_own_css_uses_logical_properties_only(css_file):
    problems = []
    for prop, value in declarations(css_file.read_text(encoding="utf-8")):
        if prop.startswith("--"):
            continue
        if PHYSICAL_PROPERTY.search(prop) or PHYSICAL_VALUE.search(_value_without_names(value)):
            problems.append(f"{prop}: {value}")
    assert not problems, (
        f"{rel(css_file)} uses physical left/right (use inline-start/end, text-align:start/end): {problems}"
    )


@pytest.mark.parametrize("css_file", own_css_files(), ids=rel)
def test_own_css_has_no_hex_colours(css_file):
    problems = [
        f"{p}: {v}" for p, v in declarations(css_file.read_text(encoding="utf-8")) if HEX_COLOUR.search(v)
    ]
    assert not problems, f"{rel(css_file)} has hex colours, use var(--kern-color-…): {problems}"


@pytest.mark.parametrize("css_file", own_css_files(), ids=rel)
def test_own_css_keeps_focus_outline(css_file):
    problems = [
        f"{p}: {v}"
        for p, v in declarations(css_file.read_text(encoding="utf-8"))
        if p in ("outline", "outline-style", "outline-width")
        and re.fullmatch(r"(none|0(px)?)(\s*!important)?", v)
    ]
    assert not problems, f"{rel(css_file)} removes the focus outline: {problems}"


@pytest.mark.parametrize("css_file", own_css_files(), ids=rel)
def test_own_css_names_existing_kern_classes_and_tokens(css_file):
    kern = kern_css().read_text(encoding="utf-8")
    css = strip_comments(css_file.read_text(encoding="utf-8"))
    classes = set(re.findall(r"\.(kern-[A-Za-z0-9_-]+)", css))
    missing_classes = sorted(c for c in classes if not re.search(r"\." + re.escape(c) + r"(?![\w-])", kern))
    assert not missing_classes, (
        f"{rel(css_file)} names kern classes missing from {rel(kern_css())}: {missing_classes}"
    )
    defined = set(re.findall(r"(--kern-[\w-]+)\s*:", kern)) | set(re.findall(r"(--kern-[\w-]+)\s*:", css))
    used = set(re.findall(r"var\(\s*(--kern-[\w-]+)", css))
    missing_tokens = sorted(used - defined)
    assert not missing_tokens, f"{rel(css_file)} uses KERN tokens missing from kern.min.css: {missing_tokens}"


def test_font_faces_match_vendored_fonts():
    fonts_css = (OWN_CSS_DIR / "fonts.css").read_text(encoding="utf-8")
    referenced = {(OWN_CSS_DIR / u).resolve() for u in css_urls(fonts_css)}
    shipped = {p.resolve() for p in VENDOR.rglob("*.woff2")}
    assert referenced == shipped, "fonts.css must declare exactly the vendored .woff2 files"
    assert fonts_css.count("font-display: swap") == fonts_css.count("@font-face")
