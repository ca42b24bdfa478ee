"""The benchmark suite behind `bench/run`: whole-process timings of the real `mktplan` entry
point, median of N runs, with the child's peak resident memory (ru_maxrss from os.wait4).

Usage (through bench/run, which sets up .venv first):
    bench/run                  full sizes, every benchmark
    bench/run --quick          small sizes, a smoke run in a minute or two
    bench/run --only ingest    one benchmark (repeatable)
    bench/run --runs 3         N runs for the light benchmarks (heavy ones use fewer)
    bench/run --profile ingest run one benchmark's command once under cProfile
    bench/run --huge           also the 20M-row ingest (a 1.2 GB export, generated once)
"""

from __future__ import annotations

import argparse
import datetime as dt
import math
import os
import platform
import pstats
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from bench import generate, stores

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "bench" / "data"
OUT = ROOT / "bench" / "out"
BIN = Path(sys.executable).parent
MKTPLAN = str(BIN / "mktplan")
GIB = 1024 * 1024  # KiB in a GiB


@dataclass(frozen=True)
class Sizes:
    """Input sizes of one mode (full or quick) and how many runs each benchmark gets."""

    mode: str
    plan_modules: int
    export_rows: int
    export_days: int
    store_days: int  # store: 200 modules × 10 KPIs × store_days × store_channels
    store_channels: int
    xlsx_days: int  # xlsx store: 200 modules × 10 KPIs × xlsx_days, one channel
    long_days: int  # long export: 200 modules × 10 KPIs × long_days × 2 channels
    runs: int
    heavy_runs: int
    big_rows: int = 5_000_000  # ingest-5m: the streamed ingest against DuckDB
    huge_rows: int = 20_000_000  # ingest-20m (--huge)


FULL = Sizes("full", 200, 1_000_000, 365, 250, 20, 50, 30, runs=5, heavy_runs=3)
QUICK = Sizes(
    "quick",
    200,
    50_000,
    365,
    10,
    5,
    5,
    3,
    runs=2,
    heavy_runs=1,
    big_rows=250_000,
    huge_rows=1_000_000,
)
# the streamed ingest's targets (issue 12): run by run against DuckDB, and peak memory
BIG_RATIO = 1.5
SMALL_RATIO = 2.0
PEAK_MIB = 400


def _generated(path: Path, write: Callable[[Path], object]) -> Path:
    """``path``, written by ``write`` to a temporary name first if it is missing, so an
    interrupted generation never leaves a half file that later runs would trust."""
    if not path.exists():
        tmp = path.with_suffix(".tmp")
        write(tmp)
        tmp.replace(path)
    return path


@dataclass
class Inputs:
    """Paths of the generated inputs of one mode, created on demand and cached."""

    sizes: Sizes
    root: Path

    @property
    def plan(self) -> Path:
        return self.root / f"plan-{self.sizes.plan_modules}.yaml"

    @property
    def export(self) -> Path:
        return self.root / f"ads-{self.sizes.export_rows}.csv"

    @property
    def long_export(self) -> Path:
        return self.root / f"long-{self.sizes.plan_modules}x10x{self.sizes.long_days}.csv"

    def ensure_long_export(self) -> Path:
        s = self.sizes
        return _generated(
            self.long_export,
            lambda tmp: generate.write_long_export(tmp, s.plan_modules, s.long_days),
        )

    @property
    def report_store(self) -> Path:
        s = self.sizes
        return self.root / f"store-{s.plan_modules}x10x{s.store_days}x{s.store_channels}.sqlite"

    @property
    def xlsx_store(self) -> Path:
        return self.root / f"store-xlsx-{self.sizes.plan_modules}x10x{self.sizes.xlsx_days}.sqlite"

    @property
    def work(self) -> Path:
        return self.root / "work"

    def ensure_plan(self) -> Path:
        if not self.plan.exists():
            generate.write_plan(self.plan, self.sizes.plan_modules)
        return self.plan

    def ensure_export(self) -> Path:
        s = self.sizes
        return _generated(
            self.export, lambda tmp: generate.write_ad_export(tmp, s.export_rows, s.export_days)
        )

    def ensure_export_of(self, rows: int) -> Path:
        """The wide ad export with ``rows`` rows (the 5M and 20M ingests)."""
        if rows == self.sizes.export_rows:
            return self.ensure_export()
        return _generated(
            self.root / f"ads-{rows}.csv",
            lambda tmp: generate.write_ad_export(tmp, rows, self.sizes.export_days),
        )

    def ensure_report_store(self) -> Path:
        s = self.sizes
        stores.ensure_store(
            self.report_store, self.ensure_plan(), s.plan_modules, s.store_days, s.store_channels
        )
        return self.report_store

    def ensure_xlsx_store(self) -> Path:
        s = self.sizes
        stores.ensure_store(self.xlsx_store, self.ensure_plan(), s.plan_modules, s.xlsx_days, 1)
        return self.xlsx_store


@dataclass
class Result:
    name: str
    target: str
    seconds: list[float] = field(default_factory=list)
    peak_kib: list[int] = field(default_factory=list)
    paired: list[float] = field(default_factory=list)  # the yardstick, run just before each
    error: str | None = None
    note: str = ""
    verdict: str = ""

    @property
    def median(self) -> float | None:
        return statistics.median(self.seconds) if self.seconds else None

    @property
    def paired_ratio(self) -> float | None:
        """Median of run ÷ the yardstick run just before it: a busy spell of a shared machine
        slows both, so the ratio holds where separate medians would drift."""
        pairs = [s / y for s, y in zip(self.seconds, self.paired, strict=False) if y > 0]
        return statistics.median(pairs) if pairs else None

    @property
    def best(self) -> float | None:
        return min(self.seconds) if self.seconds else None

    @property
    def peak_mib(self) -> float | None:
        return max(self.peak_kib) / 1024 if self.peak_kib else None


Judge = Callable[[Result, dict[str, Result]], str]


@dataclass
class Benchmark:
    name: str
    heavy: bool
    target: str
    prepare: Callable[[Inputs], list[str]]  # untimed: make inputs, return the command
    judge: Judge
    before_each: Callable[[Inputs], None] | None = None  # untimed, before every run
    pair: Callable[[Inputs], list[str]] | None = None  # a yardstick timed before every run
    check: Callable[[Inputs], str] | None = None  # untimed, after the first run: a note


def remove_store(path: Path) -> None:
    """Delete a SQLite store with its WAL and shared-memory files."""
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    lock = path.with_name(path.name + ".lock")
    lock.unlink(missing_ok=True)


def child_env() -> dict[str, str]:
    """The environment of every timed process: no colour, no inherited store."""
    env = {**os.environ, "NO_COLOR": "1", "COLUMNS": "120"}
    env.pop("MKTPLAN_STORE", None)
    # any value, "0" included, stops Python writing .pyc files: every run would compile
    # mktplan's modules again, which no installed mktplan does
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


# Runs the command in argv[2:] as its own child and writes "seconds exit-code KiB" to the file
# descriptor argv[1]. Linux counts a process's peak RSS from before its exec too (a forked copy
# of this harness, which may hold a store it just built: 550 MiB), so the timed command is
# spawned by this small process instead of by the harness.
_LAUNCHER = """
import os, sys, time
fd = int(sys.argv[1])
os.set_inheritable(fd, False)
start = time.perf_counter()
pid = os.posix_spawn(sys.argv[2], sys.argv[2:], os.environ)
_, status, usage = os.wait4(pid, 0)
elapsed = time.perf_counter() - start
os.write(fd, f"{elapsed!r} {os.waitstatus_to_exitcode(status)} {usage.ru_maxrss}".encode())
"""


def timed_run(argv: list[str], log: Path) -> tuple[float, int, int]:
    """Run ``argv`` to completion: (wall seconds, exit code, peak RSS of the child in KiB).

    stdout and stderr go to ``log`` so pipes never throttle the child, which a small launcher
    process starts and times (see ``_LAUNCHER``)."""
    program = shutil.which(argv[0], path=child_env().get("PATH")) or argv[0]
    read, write = os.pipe()
    with os.fdopen(read, "rb") as report:
        try:
            with log.open("wb") as out:
                proc = subprocess.Popen(
                    [sys.executable, "-c", _LAUNCHER, str(write), program, *argv[1:]],
                    stdout=out,
                    stderr=subprocess.STDOUT,
                    env=child_env(),
                    pass_fds=(write,),
                )
        finally:
            os.close(write)
        text = report.read().decode()
    proc.wait()
    if not text:  # the launcher failed to start the command (its error is in the log)
        return 0.0, proc.returncode or 1, 0
    elapsed, code, peak = text.split()
    return float(elapsed), int(code), int(peak)


def _tail(log: Path, lines: int = 3) -> str:
    text = [
        line.strip()
        for line in log.read_text(encoding="utf-8", errors="replace").splitlines()
        if line.strip()
    ]
    return " / ".join(text[-lines:]) or "(no output)"


def run_benchmark(bench: Benchmark, inputs: Inputs, runs: int) -> Result:
    """Prepare, then time ``runs`` whole-process runs; the first failure ends it loudly."""
    result = Result(bench.name, bench.target)
    inputs.work.mkdir(parents=True, exist_ok=True)
    log = inputs.work / f"{bench.name}.log"
    try:
        argv = bench.prepare(inputs)
    except Exception as exc:  # a missing command or module must show in the table
        result.error = f"prepare failed: {type(exc).__name__}: {exc}"
        return result
    pair_argv = bench.pair(inputs) if bench.pair else None
    for i in range(runs):
        if pair_argv is not None:
            yard, yard_code, _ = timed_run(pair_argv, inputs.work / f"{bench.name}.pair.log")
            if yard_code == 0:
                result.paired.append(yard)
        if bench.before_each:
            bench.before_each(inputs)
        seconds, code, peak = timed_run(argv, log)
        if code != 0:
            result.error = f"exit {code}: {_tail(log)}"
            return result
        result.seconds.append(seconds)
        result.peak_kib.append(peak)
        paired = f" (DuckDB just before: {result.paired[-1]:.3f} s)" if pair_argv else ""
        print(
            f"  {bench.name} run {i + 1}/{runs}: {seconds:.3f} s, {peak / 1024:.0f} MiB{paired}",
            flush=True,
        )
        if i == 0 and bench.check:
            try:
                result.note = bench.check(inputs)
            except Exception as exc:
                result.error = f"output check failed: {type(exc).__name__}: {exc}"
                return result
    return result


def under(seconds: float) -> Judge:
    def judge(result: Result, _: dict[str, Result]) -> str:
        if result.median is None:
            return "no figure"
        return "pass" if result.median < seconds else "MISS"

    return judge


def info(result: Result, _: dict[str, Result]) -> str:
    return "info"


def judge_ingest_at(limit: float) -> Judge:
    """≤ ``limit`` × DuckDB (run by run, else by medians) and ≤ :data:`PEAK_MIB` peak."""

    def judge(result: Result, results: dict[str, Result]) -> str:
        if result.median is None or result.peak_mib is None:
            return "no figure"
        verdicts = []
        memory_ok = result.peak_mib <= PEAK_MIB
        verdicts.append(f"{result.peak_mib:.0f} MiB " + ("ok" if memory_ok else "MISS"))
        yard = results.get("duckdb")
        paired = result.paired_ratio
        if paired is not None:
            ratio_ok = paired <= limit
            verdicts.append(f"{paired:.2f}× DuckDB run by run")
        elif yard is None or yard.median is None:
            verdicts.append("no yardstick in this run")
            ratio_ok = True
        else:
            ratio = result.median / yard.median
            ratio_ok = ratio <= limit
            verdicts.append(f"{ratio:.2f}× DuckDB")
        return ("pass" if memory_ok and ratio_ok else "MISS") + " (" + ", ".join(verdicts) + ")"

    return judge


judge_ingest = judge_ingest_at(SMALL_RATIO)


def judge_cold_ingest(result: Result, results: dict[str, Result]) -> str:
    paired = result.paired_ratio
    return "info" if paired is None else f"info ({paired:.2f}× DuckDB run by run)"


def duckdb_argv(inputs: Inputs) -> list[str]:
    return [sys.executable, "-c", DUCKDB_SCRIPT, str(inputs.ensure_export())]


def duckdb_argv_of(rows: int) -> Callable[[Inputs], list[str]]:
    return lambda inputs: [sys.executable, "-c", DUCKDB_SCRIPT, str(inputs.ensure_export_of(rows))]


def big_ingest(name: str, rows: int) -> Benchmark:
    """The streamed ingest of a ``rows``-row export, DuckDB timed just before each run."""
    store = f"{name}.sqlite"

    def argv(inputs: Inputs) -> list[str]:
        warm_ingest_argv(inputs, inputs.work / store)
        return [
            MKTPLAN,
            "ingest",
            str(inputs.ensure_plan()),
            str(inputs.ensure_export_of(rows)),
            "--source",
            generate.AD_SOURCE,
            "--store",
            str(inputs.work / store),
            "-q",
        ]

    return Benchmark(
        name,
        True,
        f"≤ {BIG_RATIO}× DuckDB, ≤ {PEAK_MIB} MiB ({rows:,} rows)",
        argv,
        judge_ingest_at(BIG_RATIO),
        before_each=lambda i: remove_store(i.work / store),
        pair=duckdb_argv_of(rows),
    )


def warm_ingest_argv(inputs: Inputs, store: Path | str) -> list[str]:
    """The ingest command, with the plan already in mktplan's plan cache: a weekly ingest
    meets an unchanged plan (``ingest-cold`` times the first run after a plan edit)."""
    from mktplan.plan.validate import load_plan

    load_plan(inputs.ensure_plan())
    return ingest_argv(inputs, store)


def judge_reingest(result: Result, results: dict[str, Result]) -> str:
    first = results.get("ingest")
    if result.median is None or first is None or first.median is None:
        return "no ingest figure in this run"
    return "pass" if result.median <= first.median else "MISS"


def judge_pg_ingest(result: Result, results: dict[str, Result]) -> str:
    sqlite = results.get("ingest")
    if result.median is None or sqlite is None or sqlite.median is None:
        return "no SQLite ingest figure in this run"
    ratio = result.median / sqlite.median
    return f"{'pass' if ratio <= 2 else 'MISS'} ({ratio:.2f}× SQLite)"


def pg_ingest_database(inputs: Inputs) -> str:
    from bench import postgres

    return postgres.fresh_database(inputs.root, f"mk_bench_ingest_{inputs.sizes.mode}")


def reset_pg_ingest(inputs: Inputs) -> None:
    pg_ingest_database(inputs)


def pg_report_database(inputs: Inputs) -> str:
    from bench import postgres

    name = f"mk_bench_report_{inputs.sizes.mode}"
    return postgres.copied_database(inputs.root, name, inputs.ensure_report_store(), MKTPLAN)


def ingest_argv(inputs: Inputs, store: Path | str) -> list[str]:
    return [
        MKTPLAN,
        "ingest",
        str(inputs.ensure_plan()),
        str(inputs.ensure_export()),
        "--source",
        generate.AD_SOURCE,
        "--store",
        str(store),
        "-q",
    ]


def prepare_reingest(inputs: Inputs) -> list[str]:
    store = inputs.work / "reingest.sqlite"
    remove_store(store)
    argv = ingest_argv(inputs, store)
    seconds, code, _ = timed_run(argv, inputs.work / "reingest-first.log")
    if code != 0:
        raise RuntimeError(f"first ingest exit {code}: {_tail(inputs.work / 'reingest-first.log')}")
    print(f"  reingest: first ingest (untimed) took {seconds:.1f} s", flush=True)
    return argv


DUCKDB_SCRIPT = """
import sys, duckdb
rows = duckdb.sql(
    "SELECT date, channel, sum(impressions), sum(clicks), sum(conversions), sum(spend), "
    "sum(revenue), sum(new_users) FROM read_csv_auto('" + sys.argv[1].replace("'", "''") + "') "
    "GROUP BY date, channel"
).fetchall()
print(len(rows), "groups")
"""


def report_argv(inputs: Inputs, fmt: str, store: Path | str) -> list[str]:
    return [
        MKTPLAN,
        "report",
        str(inputs.ensure_plan()),
        "--store",
        str(store),
        "--format",
        fmt,
        "--as-of",
        str(generate.PERIOD_END),
        "--out",
        str(inputs.work / f"report.{fmt}"),
        "-q",
    ]


def check_ingested(inputs: Inputs) -> str:
    """The store after an ingest: every export row read, one observation per KPI/day/channel."""
    import sqlite3

    con = sqlite3.connect(inputs.work / "ingest.sqlite")
    try:
        rows_read = con.execute("SELECT sum(rows_read) FROM ingest_file").fetchone()[0]
        (stored,) = con.execute("SELECT count(*) FROM observation").fetchone()
    finally:
        con.close()
    if rows_read != inputs.sizes.export_rows:
        raise RuntimeError(f"read {rows_read} rows of {inputs.sizes.export_rows}")
    return f"{rows_read:,} rows → {stored:,} observations"


def check_xlsx(inputs: Inputs) -> str:
    """Rows of the written workbook's Daily sheet, so the figure is known to cover 100k+ rows."""
    from openpyxl import load_workbook

    book = load_workbook(inputs.work / "report.xlsx", read_only=True)
    try:
        # write-only workbooks carry no sheet dimension: count the rows themselves
        sheet = book["Daily"] if "Daily" in book.sheetnames else book.worksheets[-1]
        rows = sum(1 for _ in sheet.iter_rows(values_only=True))
        title = sheet.title
    finally:
        book.close()
    expected = inputs.sizes.plan_modules * len(generate.MODULE_KPIS) * inputs.sizes.xlsx_days
    if rows - 1 != expected:  # an empty sheet is fast and wrong: the figure would mean nothing
        raise RuntimeError(f"sheet {title!r} has {rows - 1:,} data rows, not {expected:,}")
    return f"sheet {title!r}: {rows - 1:,} data rows"


def check_nonempty(name: str) -> Callable[[Inputs], str]:
    def check(inputs: Inputs) -> str:
        size = (inputs.work / name).stat().st_size
        if size == 0:
            raise RuntimeError(f"{name} is empty")
        return f"{size / 1024:,.0f} KiB written"

    return check


def check_report_json(inputs: Inputs) -> str:
    """The JSON report of the 10M-observation store: every module KPI has an actual (a report
    that read nothing would be fast and wrong)."""
    import json

    data = json.loads((inputs.work / "report.json").read_text(encoding="utf-8"))
    measured = sum(1 for k in data["kpis"] if k.get("actual") is not None)
    expected = inputs.sizes.plan_modules * len(generate.MODULE_KPIS)
    if measured < expected:
        raise RuntimeError(f"report.json has actuals for {measured} KPIs, not {expected}")
    size = (inputs.work / "report.json").stat().st_size
    return f"{size / 1024:,.0f} KiB written, {measured:,} KPIs with actuals"


def benchmarks(sizes: Sizes, huge: bool = False) -> list[Benchmark]:
    rows = f"{sizes.export_rows:,}"
    s = sizes
    obs = s.plan_modules * 10 * s.store_days * s.store_channels
    xlsx_obs = s.plan_modules * 10 * s.xlsx_days
    return [
        Benchmark("help", False, "< 0.15 s", lambda i: [MKTPLAN, "--help"], under(0.15)),
        Benchmark(
            "validate",
            False,
            "< 0.5 s",
            lambda i: [MKTPLAN, "validate", str(i.ensure_plan()), "-q"],
            under(0.5),
        ),
        Benchmark(
            "duckdb",
            True,
            f"yardstick: {rows} rows",
            duckdb_argv,
            info,
        ),
        Benchmark(
            "ingest",
            True,
            f"≤ {SMALL_RATIO}× DuckDB, ≤ {PEAK_MIB} MiB ({rows} rows)",
            lambda i: warm_ingest_argv(i, i.work / "ingest.sqlite"),
            judge_ingest,
            before_each=lambda i: remove_store(i.work / "ingest.sqlite"),
            check=check_ingested,
            pair=duckdb_argv,
        ),
        Benchmark(
            "ingest-cold",
            True,
            "none: ingest right after a plan edit (no plan cache)",
            lambda i: ["env", "MKTPLAN_CACHE_DIR=", *ingest_argv(i, i.work / "ingest.sqlite")],
            judge_cold_ingest,
            before_each=lambda i: remove_store(i.work / "ingest.sqlite"),
            pair=duckdb_argv,
        ),
        Benchmark(
            "ingest-pg",
            True,
            f"≤ 2× SQLite ingest, PostgreSQL store ({rows} rows)",
            lambda i: warm_ingest_argv(i, pg_ingest_database(i)),
            judge_pg_ingest,
            before_each=reset_pg_ingest,
        ),
        big_ingest("ingest-5m", s.big_rows),
        Benchmark("reingest", True, "≤ ingest", prepare_reingest, judge_reingest),
        Benchmark(
            "ingest-long",
            True,
            f"none: long format, 2,000 KPIs × {s.long_days} days × 2 channels",
            lambda i: [
                MKTPLAN,
                "ingest",
                str(i.ensure_plan()),
                str(i.ensure_long_export()),
                "--store",
                str(i.work / "long.sqlite"),
                "-q",
            ],
            info,
            before_each=lambda i: remove_store(i.work / "long.sqlite"),
        ),
        Benchmark(
            "report-json",
            True,
            f"< 2 s ({obs:,} obs)",
            lambda i: report_argv(i, "json", i.ensure_report_store()),
            under(2.0),
            check=check_report_json,
        ),
        Benchmark(
            "report-json-pg",
            True,
            f"< 3 s, PostgreSQL store ({obs:,} obs)",
            lambda i: report_argv(i, "json", pg_report_database(i)),
            under(3.0),
            check=check_report_json,
        ),
        Benchmark(
            "report-md",
            True,
            f"< 2 s ({obs:,} obs)",
            lambda i: report_argv(i, "md", i.ensure_report_store()),
            under(2.0),
            check=check_nonempty("report.md"),
        ),
        Benchmark(
            "report-table",
            True,
            f"none (terminal tables, {obs:,} obs)",
            lambda i: report_argv(i, "table", i.ensure_report_store()),
            info,
            check=check_nonempty("report.table"),
        ),
        Benchmark(
            "report-xlsx",
            True,
            f"none ({xlsx_obs:,} daily rows)",
            lambda i: report_argv(i, "xlsx", i.ensure_xlsx_store()),
            info,
            check=check_xlsx,
        ),
        *([big_ingest("ingest-20m", s.huge_rows)] if huge else []),
    ]


def machine() -> str:
    """nproc, CPU model, RAM and Python version, one line."""
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        mem_kib = next(
            int(line.split()[1])
            for line in Path("/proc/meminfo").read_text().splitlines()
            if line.startswith("MemTotal:")
        )
        ram = f"{mem_kib / GIB:.1f} GiB RAM"
    except (OSError, StopIteration):
        ram = "unknown RAM"
    return f"{os.cpu_count()} CPUs ({cpu}), {ram}, Python {platform.python_version()}, {platform.system()}"


# The pure-Python loop that measures the machine's speed at the time of a run.
YARDSTICK_LOOP = 5_000_000


@dataclass(frozen=True)
class Yardstick:
    """How fast this machine ran plain Python at the time (best of 3 runs of a fixed loop)
    and its load: a shared host's speed varies from day to day, and absolute seconds compare
    across runs only beside it (ratios to DuckDB compare regardless)."""

    seconds: float
    load: float

    @classmethod
    def measure(cls) -> Yardstick:
        best = math.inf
        for _ in range(3):
            started = time.perf_counter()
            total = 0
            for i in range(YARDSTICK_LOOP):
                total += i
            best = min(best, time.perf_counter() - started)
        return cls(best, os.getloadavg()[0])

    def text(self) -> str:
        return f"{self.seconds:.3f} s (load {self.load:.2f})"


def _fmt(value: float | None, digits: int) -> str:
    return "—" if value is None else f"{value:.{digits}f}"


def table_rows(results: list[Result]) -> list[list[str]]:
    rows = []
    for r in results:
        verdict = f"ERROR: {r.error}" if r.error else r.verdict
        if r.note:
            verdict += f"; {r.note}"
        rows.append(
            [
                r.name,
                _fmt(r.median, 3),
                _fmt(r.best, 3),
                _fmt(r.peak_mib, 0),
                str(len(r.seconds)),
                r.target,
                verdict,
            ]
        )
    return rows


HEADER = ["benchmark", "median s", "min s", "peak MiB", "runs", "target", "verdict"]


def markdown(
    results: list[Result], sizes: Sizes, speed: tuple[Yardstick, Yardstick] | None = None
) -> str:
    lines = [
        f"# mktplan benchmarks ({sizes.mode})",
        "",
        f"Run {dt.datetime.now():%Y-%m-%d %H:%M} on {machine()}.",
        "",
    ]
    if speed is not None:
        lines += [
            f"Machine speed: a pure-Python loop of {YARDSTICK_LOOP:,} additions took "
            f"{speed[0].text()} before the run and {speed[1].text()} after it.",
            "",
        ]
    lines += [
        "| " + " | ".join(HEADER) + " |",
        "|"
        + "|".join(
            "---:" if h in ("median s", "min s", "peak MiB", "runs") else "---" for h in HEADER
        )
        + "|",
    ]
    lines += [
        "| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |"
        for row in table_rows(results)
    ]
    return "\n".join(lines) + "\n"


def text_table(results: list[Result]) -> str:
    rows = [HEADER, *table_rows(results)]
    widths = [max(len(row[c]) for row in rows) for c in range(len(HEADER) - 1)]
    out = []
    for row in rows:
        cells = [cell.ljust(widths[c]) for c, cell in enumerate(row[:-1])]
        out.append("  ".join([*cells, row[-1]]))
    return "\n".join(out)


def profile(bench: Benchmark, inputs: Inputs) -> int:
    """Run the benchmark's command once under cProfile; print the top functions."""
    argv = bench.prepare(inputs)
    if bench.before_each:
        bench.before_each(inputs)
    if argv[0] != MKTPLAN:
        print(f"{bench.name} does not run mktplan; nothing to profile", file=sys.stderr)
        return 2
    OUT.mkdir(parents=True, exist_ok=True)
    inputs.work.mkdir(parents=True, exist_ok=True)
    stats_file = OUT / f"{bench.name}.prof"
    full = [sys.executable, "-m", "cProfile", "-o", str(stats_file), "-m", "mktplan", *argv[1:]]
    seconds, code, peak = timed_run(full, inputs.work / f"{bench.name}-profile.log")
    print(f"{bench.name} under cProfile: {seconds:.2f} s, exit {code}, {peak / 1024:.0f} MiB")
    if code != 0:
        print(_tail(inputs.work / f"{bench.name}-profile.log", 10), file=sys.stderr)
        return 1
    stats = pstats.Stats(str(stats_file))
    stats.sort_stats("cumulative").print_stats(30)
    stats.sort_stats("tottime").print_stats(20)
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="bench/run", description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, for a smoke run")
    parser.add_argument(
        "--only",
        action="append",
        default=[],
        metavar="NAME",
        help="run this benchmark (repeatable)",
    )
    parser.add_argument(
        "--runs",
        type=int,
        default=None,
        help="runs of the light benchmarks (default 5; heavy ones 3)",
    )
    parser.add_argument("--heavy-runs", type=int, default=None, help="runs of the heavy benchmarks")
    parser.add_argument("--profile", metavar="NAME", help="run one benchmark once under cProfile")
    parser.add_argument("--clean", action="store_true", help="delete generated data first")
    parser.add_argument(
        "--huge", action="store_true", help="add the 20M-row ingest (a 1.2 GB export)"
    )
    args = parser.parse_args(argv)

    sizes = QUICK if args.quick else FULL
    inputs = Inputs(sizes, DATA / sizes.mode)
    if args.clean and inputs.root.exists():
        shutil.rmtree(inputs.root)
    suite = benchmarks(sizes, huge=args.huge)
    names = [b.name for b in suite]
    unknown = [n for n in [*args.only, *([args.profile] if args.profile else [])] if n not in names]
    if unknown:
        parser.error(f"unknown benchmark {unknown[0]!r}; choose from {', '.join(names)}")
    if args.profile:
        return profile(next(b for b in suite if b.name == args.profile), inputs)
    selected = [b for b in suite if not args.only or b.name in args.only]

    print(f"mktplan benchmarks, {sizes.mode} sizes, on {machine()}", flush=True)
    before = Yardstick.measure()
    print(f"machine speed: {YARDSTICK_LOOP:,} additions in {before.text()}", flush=True)
    results: dict[str, Result] = {}
    for bench in selected:
        runs = (args.heavy_runs or sizes.heavy_runs) if bench.heavy else (args.runs or sizes.runs)
        print(f"- {bench.name} ({runs} runs)", flush=True)
        result = run_benchmark(bench, inputs, runs)
        results[bench.name] = result
    for result in results.values():
        if not result.error:
            bench = next(b for b in suite if b.name == result.name)
            result.verdict = bench.judge(result, results)
    ordered = list(results.values())
    after = Yardstick.measure()
    print()
    print(text_table(ordered))
    print(f"machine speed: {before.text()} before, {after.text()} after")
    OUT.mkdir(parents=True, exist_ok=True)
    text = markdown(ordered, sizes, (before, after))
    (OUT / "latest.md").write_text(text, encoding="utf-8")
    # keep every run too: a later `--only` run must not lose the figures of a full one
    (OUT / f"{dt.datetime.now():%Y%m%d-%H%M%S}-{sizes.mode}.md").write_text(text, encoding="utf-8")
    print(f"\nwritten: {(OUT / 'latest.md').relative_to(ROOT)}")
    return 1 if any(r.error for r in ordered) else 0


if __name__ == "__main__":
    sys.exit(main())
