//! `floor`: the worst case for any tracer, a loop of one-byte read/write syscalls (dd
//! bs=1), timed untraced, under rtrace, strace and `perf trace`. Every traced run holds
//! dd at a starting line until the tracer has attached, so only traced syscalls are timed.

use std::{
    fs,
    io::{BufRead, BufReader, Write},
    path::{Path, PathBuf},
    process::{Command, Stdio},
    time::{Duration, Instant},
};

use anyhow::{Context, Result};

use super::{
    Bench, Benchmark, interleaved,
    process::{self, Background, Held, Tracer},
    report::{Table, as_f64, grouped, median, median_count, median_secs, range, thousands, times},
};

#[derive(Clone, Copy, PartialEq, Eq)]
enum Config {
    Untraced,
    Rtrace,
    /// rtrace tracing the loop and [`IDLE_TARGETS`] sleeping processes: what a large
    /// traced set costs each event.
    RtraceThousand,
    Strace,
    PerfTrace,
}

/// Sleeping processes traced beside the loop in [`Config::RtraceThousand`].
const IDLE_TARGETS: usize = 999;

impl Config {
    fn name(self) -> &'static str {
        match self {
            Self::Untraced => "untraced",
            Self::Rtrace => "rtrace -o",
            Self::RtraceThousand => "rtrace -o, 1,000 targets",
            Self::Strace => "strace -o",
            Self::PerfTrace => "perf trace -o",
        }
    }
}

/// One run: the loop's wall time, when the trace was complete, what the tracer wrote.
struct Sample {
    /// From releasing dd to its exit.
    loop_time: Duration,
    /// From releasing dd to the tracer's exit (its output complete).
    done: Duration,
    lines: u64,
    /// Events the tracer said it lost; `None` when it has no such notion.
    lost: Option<u64>,
}

impl Sample {
    fn untraced(loop_time: Duration) -> Self {
        Self {
            loop_time,
            done: loop_time,
            lines: 0,
            lost: None,
        }
    }
}

/// Runs the benchmark and prints its table.
pub fn run(bench: &Bench) -> Result<()> {
    let (configs, perf_note) = configs(bench.dir);
    let idle = (0..IDLE_TARGETS)
        .map(|_| Background::sleeper())
        .collect::<Result<Vec<_>>>()?;
    let idle_pids: Vec<u32> = idle.iter().map(Background::pid).collect();
    let samples = interleaved(&configs, bench.runs, |config| {
        measure(bench, config, &idle_pids).with_context(|| format!("floor: {}", config.name()))
    })?;
    drop(idle);
    let mut table = table(bench, &configs, &samples);
    table.note(format!(
        "{} syscalls per loop; loop s: dd released -> dd exited; trace done s: -> tracer exited, \
         output complete; lines, lost: median per run",
        thousands(bench.loop_syscalls())
    ));
    if let Some(note) = perf_note {
        table.note(note);
    }
    table.print();
    Ok(())
}

/// The configurations to measure, and why `perf trace` is missing when it is.
fn configs(dir: &Path) -> (Vec<Config>, Option<String>) {
    let mut configs = vec![
        Config::Untraced,
        Config::Rtrace,
        Config::RtraceThousand,
        Config::Strace,
    ];
    match perf_trace_works(dir) {
        Ok(()) => {
            configs.push(Config::PerfTrace);
            (configs, None)
        }
        Err(e) => (configs, Some(format!("perf trace: not measured ({e:#})"))),
    }
}

fn perf_trace_works(dir: &Path) -> Result<()> {
    anyhow::ensure!(process::installed("perf"), "perf is not installed");
    let probe = dir.join("perf-probe.out");
    let out = Command::new("perf")
        .args(["trace", "-o"])
        .arg(&probe)
        .args(["--", "true"])
        .output()
        .context("running perf trace")?;
    fs::remove_file(probe).ok();
    anyhow::ensure!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr).trim()
    );
    Ok(())
}

/// Measures one run; `idle` are the sleeping processes [`Config::RtraceThousand`] adds.
fn measure(bench: &Bench, config: Config, idle: &[u32]) -> Result<Sample> {
    let command = process::dd_command(bench.blocks);
    let out = output_path(bench.dir, config);
    match config {
        Config::Untraced => Ok(Sample::untraced(Held::spawn(&command, None)?.run()?.0)),
        Config::Rtrace | Config::RtraceThousand => {
            let mut rtrace = Command::new(bench.rtrace);
            rtrace.arg("-o").arg(&out);
            let idle = if config == Config::RtraceThousand {
                idle
            } else {
                &[]
            };
            attached_run(rtrace, &command, &out, Some(idle))
        }
        Config::Strace => {
            let mut strace = Command::new("strace");
            strace.arg("-o").arg(&out);
            attached_run(strace, &command, &out, None)
        }
        Config::PerfTrace => perf_run(&command, &out),
    }
}

fn output_path(dir: &Path, config: Config) -> PathBuf {
    let name = match config {
        Config::Untraced => "untraced",
        Config::Rtrace => "rtrace",
        Config::RtraceThousand => "rtrace-thousand",
        Config::Strace => "strace",
        Config::PerfTrace => "perf",
    };
    dir.join(format!("floor.{name}.out"))
}

/// A tracer that attaches with `-p PID` and says so on stderr (rtrace, strace).
/// `rtrace_idle` is `Some` for rtrace, with the idle pids it traces beside the loop:
/// those never exit, so it is interrupted once the loop has.
fn attached_run(
    mut tracer: Command,
    command: &str,
    out: &Path,
    rtrace_idle: Option<&[u32]>,
) -> Result<Sample> {
    let mut held = Held::spawn(command, None)?;
    let idle = rtrace_idle.unwrap_or_default();
    let pids: Vec<String> = std::iter::once(held.pid())
        .chain(idle.iter().copied())
        .map(|p| p.to_string())
        .collect();
    let mut tracer = Tracer::start(tracer.arg("-p").arg(pids.join(",")), pids.len())?;
    let start = held.release()?;
    process::reap(&held.child)?;
    let loop_time = start.elapsed();
    if !idle.is_empty() {
        // Its lines are all written once it has read the loop's exit.
        process::poll_until(Duration::from_secs(30), "rtrace to write the exit", || {
            fs::read(out)
                .ok()
                .filter(|t| t.ends_with(b"+++ exited with 0 +++\n"))
        })?;
        tracer.interrupt()?;
    }
    let exit = tracer.finish()?;
    let done = start.elapsed();
    let lost = rtrace_idle.map(|_| exit.rtrace_lost());
    Ok(Sample {
        loop_time,
        done,
        lines: process::count_lines(out),
        lost,
    })
}

/// `perf trace` prints nothing when it attaches, so it launches the held shell itself
/// (`perf trace -- sh ...`): once that shell waits for its line, tracing is on.
fn perf_run(command: &str, out: &Path) -> Result<Sample> {
    // perf keeps an existing output as FILE.old: one copy is enough.
    fs::remove_file(out).ok();
    let mut perf = Command::new("perf")
        .args(["trace", "-o"])
        .arg(out)
        .args(["--", "sh", "-c", &format!("read go && exec {command}")])
        .stdin(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .context("starting perf trace")?;
    let shell = process::poll_until(Duration::from_secs(30), "perf trace to start sh", || {
        process::children_of(perf.id()).into_iter().find(|&c| {
            process::comm(c).as_deref() == Some("sh") && process::blocked_syscall(c) == Some(0)
        })
    })?;
    let mut start_line = perf.stdin.take().context("perf stdin")?;
    let start = Instant::now();
    start_line.write_all(b"go\n")?;
    process::wait_exit(shell)?;
    let loop_time = start.elapsed();
    let usage = process::reap_within(&mut perf, process::TRACER_TIMEOUT)?;
    let done = start.elapsed();
    anyhow::ensure!(usage.success, "perf trace failed");
    let (lines, lost) = perf_output(out)?;
    Ok(Sample {
        loop_time,
        done,
        lines,
        lost: Some(lost),
    })
}

/// Lines in a `perf trace` output, and the sum of its `LOST N events!` lines.
fn perf_output(out: &Path) -> Result<(u64, u64)> {
    let file = fs::File::open(out).with_context(|| format!("reading {}", out.display()))?;
    let (mut lines, mut lost) = (0, 0);
    for line in BufReader::with_capacity(1 << 20, file).split(b'\n') {
        let line = line?;
        lines += 1;
        if let Some(rest) = line.strip_prefix(b"LOST ") {
            let n = String::from_utf8_lossy(rest)
                .split_whitespace()
                .next()
                .and_then(|n| n.parse().ok());
            lost += n.unwrap_or(0);
        }
    }
    Ok((lines, lost))
}

fn table(bench: &Bench, configs: &[Config], samples: &[Vec<Sample>]) -> Table {
    let mut table = Table::new(
        "floor: one-byte read/write loop (dd bs=1), wall time",
        bench.command(Benchmark::Floor),
        &[
            "config",
            "loop s",
            "range",
            "vs untraced",
            "syscalls/s",
            "trace done s",
            "lines",
            "lost",
        ],
    );
    let base = median_secs(samples[0].iter().map(|s| &s.loop_time));
    for (config, runs) in configs.iter().zip(samples) {
        let loop_secs = median_secs(runs.iter().map(|s| &s.loop_time));
        let traced = *config != Config::Untraced;
        let lost = runs.iter().map(|s| s.lost).collect::<Option<Vec<u64>>>();
        table.row(vec![
            config.name().to_owned(),
            format!("{loop_secs:.3}"),
            range(runs.iter().map(|s| s.loop_time.as_secs_f64()), |x| {
                format!("{x:.3}")
            }),
            times(loop_secs / base),
            grouped(as_f64(bench.loop_syscalls()) / loop_secs),
            if traced {
                format!("{:.3}", median_secs(runs.iter().map(|s| &s.done)))
            } else {
                "-".into()
            },
            if traced {
                grouped(median_count(runs.iter().map(|s| s.lines)))
            } else {
                "-".into()
            },
            lost.map_or_else(
                || "-".into(),
                |l| grouped(median(l.into_iter().map(as_f64))),
            ),
        ]);
    }
    table
}
