//! `bystander`: what tracing one busy process costs every other process. eBPF programs
//! on the syscall tracepoints run for every syscall on the machine, so an untraced
//! process pays for each of its syscalls too. The untraced floor loop is timed with no
//! tracer, with an empty program on the same raw tracepoints (the least any such
//! tracer can cost), with an empty bpftrace script, and with rtrace tracing another,
//! busy process; the differences in its CPU time, per syscall, are the cost.

use std::{process::Command, time::Duration};

use anyhow::{Context, Result};

use super::{
    Bench, Benchmark,
    empty_program::{EmptyProgram, SYSCALL_TRACEPOINTS},
    interleaved,
    process::{self, Background, Held, Tracer},
    report::{Table, as_f64, grouped, median_count, median_secs, range, times},
};

/// The CPU the measured (untraced) loop runs on.
const BYSTANDER_CPU: usize = 0;
/// The CPU the busy traced process and the tracers' daemons run on.
const BUSY_CPU: usize = 1;

/// bpftrace's nearest to the empty program: it has no raw tracepoints (0.17), so this
/// is on the classic `raw_syscalls` tracepoints, a slower path into the same hooks.
const BPFTRACE_SCRIPT: &str = "tracepoint:raw_syscalls:sys_enter { } \
                               tracepoint:raw_syscalls:sys_exit { } \
                               BEGIN { printf(\"attached\\n\"); }";

#[derive(Clone, Copy, PartialEq, Eq)]
enum Config {
    NoTracer,
    EmptyProgram,
    Bpftrace,
    /// rtrace tracing a sleeping process: its filter alone, no traced work anywhere.
    RtraceIdle,
    Rtrace,
}

impl Config {
    fn name(self) -> &'static str {
        match self {
            Self::NoTracer => "no tracer",
            Self::EmptyProgram => "empty program (raw tp)",
            Self::Bpftrace => "bpftrace empty (tp)",
            Self::RtraceIdle => "rtrace -p IDLE",
            Self::Rtrace => "rtrace -p BUSY",
        }
    }
}

/// The bystander's wall and CPU time in one run, and what rtrace lost of the busy loop.
struct Sample {
    wall: Duration,
    cpu: Duration,
    lost: u64,
}

/// Runs the benchmark and prints its table.
pub fn run(bench: &Bench) -> Result<()> {
    let (configs, bpftrace_note) = configs();
    let busy = busy()?;
    let idle = Background::sleeper()?;
    let samples = interleaved(&configs, bench.runs, |config| {
        let target = if config == Config::RtraceIdle {
            idle.pid()
        } else {
            busy.pid()
        };
        measure(bench, config, target).with_context(|| format!("bystander: {}", config.name()))
    })?;
    drop(busy);
    drop(idle);
    print(bench, &configs, &samples, bpftrace_note);
    Ok(())
}

fn configs() -> (Vec<Config>, Option<String>) {
    let mut configs = vec![Config::NoTracer, Config::EmptyProgram];
    let note = match bpftrace_works() {
        Ok(()) => {
            configs.push(Config::Bpftrace);
            None
        }
        Err(e) => Some(format!("bpftrace: not measured ({e:#})")),
    };
    configs.extend([Config::RtraceIdle, Config::Rtrace]);
    (configs, note)
}

fn bpftrace_works() -> Result<()> {
    anyhow::ensure!(process::installed("bpftrace"), "not installed");
    let tracer = Tracer::start_stdout(Command::new("bpftrace").args(["-e", BPFTRACE_SCRIPT]), 1)?;
    tracer.kill()
}

/// What keeps a tracer attached during one measurement.
enum Attached {
    Nothing,
    Program { _attached: EmptyProgram },
    Bpftrace(Tracer),
    Rtrace(Tracer),
}

/// Measures one run; `target` is the process rtrace traces.
fn measure(bench: &Bench, config: Config, target: u32) -> Result<Sample> {
    let held = Held::spawn(&process::dd_command(bench.blocks), Some(BYSTANDER_CPU))?;
    let attached = match config {
        Config::NoTracer => Attached::Nothing,
        Config::EmptyProgram => Attached::Program {
            _attached: EmptyProgram::attach(&SYSCALL_TRACEPOINTS)?,
        },
        Config::Bpftrace => {
            let mut cmd = process::pinned(Some(BUSY_CPU), "bpftrace");
            Attached::Bpftrace(Tracer::start_stdout(cmd.args(["-e", BPFTRACE_SCRIPT]), 1)?)
        }
        Config::Rtrace | Config::RtraceIdle => {
            let mut cmd = process::pinned(Some(BUSY_CPU), &bench.rtrace.to_string_lossy());
            cmd.args(["-o", "/dev/null", "-p", &target.to_string()]);
            Attached::Rtrace(Tracer::start(&mut cmd, 1)?)
        }
    };
    let (wall, usage) = held.run()?;
    let lost = match attached {
        Attached::Rtrace(mut rtrace) => {
            rtrace.interrupt()?;
            rtrace.finish()?.rtrace_lost()
        }
        Attached::Bpftrace(bpftrace) => {
            bpftrace.kill()?;
            0
        }
        Attached::Program { .. } | Attached::Nothing => 0,
    };
    Ok(Sample {
        wall,
        cpu: usage.cpu,
        lost,
    })
}

fn print(
    bench: &Bench,
    configs: &[Config],
    samples: &[Vec<Sample>],
    bpftrace_note: Option<String>,
) {
    let syscalls = as_f64(bench.loop_syscalls());
    let mut table = Table::new(
        "bystander: untraced dd bs=1 loop while another process is traced",
        bench.command(Benchmark::Bystander),
        &[
            "config",
            "wall s",
            "CPU s",
            "CPU s range",
            "added ns/syscall",
            "vs empty program",
            "added ns (wall)",
        ],
    );
    let cpu = |runs: &[Sample]| median_secs(runs.iter().map(|s| &s.cpu));
    let wall = |runs: &[Sample]| median_secs(runs.iter().map(|s| &s.wall));
    let (base_cpu, base_wall) = (cpu(&samples[0]), wall(&samples[0]));
    let added = |runs: &[Sample]| (cpu(runs) - base_cpu) * 1e9 / syscalls;
    let empty = configs
        .iter()
        .position(|&c| c == Config::EmptyProgram)
        .map(|i| added(&samples[i]));
    for (config, runs) in configs.iter().zip(samples) {
        let base = *config == Config::NoTracer;
        let vs_empty = match empty {
            Some(empty) if !base && *config != Config::EmptyProgram && empty > 0.0 => {
                times(added(runs) / empty)
            }
            _ => "-".into(),
        };
        table.row(vec![
            config.name().to_owned(),
            format!("{:.3}", wall(runs)),
            format!("{:.3}", cpu(runs)),
            range(runs.iter().map(|s| s.cpu.as_secs_f64()), |x| {
                format!("{x:.3}")
            }),
            if base {
                "-".into()
            } else {
                format!("{:.0}", added(runs))
            },
            vs_empty,
            if base {
                "-".into()
            } else {
                format!("{:.0}", (wall(runs) - base_wall) * 1e9 / syscalls)
            },
        ]);
    }
    table.note(format!(
        "{} syscalls per loop on CPU {BYSTANDER_CPU}; busy process (dd bs=1, endless) and tracer \
         daemons on CPU {BUSY_CPU}, running in every configuration",
        grouped(syscalls)
    ));
    table.note(
        "added ns/syscall: (median user+sys CPU time - no tracer's) / syscalls; \
         the wall column is the same on wall time",
    );
    table.note(
        "rtrace -p IDLE traces a sleeping process: the filter's own cost, with the busy process \
         untraced",
    );
    if let Some(i) = configs.iter().position(|&c| c == Config::Rtrace) {
        table.note(format!(
            "rtrace traced the busy process to /dev/null and lost a median {} of its events per run",
            grouped(median_count(samples[i].iter().map(|s| s.lost)))
        ));
    }
    if let Some(note) = bpftrace_note {
        table.note(note);
    }
    table.print();
}

/// The busy traced process: an endless dd bs=1 on [`BUSY_CPU`].
fn busy() -> Result<Background> {
    Background::spawn(process::pinned(Some(BUSY_CPU), "dd").args([
        "if=/dev/zero",
        "of=/dev/null",
        "bs=1",
        "status=none",
    ]))
}
