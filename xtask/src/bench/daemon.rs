//! `daemon`: what rtrace itself costs and how much it can take. Its CPU time and memory
//! while tracing the floor loop, split at the moment it attached (loading the eBPF
//! programs is a fixed cost; decoding is per event), then a ladder of paced loads to
//! find the highest event rate it keeps up with, losing nothing, and what it loses beyond.

use std::{
    process::Command,
    time::{Duration, Instant},
};

use anyhow::{Context, Result};

use super::{
    Bench, Benchmark,
    load::Load,
    process::{self, Held, Tracer},
    report::{Table, as_count, as_f64, grouped, median, median_count, median_secs},
};

/// The ladder's first rate, in syscalls per second; it doubles from there.
const FIRST_RATE: u64 = 125_000;
/// The ladder stops climbing here even without a loss.
const TOP_RATE: u64 = 16_000_000;
/// The lowest rate worth trying when even the first step loses events.
const BOTTOM_RATE: u64 = 1_000;
/// Halvings of the interval between the last lossless and the first lossy rate.
const BISECTIONS: usize = 2;
/// Below this share of its target the load is not keeping up: it is the limit.
const KEEPING_UP: f64 = 0.9;
/// Paced loads run in parallel, sharing the target rate: one alone tops out (under
/// tracing) far below what rtrace decodes.
const PACED_LOADS: u64 = 2;
/// Loads run flat out, in parallel, when the paced ones top out without a loss.
const FLAT_OUT_LOADS: [u64; 3] = [4, 8, 16];

/// Runs the benchmark and prints its two tables.
pub fn run(bench: &Bench) -> Result<()> {
    footprint(bench)?;
    ladder(bench)
}

/// One traced floor loop: what rtrace wrote and used, before and after attaching.
struct Footprint {
    lines: u64,
    loop_time: Duration,
    /// CPU time until it said `attached` (loading, verifying, attaching).
    startup_cpu: Duration,
    /// CPU time from then to its exit (reading, decoding, writing).
    tracing_cpu: Duration,
    attached_rss_kib: u64,
    peak_rss_kib: u64,
    lost: u64,
}

impl Footprint {
    fn cpu_per_million(&self) -> f64 {
        self.tracing_cpu.as_secs_f64() * 1e6 / as_f64(self.lines.max(1))
    }

    fn events_per_cpu_second(&self) -> f64 {
        as_f64(self.lines) / self.tracing_cpu.as_secs_f64().max(1e-9)
    }
}

fn footprint_run(bench: &Bench) -> Result<Footprint> {
    let out = bench.dir.join("daemon.rtrace.out");
    let mut held = Held::spawn(&process::dd_command(bench.blocks), None)?;
    let mut cmd = Command::new(bench.rtrace);
    cmd.arg("--stats")
        .arg("-o")
        .arg(&out)
        .arg("-p")
        .arg(held.pid().to_string());
    let tracer = Tracer::start(&mut cmd, 1)?;
    let attached_rss_kib = process::rss_kib(tracer.child.id())?;
    let start = held.release()?;
    process::reap(&held.child)?;
    let loop_time = start.elapsed();
    let exit = tracer.finish()?;
    let startup_cpu = exit
        .rtrace_attach_cpu()
        .context("rtrace --stats gave no CPU to attach")?;
    Ok(Footprint {
        lines: process::count_lines(&out),
        loop_time,
        startup_cpu,
        tracing_cpu: exit.usage.cpu.saturating_sub(startup_cpu),
        attached_rss_kib,
        // Not wait4's maxrss: that counts the image of the process that forked rtrace
        // (this one, which has read big trace files by now) before it exec'd.
        peak_rss_kib: exit
            .rtrace_peak_rss_kib()
            .context("rtrace --stats gave no peak RSS")?,
        lost: exit.rtrace_lost(),
    })
}

fn mib(kib: u64) -> String {
    format!("{:.1}", as_f64(kib) / 1024.0)
}

fn footprint(bench: &Bench) -> Result<()> {
    let runs = (0..bench.runs)
        .map(|_| footprint_run(bench))
        .collect::<Result<Vec<_>>>()
        .context("daemon: tracing the floor loop")?;
    let mut table = Table::new(
        "daemon: rtrace's own CPU time and memory tracing the floor loop (-o file)",
        bench.command(Benchmark::Daemon),
        &[
            "run",
            "events",
            "loop s",
            "startup CPU s",
            "tracing CPU s",
            "CPU s/M events",
            "events/CPU s",
            "RSS attached MiB",
            "peak RSS MiB",
            "lost",
        ],
    );
    for (i, run) in runs.iter().enumerate() {
        table.row(vec![
            format!("{}", i + 1),
            grouped(as_f64(run.lines)),
            format!("{:.3}", run.loop_time.as_secs_f64()),
            format!("{:.3}", run.startup_cpu.as_secs_f64()),
            format!("{:.3}", run.tracing_cpu.as_secs_f64()),
            format!("{:.3}", run.cpu_per_million()),
            grouped(run.events_per_cpu_second()),
            mib(run.attached_rss_kib),
            mib(run.peak_rss_kib),
            grouped(as_f64(run.lost)),
        ]);
    }
    table.row(vec![
        "median".into(),
        grouped(median_count(runs.iter().map(|r| r.lines))),
        format!("{:.3}", median_secs(runs.iter().map(|r| &r.loop_time))),
        format!("{:.3}", median_secs(runs.iter().map(|r| &r.startup_cpu))),
        format!("{:.3}", median_secs(runs.iter().map(|r| &r.tracing_cpu))),
        format!("{:.3}", median(runs.iter().map(Footprint::cpu_per_million))),
        grouped(median(runs.iter().map(Footprint::events_per_cpu_second))),
        mib(median_kib(runs.iter().map(|r| r.attached_rss_kib))),
        mib(median_kib(runs.iter().map(|r| r.peak_rss_kib))),
        grouped(median_count(runs.iter().map(|r| r.lost))),
    ]);
    table.note(
        "events: lines rtrace wrote. startup: CPU until it attached (its --stats line: its threads' \
         CPU clock, those that loaded the programs included); \
         tracing: from then to exit (wait4 total less startup). Peak RSS: rtrace's own VmHWM, from its --stats line",
    );
    table.print();
    Ok(())
}

/// The median of KiB counts, as a whole KiB count.
fn median_kib(values: impl IntoIterator<Item = u64>) -> u64 {
    as_count(median_count(values))
}

/// How a step loads the machine: how many loads, and their combined rate.
#[derive(Clone, Copy)]
struct Plan {
    loads: u64,
    /// Syscalls per second, all loads together; `None`: each as fast as it can.
    rate: Option<u64>,
}

/// One step: `plan.loads` loads traced by one rtrace.
struct Step {
    plan: Plan,
    /// Syscalls the loads made per second, together.
    achieved: f64,
    lines: u64,
    lost: u64,
    /// rtrace's CPU time while tracing, over the loads' run time.
    busy: f64,
}

impl Step {
    fn keeping_up(&self) -> bool {
        self.plan
            .rate
            .is_none_or(|rate| self.achieved >= KEEPING_UP * as_f64(rate))
    }
}

/// Runs `plan` for `syscalls` syscalls in all, under rtrace.
fn step(bench: &Bench, plan: Plan, syscalls: u64) -> Result<Step> {
    let per_load = (syscalls / plan.loads) & !1;
    let out = bench.dir.join("daemon.ladder.out");
    let loads = (0..plan.loads)
        .map(|_| Load::spawn(plan.rate.map(|r| r / plan.loads), per_load))
        .collect::<Result<Vec<_>>>()?;
    let pids: Vec<String> = loads.iter().map(|l| l.pid().to_string()).collect();
    let mut cmd = Command::new(bench.rtrace);
    cmd.arg("--stats")
        .arg("-o")
        .arg(&out)
        .arg("-p")
        .arg(pids.join(","));
    let tracer = Tracer::start(&mut cmd, loads.len())?;
    let start = Instant::now();
    for load in &loads {
        load.release()?;
    }
    for load in loads {
        load.wait()?;
    }
    let ran = start.elapsed().as_secs_f64();
    let exit = tracer.finish()?;
    let startup_cpu = exit
        .rtrace_attach_cpu()
        .context("rtrace --stats gave no CPU to attach")?;
    let lost = exit.rtrace_lost();
    eprintln!(
        "xtask: bench daemon: {}: {} lost",
        describe(plan),
        grouped(as_f64(lost))
    );
    Ok(Step {
        plan,
        achieved: as_f64(per_load * plan.loads) / ran,
        lines: process::count_lines(&out),
        lost,
        busy: exit.usage.cpu.saturating_sub(startup_cpu).as_secs_f64() / ran,
    })
}

fn describe(plan: Plan) -> String {
    match plan.rate {
        Some(rate) => format!("{} loads, {} syscalls/s", plan.loads, grouped(as_f64(rate))),
        None => format!("{} loads flat out", plan.loads),
    }
}

fn paced(bench: &Bench, rate: u64) -> Result<Step> {
    step(
        bench,
        Plan {
            loads: PACED_LOADS,
            rate: Some(rate),
        },
        rate * bench.step_seconds,
    )
}

/// Climbs (or descends) by doubling to bracket the first loss, then bisects.
fn climb(bench: &Bench) -> Result<Vec<Step>> {
    let mut steps = Vec::new();
    let (mut good, mut bad) = (None::<u64>, None::<u64>);
    let mut rate = FIRST_RATE;
    loop {
        let s = paced(bench, rate)?;
        let (lossless, keeping_up) = (s.lost == 0, s.keeping_up());
        steps.push(s);
        if lossless {
            good = Some(rate);
            if bad.is_some() || !keeping_up || rate >= TOP_RATE {
                break;
            }
            rate *= 2;
        } else {
            bad = Some(rate);
            if good.is_some() || rate <= BOTTOM_RATE {
                break;
            }
            rate /= 2;
        }
    }
    if let (Some(mut good), Some(mut bad)) = (good, bad) {
        for _ in 0..BISECTIONS {
            let mid = good.midpoint(bad);
            let s = paced(bench, mid)?;
            if s.lost == 0 {
                good = mid;
            } else {
                bad = mid;
            }
            steps.push(s);
        }
    }
    steps.sort_by_key(|s| s.plan.rate);
    Ok(steps)
}

/// When the paced loads top out before rtrace loses anything: more loads, flat out,
/// so that rtrace competes with more of them for the CPUs.
fn crowd(bench: &Bench, paced: &[Step]) -> Result<Vec<Step>> {
    if paced.iter().any(|s| s.lost > 0) {
        return Ok(Vec::new());
    }
    let top = paced.iter().map(|s| s.achieved).fold(0.0, f64::max);
    let syscalls = as_count(top) * bench.step_seconds;
    FLAT_OUT_LOADS
        .iter()
        .map(|&loads| step(bench, Plan { loads, rate: None }, syscalls))
        .collect()
}

fn ladder(bench: &Bench) -> Result<()> {
    let mut steps = climb(bench).context("daemon: rate ladder")?;
    steps.extend(crowd(bench, &steps).context("daemon: loads flat out")?);
    let mut table = Table::new(
        format!(
            "daemon: highest event rate rtrace keeps up with (paced read/write loads, ~{} s per \
             step, one run per step)",
            bench.step_seconds
        ),
        bench.command(Benchmark::Daemon),
        &[
            "loads",
            "target/s",
            "achieved/s",
            "lines",
            "lost",
            "lost %",
            "rtrace CPU %",
        ],
    );
    for s in &steps {
        table.row(vec![
            s.plan.loads.to_string(),
            s.plan
                .rate
                .map_or_else(|| "flat out".into(), |r| grouped(as_f64(r))),
            grouped(s.achieved),
            grouped(as_f64(s.lines)),
            grouped(as_f64(s.lost)),
            format!(
                "{:.1}",
                100.0 * as_f64(s.lost) / as_f64(s.lost + s.lines).max(1.0)
            ),
            format!("{:.0}", 100.0 * s.busy),
        ]);
    }
    table.note(summary(&steps));
    table.note(
        "achieved/s: syscalls the loads made over their run time; rtrace CPU %: its CPU time \
         after attaching over that run time (100 = one core); default --buffer-size",
    );
    table.print();
    Ok(())
}

fn summary(steps: &[Step]) -> String {
    let best = steps
        .iter()
        .filter(|s| s.lost == 0)
        .max_by(|a, b| a.achieved.total_cmp(&b.achieved));
    let first_loss = steps
        .iter()
        .filter(|s| s.lost > 0)
        .min_by(|a, b| a.achieved.total_cmp(&b.achieved));
    match (best, first_loss) {
        (Some(best), Some(loss)) => format!(
            "highest rate with 0 lost: {} syscalls/s ({}); lowest with losses: {} syscalls/s ({})",
            grouped(best.achieved),
            describe(best.plan),
            grouped(loss.achieved),
            describe(loss.plan)
        ),
        (Some(best), None) => format!(
            "no loss at any step: highest rate {} syscalls/s, where the traced loads themselves \
             topped out",
            grouped(best.achieved)
        ),
        (None, _) => format!(
            "events were lost even at {} syscalls/s",
            grouped(as_f64(BOTTOM_RATE))
        ),
    }
}
