"""`report --out` naming a device, a pipe or a socket (or a link to one) is refused before
anything is written, with --force too: the report is written to a temporary file renamed
over its path, and the rename would replace the device (as root it replaced /dev/full).
Every device here is made in the test's own folder, never the system's."""

from __future__ import annotations

import os
import shutil
import socket
import stat
from collections.abc import Callable
from pathlib import Path

import pytest

from mktplan.errors import ReportError
from mktplan.render import write_atomic
from tests.conftest import PLANS, run_cli

AS_OF = "2023-07-31"


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A copy of the q3 plan and a store with its export ingested."""
    folder = tmp_path_factory.mktemp("q3")
    plan = folder / "q3.yaml"
    shutil.copy(PLANS / "q3-2023-growth.yaml", plan)
    store = folder / "store.sqlite"
    result = run_cli("ingest", plan, PLANS / "q3-2023-growth.actuals.csv", "--store", store, "-q")
    assert result.code == 0, result.output
    return plan, store


def _fifo(path: Path) -> None:
    os.mkfifo(path)


def _char_device(path: Path) -> None:
    """A private node with /dev/null's numbers (root only)."""
    if os.geteuid() != 0:
        pytest.skip("only root makes device nodes")
    os.mknod(path, 0o666 | stat.S_IFCHR, os.makedev(1, 3))


def _socket(path: Path) -> None:
    if len(str(path)) > 100:
        pytest.skip("the path is too long for a Unix socket")
    with socket.socket(socket.AF_UNIX) as bound:
        bound.bind(str(path))


def _link_to_fifo(path: Path) -> None:
    os.mkfifo(path.with_name("real-fifo"))
    path.symlink_to("real-fifo")


MAKERS: dict[str, tuple[Callable[[Path], None], str]] = {
    "char-device": (_char_device, "a character device"),
    "fifo": (_fifo, "a named pipe (FIFO)"),
    "socket": (_socket, "a socket"),
    "link-to-fifo": (_link_to_fifo, "a named pipe (FIFO)"),
}


@pytest.fixture
def special(tmp_path: Path, request: pytest.FixtureRequest) -> tuple[Path, str]:
    make, kind = MAKERS[request.param]
    path = tmp_path / "target"
    make(path)
    return path, kind


def _listing(folder: Path) -> list[tuple[str, int]]:
    return sorted((p.name, os.lstat(p).st_mode) for p in folder.iterdir())


@pytest.mark.parametrize("special", sorted(MAKERS), indirect=True)
@pytest.mark.parametrize("fmt", ["md", "xlsx", "json", "table"])
@pytest.mark.parametrize("force", [True, False])
def test_a_special_file_is_never_replaced_by_a_report(
    workspace: tuple[Path, Path], special: tuple[Path, str], fmt: str, force: bool
) -> None:
    plan, store = workspace
    target, kind = special
    before = _listing(target.parent)
    store_before = store.read_bytes()
    result = run_cli(
        "report", plan, "--as-of", AS_OF, "--store", store, "--format", fmt, "--out", target,
        *(["--force"] * force),
    )  # fmt: skip
    assert result.code == 1, result.output
    assert f"{target}: --out names {kind}, not a regular file" in result.stderr
    assert "Hint: name a regular file or a folder" in result.stderr
    assert "Traceback" not in result.output
    assert _listing(target.parent) == before  # no temporary file left either
    assert store.read_bytes() == store_before  # the KPI results are not recorded


def test_the_refusal_speaks_chinese(workspace: tuple[Path, Path], tmp_path: Path) -> None:
    plan, store = workspace
    os.mkfifo(tmp_path / "report.md")
    result = run_cli(
        "report", plan, "--as-of", AS_OF, "--store", store, "--out", tmp_path / "report.md",
        "--lang", "zh",
    )  # fmt: skip
    assert result.code == 1, result.output
    assert "不是普通文件" in result.stderr


def test_a_special_file_named_as_the_report_in_a_folder_is_refused(
    workspace: tuple[Path, Path], tmp_path: Path
) -> None:
    plan, store = workspace
    os.mkfifo(tmp_path / f"q3-2023-growth-{AS_OF}.md")
    result = run_cli(
        "report", plan, "--as-of", AS_OF, "--store", store, "--format", "md",
        "--out", f"{tmp_path}/", "--force",
    )  # fmt: skip
    assert result.code == 1, result.output
    assert "not a regular file" in result.stderr
    assert stat.S_ISFIFO(os.lstat(tmp_path / f"q3-2023-growth-{AS_OF}.md").st_mode)


def test_a_folder_as_out_still_receives_the_report(
    workspace: tuple[Path, Path], tmp_path: Path
) -> None:
    plan, store = workspace
    result = run_cli(
        "report", plan, "--as-of", AS_OF, "--store", store, "--format", "md", "--out", tmp_path
    )
    assert result.code == 0, result.output
    assert (tmp_path / f"q3-2023-growth-{AS_OF}.md").is_file()


def test_write_atomic_refuses_a_pipe_itself(tmp_path: Path) -> None:
    fifo = tmp_path / "out.json"
    os.mkfifo(fifo)
    with pytest.raises(ReportError, match="not a regular file"):
        write_atomic(fifo, b"{}")
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    assert [p.name for p in tmp_path.iterdir()] == ["out.json"]
