//! `cargo xtask bench`: times a syscall-heavy loop untraced, under rtrace and under
//! strace, side by side in one run, and reports medians, ratios, events/s and losses.
//!
//! The loop is `dd if=/dev/zero of=/dev/null bs=1 count=N`: two one-byte syscalls per
//! block. Each traced run starts from a shell that waits for a line on stdin and then
//! execs dd, so the tracer is attached before the first timed syscall.

use std::{
    fs,
    io::{BufRead, BufReader, Write},
    path::Path,
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};

use anyhow::{Context, Result, bail};

#[derive(clap::Args)]
pub struct BenchArgs {
    /// Blocks dd copies (two syscalls each).
    #[arg(long, default_value_t = 300_000)]
    blocks: u64,
    /// Runs per configuration (the median is reported).
    #[arg(long, default_value_t = 5)]
    runs: usize,
}

/// One traced or untraced run's outcome.
struct Sample {
    secs: f64,
    lines: u64,
    lost: u64,
}

fn dd_args(blocks: u64) -> Vec<String> {
    vec![
        "if=/dev/zero".into(),
        "of=/dev/null".into(),
        "bs=1".into(),
        format!("count={blocks}"),
        "status=none".into(),
    ]
}

/// A shell that execs dd when it reads a line: its pid is dd's pid.
fn waiting_dd(blocks: u64) -> Result<Child> {
    Command::new("sh")
        .arg("-c")
        .arg(format!("read go; exec dd {}", dd_args(blocks).join(" ")))
        .stdin(Stdio::piped())
        .spawn()
        .context("starting dd")
}

/// Starts `tracer` on the waiting shell, waits for its `attached` line, releases dd and
/// times it to its exit.
fn traced_run(tracer: &mut Command, blocks: u64, out: &Path) -> Result<Sample> {
    let mut dd = waiting_dd(blocks)?;
    let pid = dd.id();
    let mut tracer = tracer
        .arg("-o")
        .arg(out)
        .arg("-p")
        .arg(pid.to_string())
        .stderr(Stdio::piped())
        .spawn()
        .context("starting the tracer")?;
    let mut stderr = BufReader::new(tracer.stderr.take().context("tracer stderr")?);
    let mut line = String::new();
    loop {
        line.clear();
        if stderr.read_line(&mut line)? == 0 {
            bail!("tracer exited before attaching");
        }
        if line.contains("attached") {
            break;
        }
    }
    let start = Instant::now();
    dd.stdin.take().context("dd stdin")?.write_all(b"go\n")?;
    dd.wait()?;
    let secs = start.elapsed().as_secs_f64();
    let mut rest = String::new();
    std::io::Read::read_to_string(&mut stderr, &mut rest)?;
    let status = wait_timeout(&mut tracer, Duration::from_secs(120))?;
    if !status {
        bail!("tracer did not exit after dd; stderr: {rest}");
    }
    let lost = rest
        .lines()
        .find_map(|l| l.strip_prefix("rtrace: ")?.strip_suffix(" events lost")?.parse().ok())
        .unwrap_or(0);
    let lines = fs::read(out).map(|b| b.iter().filter(|&&c| c == b'\n').count() as u64)?;
    Ok(Sample { secs, lines, lost })
}

fn wait_timeout(child: &mut Child, limit: Duration) -> Result<bool> {
    let start = Instant::now();
    while start.elapsed() < limit {
        if child.try_wait()?.is_some() {
            return Ok(true);
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    child.kill().ok();
    Ok(false)
}

fn untraced_run(blocks: u64) -> Result<Sample> {
    let mut dd = waiting_dd(blocks)?;
    let start = Instant::now();
    dd.stdin.take().context("dd stdin")?.write_all(b"go\n")?;
    dd.wait()?;
    Ok(Sample { secs: start.elapsed().as_secs_f64(), lines: 0, lost: 0 })
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

/// Runs the benchmark and prints the table.
///
/// # Errors
/// When a run fails.
pub fn run(root: &Path, rtrace: &Path, args: &BenchArgs) -> Result<()> {
    let dir = root.join("target/bench");
    fs::create_dir_all(&dir)?;
    let syscalls = args.blocks * 2;
    println!(
        "floor: dd bs=1 count={} ({syscalls} syscalls), {} runs each, configurations interleaved",
        args.blocks, args.runs
    );
    let mut untraced = Vec::new();
    let mut rtraced = Vec::new();
    let mut straced = Vec::new();
    for _ in 0..args.runs {
        untraced.push(untraced_run(args.blocks)?);
        rtraced.push(traced_run(&mut Command::new(rtrace), args.blocks, &dir.join("rtrace.out"))?);
        straced.push(traced_run(&mut Command::new("strace"), args.blocks, &dir.join("strace.out"))?);
    }
    let base = median(untraced.iter().map(|s| s.secs).collect());
    println!("{:<10} {:>10} {:>9} {:>14} {:>10} {:>8}", "tracer", "median s", "ratio", "events/s", "lines", "lost");
    for (name, samples) in [("untraced", &untraced), ("rtrace", &rtraced), ("strace", &straced)] {
        let secs = median(samples.iter().map(|s| s.secs).collect());
        let lines = samples.iter().map(|s| s.lines).max().unwrap_or(0);
        let lost: u64 = samples.iter().map(|s| s.lost).sum();
        #[expect(clippy::cast_precision_loss, reason = "display only")]
        let rate = if name == "untraced" { syscalls as f64 / secs } else { lines as f64 / secs };
        println!(
            "{name:<10} {secs:>10.3} {:>8.1}x {rate:>14.0} {lines:>10} {lost:>8}",
            secs / base
        );
    }
    Ok(())
}
