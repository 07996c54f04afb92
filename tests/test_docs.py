"""The documents stay true: the ODD to the parameter definition, the tables of README and
the docs pages to the committed results they are written from; README stays short, its links
and the pages' links resolve, and the pages build with MkDocs in strict mode, offline."""

import os
import re
import subprocess
import sys
from pathlib import Path

from alliancesim.params import PARAMETERS
from alliancesim.params.table import replace_table

ODD = Path(__file__).resolve().parents[1] / "docs" / "ODD.md"


def test_odd_parameter_table_matches_the_parameter_definition():
    text = ODD.read_text()
    assert replace_table(text) == text, (
        "docs/ODD.md is out of date: run python -m alliancesim.params.table docs/ODD.md")


def test_odd_lists_every_parameter_once():
    text = ODD.read_text()
    text = text[text.index("<!-- parameter-table:start -->"):text.index(
        "<!-- parameter-table:end -->")]
    for p in PARAMETERS:
        assert text.count(f"| `{p.name}` |") == 1


ROOT = ODD.parents[1]


def test_every_table_in_the_documents_is_written_from_its_results():
    from alliancesim.report.blocks import BLOCK, DOCUMENTS, RENDERERS, stale_blocks

    for document in DOCUMENTS:
        names = [m.group("name") for m in BLOCK.finditer((ROOT / document).read_text())]
        assert set(names) <= set(RENDERERS) | {"parameter-table"}, document
        assert stale_blocks(ROOT / document, ROOT) == [], (
            f"{document} disagrees with docs/results: run python -m alliancesim.report.blocks")


def test_a_hand_edited_number_in_a_block_is_caught(tmp_path):
    from alliancesim.report.blocks import stale_blocks

    text = (ROOT / "docs" / "ODD.md").read_text()
    start = text.index("<!-- ablation-table:start -->")
    row = text.index("| `", start)
    edited = text[:row] + text[row:].replace(" | yes |", " | no |", 1)
    assert edited != text
    (tmp_path / "ODD.md").write_text(edited)
    assert stale_blocks(tmp_path / "ODD.md", ROOT) == ["ablation-table"]


def test_every_document_with_blocks_is_one_the_blocks_are_written_into():
    from alliancesim.report.blocks import BLOCK, DOCUMENTS

    for path in [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]:
        if BLOCK.search(path.read_text()):
            assert path.relative_to(ROOT) in DOCUMENTS, (
                f"{path.relative_to(ROOT)} holds blocks: add it to report.blocks.DOCUMENTS")


def test_a_block_links_from_the_page_it_is_in(tmp_path):
    from alliancesim.report.blocks import render

    text = "<!-- verdict-tables:start -->\n<!-- verdict-tables:end -->\n"
    readme = render(text, ROOT, Path("README.md"))
    page = render(text, ROOT, Path("docs") / "results.md")
    assert "](docs/img/verdict_map_averaged.png)" in readme
    assert "](img/verdict_map_averaged.png)" in page and "docs/img" not in page


# --- README and the pages under docs/ -------------------------------------------------------
README = ROOT / "README.md"
FENCE = re.compile(r"^(`{3,}|~{3,}).*?^\1", re.DOTALL | re.MULTILINE)
CODE_SPAN = re.compile(r"`[^`\n]*`")
LINK = re.compile(r"\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
HEADING = re.compile(r"^#{1,6}\s+(.*?)\s*#*\s*$", re.MULTILINE)


def _documents() -> list[Path]:
    """README and every Markdown page under docs/ (what MkDocs builds and what GitHub shows)."""
    return [README, *sorted((ROOT / "docs").rglob("*.md"))]


def _prose(text: str) -> str:
    """``text`` without fenced code blocks and code spans, where links are not links."""
    return CODE_SPAN.sub("", FENCE.sub("", text))


def _anchors(path: Path) -> set[str]:
    """The anchors of ``path``'s headings, as GitHub and MkDocs both make them."""
    anchors = set()
    for heading in HEADING.findall(_prose(path.read_text())):
        anchors.add(re.sub(r"[^\w\- ]", "", heading.lower()).strip().replace(" ", "-"))
    return anchors


def test_readme_is_short():
    assert len(README.read_text().splitlines()) < 400, (
        "README is for a newcomer: reference material belongs in a page under docs/")


def test_readme_gives_the_two_set_up_commands():
    text = README.read_text()
    commands = re.search(r"## Two commands\n.*?```bash\n(.*?)```", text, re.DOTALL)
    assert commands is not None
    assert [line.split()[:2] for line in commands.group(1).splitlines()] == [
        ["make", "run"], ["make", "test"]]


def test_every_relative_link_in_readme_and_docs_resolves():
    broken = []
    for document in _documents():
        for target in LINK.findall(_prose(document.read_text())):
            if re.match(r"[a-z][a-z0-9+.-]*:", target):  # https:, mailto: ...
                continue
            path, _, anchor = target.partition("#")
            resolved = (document.parent / path).resolve() if path else document
            where = f"{document.relative_to(ROOT)}: {target}"
            if not resolved.exists():
                broken.append(f"{where} (no such file)")
            elif anchor and resolved.suffix == ".md" and anchor not in _anchors(resolved):
                broken.append(f"{where} (no such heading)")
    assert not broken, "broken links:\n" + "\n".join(broken)


def test_the_docs_build_offline_in_strict_mode_without_a_warning(tmp_path):
    # Any request for the network goes to a closed loopback port and fails.
    offline = {"HTTP_PROXY": "http://127.0.0.1:9", "HTTPS_PROXY": "http://127.0.0.1:9",
               "http_proxy": "http://127.0.0.1:9", "https_proxy": "http://127.0.0.1:9",
               "NO_PROXY": "", "no_proxy": ""}
    env = {**os.environ, **offline, "PYTHONPATH": str(ROOT / "src")}
    done = subprocess.run([sys.executable, "-m", "mkdocs", "build", "-f", "docs/mkdocs.yml",
                           "--strict", "--site-dir", str(tmp_path / "site")], cwd=ROOT,
                          env=env, capture_output=True, text=True, timeout=300)
    output = done.stdout + done.stderr
    assert done.returncode == 0, output[-3000:]
    assert "WARNING" not in output, output[-3000:]
    built = {p.relative_to(tmp_path / "site").as_posix() for p in
             (tmp_path / "site").rglob("index.html")}
    for page in (ROOT / "docs").glob("*.md"):
        name = "index.html" if page.stem == "index" else f"{page.stem}/index.html"
        assert name in built, f"docs/{page.name} was not built: add it to the nav"


def test_the_command_reference_lists_every_command_and_option():
    import click
    import typer

    from alliancesim.cli.main import app

    text = (ROOT / "docs" / "commands.md").read_text()
    group = typer.main.get_command(app)
    context = click.Context(group)
    for name in group.list_commands(context):
        section = text[text.index(f"### alliancesim {name}\n"):]
        end = section.find("\n### ", 1)
        section = section if end < 0 else section[:end]
        for param in group.get_command(context, name).params:
            if param.param_type_name == "option":
                for option in [*param.opts, *param.secondary_opts]:
                    assert f"`{option}`" in section, f"alliancesim {name} {option}"
