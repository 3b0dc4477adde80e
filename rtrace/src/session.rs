//! One tracing session: check the targets, load and attach, read the ring until every
//! target is gone or the user stops it, then report what was lost.

use std::{
    collections::HashSet,
    fs, io,
    os::fd::{FromRawFd, OwnedFd},
    process::ExitCode,
    time::Duration,
};

use std::fmt::Write as _;

use anyhow::{Context, Result, bail};
use rtrace_common::{DumpFds, long_captures};
use tokio::{
    io::unix::AsyncFd,
    signal::unix::{Signal, SignalKind, signal},
    sync::mpsc,
};

use crate::{
    cli::Cli,
    clock::{self, KernelClock},
    decode::{
        self, DecodeOptions, Event, HeldCaptures, ThreadExit, dump::Dumps, fdpath::FdPaths, table,
        text::HexStrings,
    },
    filter::{FdSet, Qualifier, QuietSet, StatusSet, TracedSet},
    inflight::{Blocked, InFlightView},
    launch::Launch,
    loader::{self, LoadOptions, Tracer},
    mapped::MappedRing,
    output::StraceFormatter,
    threads::ThreadTargets,
    timing::{Absolute, Timestamps},
};

/// How often the ring is drained when the kernel does not wake us.
const DRAIN_INTERVAL: Duration = Duration::from_millis(50);

/// How often a growing lost count is reported while tracing.
const LOSS_REPORT_INTERVAL: Duration = Duration::from_secs(1);

/// How the session ended.
enum Stop {
    /// Every traced process exited.
    AllExited,
    /// Ctrl-C or SIGTERM: this signal.
    Interrupted(libc::c_int),
    /// The output was closed (`rtrace ... 2>&1 | head`).
    OutputClosed,
}

/// Threads of a process, as /proc lists them.
fn threads_of(pid: u32) -> Vec<u32> {
    let Ok(dir) = fs::read_dir(format!("/proc/{pid}/task")) else {
        return vec![pid];
    };
    let mut tids: Vec<u32> = dir
        .filter_map(|e| e.ok()?.file_name().to_str()?.parse().ok())
        .collect();
    tids.sort_unstable();
    tids
}

/// The pid a pid file holds.
fn read_pid_file(file: &std::path::Path) -> Result<u32> {
    let text = fs::read_to_string(file).with_context(|| format!("pid file {}", file.display()))?;
    match text.trim().parse::<u32>() {
        Ok(pid) if pid > 0 => Ok(pid),
        _ => bail!(
            "pid file {}: not a process id: {:?}",
            file.display(),
            text.trim()
        ),
    }
}

/// Running processes (other than rtrace) whose name matches a pattern.
fn processes_named(patterns: &[crate::cli::NamePattern]) -> Vec<u32> {
    if patterns.is_empty() {
        return Vec::new();
    }
    let me = std::process::id();
    let Ok(dir) = fs::read_dir("/proc") else {
        return Vec::new();
    };
    let mut pids: Vec<u32> = dir
        .filter_map(|e| e.ok()?.file_name().to_str()?.parse::<u32>().ok())
        .filter(|&pid| pid != me)
        .filter(|pid| {
            fs::read_to_string(format!("/proc/{pid}/comm")).is_ok_and(|comm| {
                patterns
                    .iter()
                    .any(|p| p.matches(comm.trim_end_matches('\n')))
            })
        })
        .collect();
    pids.sort_unstable();
    pids
}

/// The call a thread is blocked in, from `/proc/PID/task/TID/syscall` ("NR ARG1..ARG6
/// SP PC" while it sleeps in a call), for calls entered before rtrace attached.
fn blocked_before_attach(pid: u32, tid: u32) -> Option<Blocked> {
    let text = fs::read_to_string(format!("/proc/{pid}/task/{tid}/syscall")).ok()?;
    let mut fields = text.split_whitespace();
    let nr: u32 = fields.next()?.parse().ok()?;
    let mut args = [0u64; 6];
    for arg in &mut args {
        *arg = u64::from_str_radix(fields.next()?.trim_start_matches("0x"), 16).ok()?;
    }
    Some(Blocked {
        tid,
        nr,
        args,
        enter_time: 0,
    })
}

/// This process's peak resident memory (`VmHWM`): its own image's, unlike
/// `ru_maxrss`, which also counts the image of the process that forked it.
fn peak_rss_kib() -> Option<u64> {
    fs::read_to_string("/proc/self/status")
        .ok()?
        .lines()
        .find_map(|l| {
            l.strip_prefix("VmHWM:")?
                .trim()
                .strip_suffix(" kB")?
                .parse()
                .ok()
        })
}

/// The CPU time this process has used so far, its exited threads' included (those that
/// loaded the programs): what `--stats` says attaching took.
fn process_cpu_time() -> Option<Duration> {
    let mut now = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: clock_gettime writes the timespec it is given.
    let rc = unsafe { libc::clock_gettime(libc::CLOCK_PROCESS_CPUTIME_ID, &raw mut now) };
    (rc == 0).then(|| {
        Duration::new(
            u64::try_from(now.tv_sec).unwrap_or(0),
            u32::try_from(now.tv_nsec).unwrap_or(0),
        )
    })
}

/// A descriptor that becomes readable when process `pid` exits.
fn pidfd_open(pid: u32) -> io::Result<OwnedFd> {
    // SAFETY: pidfd_open has no memory arguments.
    let fd = unsafe { libc::syscall(libc::SYS_pidfd_open, pid, 0) };
    if fd < 0 {
        return Err(io::Error::last_os_error());
    }
    // SAFETY: the kernel returned a new descriptor that we now own.
    Ok(unsafe { OwnedFd::from_raw_fd(i32::try_from(fd).expect("fds fit in i32")) })
}

/// The process `pid` is a thread of (`top -H` shows threads' ids), or `pid` itself:
/// for a process, or one gone (the attach says so).
fn process_of(pid: u32) -> u32 {
    fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find_map(|l| l.strip_prefix("Tgid:")?.trim().parse::<u32>().ok())
        })
        .filter(|&tgid| tgid != 0)
        .unwrap_or(pid)
}

/// Whether an I/O error means the reader of our output went away.
fn is_closed_output(err: &io::Error) -> bool {
    err.kind() == io::ErrorKind::BrokenPipe
}

/// The processes a session starts with.
struct Initial {
    /// The ones rtrace attaches to (says `attached` for).
    attached: Vec<u32>,
    /// Those and the launched command.
    all: Vec<u32>,
    /// A pidfd per target, readable when it exits.
    watchers: Vec<(u32, OwnedFd)>,
    /// Threads given to `-p` without `-f`: of their processes, only they show.
    threads: ThreadTargets,
}

impl Initial {
    /// Gathers `-p`, `--pid-file`, `-P` and the launched command's pid.
    fn find(cli: &Cli, launch: Option<&Launch>) -> Result<Self> {
        let mut attached: Vec<u32> = Vec::new();
        let mut threads = ThreadTargets::default();
        let given = cli.targets().into_iter().map(Ok);
        for pid in given.chain(cli.pid_files.iter().map(|f| read_pid_file(f))) {
            let pid = pid?;
            let tgid = process_of(pid);
            if tgid == pid {
                threads.add_process(tgid);
            } else if cli.follow_forks > 0 {
                // As strace -f -p TID: every thread of the process.
                eprintln!("rtrace: {pid} is a thread of process {tgid}: tracing the process");
                threads.add_process(tgid);
            } else {
                threads.add_thread(tgid, pid);
            }
            if !attached.contains(&tgid) {
                attached.push(tgid);
            }
        }
        let named: Vec<u32> = processes_named(&cli.names)
            .into_iter()
            .filter(|pid| !attached.contains(pid))
            .collect();
        let mut targets = attached.clone();
        targets.extend(launch.map(Launch::pid));
        let mut watchers = Vec::new();
        for &pid in &targets {
            let fd = pidfd_open(pid).map_err(|e| match e.raw_os_error() {
                Some(libc::ESRCH) => anyhow::anyhow!("attach: process {pid}: No such process"),
                _ => anyhow::anyhow!("attach: process {pid}: {e}"),
            })?;
            watchers.push((pid, fd));
        }
        // Processes found by name may have exited since: they are simply not traced.
        for pid in named {
            if let Ok(fd) = pidfd_open(pid) {
                watchers.push((pid, fd));
                targets.push(pid);
                attached.push(pid);
            }
        }
        Ok(Initial {
            attached,
            all: targets,
            watchers,
            threads,
        })
    }
}

/// The signals a session answers, each with its handler from the start of `run` on:
/// one sent while the programs load is kept, and answered once the session starts.
/// (Started in the background by a script, rtrace inherits SIGINT ignored; without an
/// early handler, a Ctrl-C during the load would be lost.)
struct Signals {
    /// SIGUSR1: print the stuck view.
    stuck: Signal,
    /// SIGINT: detach, as strace does on Ctrl-C.
    interrupt: Signal,
    /// SIGTERM: the same.
    terminate: Signal,
}

/// The signals in [`Signals`], held back from delivery until it drops.
struct HeldSignals(libc::sigset_t);

impl Signals {
    const NUMBERS: [libc::c_int; 3] = [libc::SIGUSR1, libc::SIGINT, libc::SIGTERM];

    fn install() -> Result<Self> {
        Ok(Self {
            stuck: signal(SignalKind::user_defined1()).context("installing SIGUSR1 handler")?,
            interrupt: signal(SignalKind::interrupt()).context("installing SIGINT handler")?,
            terminate: signal(SignalKind::terminate()).context("installing SIGTERM handler")?,
        })
    }

    /// Holds the signals back while the programs load. The verifier gives up on a
    /// program when a signal is pending (EAGAIN), and the load starts over, with logs:
    /// seconds more. Held, the signal waits instead, for the guard to drop. The runtime
    /// runs on this one thread, so no other thread takes the signal meanwhile.
    fn hold() -> HeldSignals {
        // SAFETY: sigemptyset initialises the set that sigaddset and pthread_sigmask
        // then read; pthread_sigmask writes the old mask into `old`.
        unsafe {
            let mut set = std::mem::zeroed();
            libc::sigemptyset(&raw mut set);
            for signo in Self::NUMBERS {
                libc::sigaddset(&raw mut set, signo);
            }
            let mut old = std::mem::zeroed();
            libc::pthread_sigmask(libc::SIG_BLOCK, &raw const set, &raw mut old);
            HeldSignals(old)
        }
    }
}

impl Drop for HeldSignals {
    fn drop(&mut self) {
        // SAFETY: restores the mask `Signals::hold` saved; a held signal is delivered
        // to its handler on return.
        unsafe {
            libc::pthread_sigmask(libc::SIG_SETMASK, &raw const self.0, std::ptr::null_mut())
        };
    }
}

/// rtrace's ids are its PID namespace's, and must be /proc's: a /proc of another
/// namespace (`unshare --pid` without `--mount-proc`) would name other processes.
fn check_proc_namespace() -> Result<()> {
    let shown = fs::read_link("/proc/self")
        .ok()
        .and_then(|link| link.to_str()?.parse::<u32>().ok());
    if shown.is_some_and(|pid| pid != std::process::id()) {
        bail!(
            "/proc belongs to another PID namespace than rtrace's: mount this one's \
             (mount -t proc proc /proc, or unshare --mount-proc)"
        );
    }
    Ok(())
}

/// Gives back to the system the heap that loading used and freed. Parsing the
/// kernel's BTF and relocating the programs leave ~21 MiB of free heap that glibc keeps
/// mapped (a live allocation above it stops the automatic trim), resident for the
/// whole session: 44.7 -> 28.3 MiB peak RSS with the 8 MiB ring.
fn release_load_memory() {
    // SAFETY: malloc_trim only walks the allocator's own free lists.
    unsafe { libc::malloc_trim(0) };
}

/// Runs a session as the command line says: its steps in order, top to bottom.
///
/// # Errors
/// Bad targets, missing privileges, a kernel that cannot run the programs, an
/// output that cannot be written.
#[expect(clippy::too_many_lines, reason = "the session's steps, read in order")]
pub async fn run(cli: Cli) -> Result<Ending> {
    let signals = Signals::install()?;
    check_proc_namespace()?;
    let mut launch = if cli.command.is_empty() {
        None
    } else {
        Some(Launch::prepare(&cli.command)?)
    };
    let Initial {
        mut attached,
        all: mut targets,
        mut watchers,
        threads,
    } = Initial::find(&cli, launch.as_ref())?;
    if cli.stack_trace && matches!(cli.tracepoints, loader::TracepointKind::Classic) {
        bail!("-k needs the calls' user registers, which classic tracepoints do not pass");
    }
    if !loader::has_privileges() {
        bail!(
            "tracing needs root or the capabilities CAP_BPF, CAP_PERFMON and CAP_SYS_RESOURCE \
             (try: sudo rtrace ...)"
        );
    }
    loader::ensure_tracefs();

    let hex = match cli.hex {
        0 => HexStrings::Off,
        1 => HexStrings::NonAscii,
        _ => HexStrings::All,
    };
    let fd_paths = match cli.fd_paths {
        0 => None,
        1 => Some(std::rc::Rc::new(FdPaths::default())),
        _ => Some(std::rc::Rc::new(FdPaths::with_sockets())),
    };
    // The last of each set counts, as with strace.
    let last_set = |which: fn(&Qualifier) -> Option<&FdSet>| {
        cli.filters
            .iter()
            .rev()
            .find_map(which)
            .cloned()
            .unwrap_or_default()
    };
    let dumps = Dumps {
        read: last_set(|q| match q {
            Qualifier::Read(set) => Some(set),
            _ => None,
        }),
        write: last_set(|q| match q {
            Qualifier::Write(set) => Some(set),
            _ => None,
        }),
    };
    let dumps =
        (!dumps.read.is_empty() || !dumps.write.is_empty()).then(|| std::rc::Rc::new(dumps));
    let opts = DecodeOptions {
        strsize: cli.strsize,
        hex,
        fd_paths,
        xlat: cli.xlat,
        unabbreviated: cli.unabbreviated,
        comms: cli
            .pids_decoded()
            .map(|shows| std::rc::Rc::new(decode::comm::Comms::new(shows))),
        dumps: dumps.clone(),
    };
    // Pids print deep in the printers of structs: they find the names here.
    decode::comm::install(opts.comms.clone());
    let ring_size = cli.buffer_size.unwrap_or_else(loader::default_ring_size);
    let times = Timestamps::new(
        Absolute::from_count(cli.absolute_times),
        cli.relative_times,
        cli.syscall_times,
    );
    let summary = cli.summary_only || cli.summary;
    // Printed times need the nanosecond clock; the stuck view alone does with ticks.
    let clock = if times.any() || summary {
        KernelClock::Nanoseconds
    } else {
        KernelClock::jiffies()
    };
    let held = Signals::hold();
    let load = LoadOptions {
        ring_size,
        follow_forks: cli.follow_forks > 0,
        stamp_exit: times.durations() || summary,
        stacks: cli.stack_trace && !cli.summary_only,
        long_captures: if cli.summary_only {
            0
        } else {
            let mut bits = 0;
            if cli.strsize >= rtrace_common::SLOT_SIZE {
                bits |= long_captures::ALL;
            }
            if dumps.is_some() {
                bits |= long_captures::DUMPED;
            }
            bits
        },
        dump_fds: dumps.map_or(DumpFds::NONE, |d| d.kernel_fds()),
        kind: cli.tracepoints,
    };
    let mut tracer = Tracer::load(&load, &clock)?;
    drop(held);
    // Before tracing begins: /proc/timer_list (where the kernel could not read its
    // clocks) lists every timer, tens of milliseconds in the kernel on a busy host.
    if clock.uses_jiffies() {
        clock.calibrate(
            tracer
                .clock_reading()
                .or_else(clock::Reading::from_timer_list),
        );
    }
    let shown = cli
        .filters
        .iter()
        .filter_map(Qualifier::trace)
        .fold(TracedSet::default(), TracedSet::and);
    // With -k, the calls that map files come whatever -e trace= shows: they change
    // where the code that stacks return to is (see stack::changes_mappings).
    let kernel_set = if cli.stack_trace {
        shown
            .clone()
            .with(crate::stack::MAPPING_CALLS.map(|call| call as u32))
    } else {
        shown.clone()
    };
    tracer.set_capture_specs(&table::capture_specs(&opts, &kernel_set))?;
    if let Some(paths) = &opts.fd_paths
        && paths.describes_sockets()
    {
        let kept = tracer.take_sockets()?;
        paths.set_kept_sockets(Box::new(move |inode| kept.get(&inode, 0).ok()));
    }
    // -ff -o FILE: the lines go to FILE.TID, and stderr keeps what is not a task's.
    let per_task = cli.follow_forks > 1 && cli.output.is_some();
    let single_output = if per_task {
        None
    } else {
        cli.output.as_deref()
    };
    let mut formatter =
        StraceFormatter::new(opts, single_output, cli.append).with_context(|| {
            let path = cli
                .output
                .as_ref()
                .map_or_else(String::new, |p| p.display().to_string());
            format!("cannot open output {path}")
        })?;
    formatter.set_timestamps(times);
    formatter.set_return_column(cli.return_column);
    if per_task && let Some(base) = &cli.output {
        formatter.write_per_task(base, cli.append);
    }
    if summary {
        formatter.set_summary(!cli.summary_only, cli.summary_order);
    }
    // The last of each qualifier counts, as with strace; -z and -Z are status= sets.
    for qualifier in &cli.filters {
        match qualifier {
            Qualifier::Signal(set) => formatter.set_signal_filter(set.clone()),
            Qualifier::Status(set) => formatter.set_status_filter(*set),
            Qualifier::Trace(_)
            | Qualifier::Quiet(_)
            | Qualifier::Read(_)
            | Qualifier::Write(_) => {}
        }
    }
    if cli.successful_only {
        formatter.set_status_filter(StatusSet::SUCCESSFUL);
    } else if cli.failed_only {
        formatter.set_status_filter(StatusSet::FAILED);
    }
    let quiet = cli
        .filters
        .iter()
        .filter_map(Qualifier::quiet)
        .fold(QuietSet::from_count(cli.quiet), QuietSet::or);
    if quiet.exit {
        formatter.hide_exit_lines();
    }
    if cli.syscall_numbers {
        formatter.show_syscall_numbers();
    }
    if cli.stack_trace {
        formatter.show_backtraces();
    }
    for &pid in &targets {
        tracer.add_target(pid)?;
    }
    for pattern in &cli.names {
        tracer.watch_name(&pattern.name, pattern.prefix)?;
    }
    // Before the ring is mapped, so that the two are never resident together.
    release_load_memory();
    let ring = tracer.take_ring()?;
    let inflight = tracer.take_inflight()?;
    tracer.attach()?;
    let attach_cpu = process_cpu_time();
    // Those that took a watched name while the programs loaded: found only now. (Any
    // that takes it from here on, the programs add.)
    for pid in processes_named(&cli.names) {
        if !targets.contains(&pid)
            && let Ok(fd) = pidfd_open(pid)
        {
            tracer.add_target(pid)?;
            watchers.push((pid, fd));
            targets.push(pid);
            attached.push(pid);
        }
    }
    if let Some(launch) = &launch {
        formatter.add_task(launch.pid(), launch.pid());
        formatter.launched(launch.pid());
    }
    for &pid in &attached {
        formatter.attached_process(pid);
        let given = threads.of(pid);
        let tids = given.clone().unwrap_or_else(|| threads_of(pid));
        for &tid in &tids {
            formatter.add_task(tid, pid);
            if let Some(blocked) = blocked_before_attach(pid, tid) {
                formatter.entered_before_attach(blocked);
            }
        }
        if !quiet.attach {
            match given {
                // As strace, of each thread traced alone.
                Some(tids) => {
                    for tid in tids {
                        eprintln!("rtrace: Process {tid} attached");
                    }
                }
                None if tids.len() > 1 => {
                    eprintln!("rtrace: Process {pid} attached with {} threads", tids.len());
                }
                None => eprintln!("rtrace: Process {pid} attached"),
            }
        }
    }

    formatter.attached();
    // Several processes to come: every line says whose it is, as with strace -f.
    if cli.follow_forks > 0 || !cli.names.is_empty() {
        formatter.always_prefix_file();
    }
    if let Some(launch) = &mut launch {
        launch.release()?;
    }

    let (exited_tx, mut exited_rx) = mpsc::unbounded_channel();
    for (pid, fd) in watchers {
        let tx = exited_tx.clone();
        // SAFETY: the AsyncFd owns the pidfd, which stays open until it is dropped.
        let afd = unsafe { AsyncFd::register(fd) }
            .map_err(|e| e.into_parts().1)
            .context("watching target exit")?;
        tokio::spawn(async move {
            if afd.readable().await.is_ok() {
                let _ = tx.send(pid);
            }
        });
    }
    drop(exited_tx);

    let mut reader = RingReader {
        // SAFETY: the AsyncFd owns the ring map, whose fd stays open until it is dropped.
        ring: unsafe { AsyncFd::register(ring) }
            .map_err(|e| e.into_parts().1)
            .context("polling the ring buffer")?,
        alive: targets.iter().copied().collect(),
        announced: attached.iter().copied().collect(),
        threads,
        long_captures: HeldCaptures::default(),
        watching_names: !cli.names.is_empty(),
        before_exec: launch.as_ref().map(Launch::pid),
        inflight,
        unfinished_after: cli.unfinished,
        clock,
        shown,
        tracer,
        quiet: quiet.attach,
        events: 0,
        lost_reported: 0,
        gone: Vec::new(),
    };
    let started = std::time::Instant::now();
    if cli.stuck {
        reader.print_stuck(&formatter);
    }
    let stop = reader
        .follow(&mut formatter, &mut exited_rx, signals)
        .await?;

    match formatter
        .release_all_signals()
        .and_then(|()| formatter.release_held_exits())
        .and_then(|()| formatter.write_summary())
    {
        Err(e) if !is_closed_output(&e) => return Err(e).context("writing the trace"),
        _ => {}
    }
    if matches!(stop, Stop::Interrupted(_)) && !quiet.attach {
        let mut detached: Vec<u32> = reader
            .alive
            .intersection(&reader.announced)
            .copied()
            .collect();
        detached.sort_unstable();
        for pid in detached {
            for tid in reader.threads.of(pid).unwrap_or_else(|| vec![pid]) {
                eprintln!("rtrace: Process {tid} detached");
            }
        }
    }
    let lost = reader.tracer.lost();
    let collisions = reader.tracer.inflight_collisions();
    let events = reader.events;
    drop(reader);
    if cli.stats {
        let secs = started.elapsed().as_secs_f64();
        #[expect(clippy::cast_precision_loss, reason = "display only")]
        let rate = events as f64 / secs.max(1e-9);
        let peak = peak_rss_kib().map_or_else(String::new, |k| format!(", peak RSS {k} KiB"));
        let attach = attach_cpu.map_or_else(String::new, |cpu| {
            format!(", {:.3}s CPU to attach", cpu.as_secs_f64())
        });
        eprintln!(
            "rtrace: {events} events in {secs:.3}s ({rate:.0}/s), {lost} lost, \
             {collisions} in-flight slot collisions{peak}{attach}"
        );
    }
    if lost > 0 {
        eprintln!("rtrace: {lost} events lost");
    }
    // As strace: die of the signal that stopped the trace, leaving a launched command
    // to run on; or end as the launched command did.
    if let Stop::Interrupted(signo) = stop {
        return Ok(Ending::Signal(signo));
    }
    Ok(match launch.as_ref().and_then(Launch::wait) {
        Some(status) if libc::WIFEXITED(status) => {
            Ending::Code(u8::try_from(libc::WEXITSTATUS(status)).unwrap_or(1))
        }
        Some(status) if libc::WIFSIGNALED(status) => Ending::Signal(libc::WTERMSIG(status)),
        _ => Ending::Code(0),
    })
}

/// How rtrace ends, once the trace is written.
pub enum Ending {
    /// Exit with this status: 0, or the launched command's.
    Code(u8),
    /// Die of this signal, as strace does: the one that stopped the trace (a shell's
    /// loop then stops at Ctrl-C too), or the one that killed the launched command.
    Signal(libc::c_int),
}

impl Ending {
    /// Ends the process as `self` says (for a signal, without returning).
    #[must_use]
    pub fn finish(self) -> ExitCode {
        let signo = match self {
            Self::Code(code) => return ExitCode::from(code),
            Self::Signal(signo) => signo,
        };
        // SAFETY: setrlimit, signal, sigprocmask and raise on plain values; nothing of
        // the process is used after.
        unsafe {
            // No core file of rtrace for the launched command's SIGSEGV or SIGABRT.
            let none = libc::rlimit {
                rlim_cur: 0,
                rlim_max: 0,
            };
            libc::setrlimit(libc::RLIMIT_CORE, &raw const none);
            libc::signal(signo, libc::SIG_DFL);
            let mut set = std::mem::zeroed();
            libc::sigemptyset(&raw mut set);
            libc::sigaddset(&raw mut set, signo);
            libc::pthread_sigmask(libc::SIG_UNBLOCK, &raw const set, std::ptr::null_mut());
            libc::raise(signo);
        }
        // A signal whose default is not to end the process.
        ExitCode::from(u8::try_from(128 + signo).unwrap_or(1))
    }
}

struct RingReader {
    ring: AsyncFd<MappedRing>,
    /// Traced thread groups not yet exited.
    alive: HashSet<u32>,
    /// The processes rtrace said it attached to (`-p`, `-P`): a detach says so of
    /// those still alive. A launched command and forks are not announced, as strace's.
    announced: HashSet<u32>,
    /// The processes of which only some threads show (`-p TID`).
    threads: ThreadTargets,
    /// Buffers longer than their slots (`-s`), until their calls' records come.
    long_captures: HeldCaptures,
    /// Names are watched: new targets may come, so no targets left is no reason to stop.
    watching_names: bool,
    /// A launched command not yet exec'd: its calls until then are rtrace's own.
    before_exec: Option<u32>,
    /// The calls in progress, for `<unfinished ...>` lines and the stuck view.
    inflight: InFlightView,
    /// How long a call blocks before it is shown `<unfinished ...>`.
    unfinished_after: Duration,
    /// The clock calls are stamped on at enter.
    clock: KernelClock,
    /// The calls `-e trace=` shows (the stuck view shows all).
    shown: TracedSet,
    /// The loaded programs (detached when dropped) and their counters.
    tracer: Tracer,
    /// `-q`: no attach messages.
    quiet: bool,
    /// Records read.
    events: u64,
    /// The lost count last reported while tracing.
    lost_reported: u64,
    /// Thread groups whose leader exited, and when: they leave the traced set a
    /// moment later (their other threads' exits still show), before their pid can be
    /// reused by a process nobody asked to trace.
    gone: Vec<(u32, std::time::Instant)>,
}

/// Asks the CPU for the start of the record after `item` while this one decodes. The
/// kernel wrote it on another CPU: each of its cache lines is a miss here, and
/// decoding a record takes longer than fetching the next.
fn prefetch_next_record(item: &[u8]) {
    /// Ring records are 8-byte aligned, after an 8-byte header.
    const ALIGN: usize = 8;
    /// The fixed part and the first slot's start: what every decode reads.
    const LINES: usize = 4;
    let next = item
        .as_ptr()
        .wrapping_add(item.len().next_multiple_of(ALIGN));
    #[cfg(target_arch = "x86_64")]
    for line in 0..LINES {
        // SAFETY: a prefetch is a hint: it neither faults nor reads into the program,
        // whatever the address.
        unsafe {
            std::arch::x86_64::_mm_prefetch::<{ std::arch::x86_64::_MM_HINT_T0 }>(
                next.wrapping_add(line * 64).cast(),
            );
        }
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = (next, LINES);
}

/// Whether a call is a successful exec (the first call a launched command shows).
fn is_exec(ev: &decode::SyscallEvent<'_>) -> bool {
    let nr = i32::try_from(ev.nr).unwrap_or(-1);
    (nr == syscalls::Sysno::execve.id() || nr == syscalls::Sysno::execveat.id()) && ev.ret == 0
}

impl RingReader {
    /// Decodes and prints every record available now.
    fn drain(&mut self, formatter: &mut StraceFormatter) -> io::Result<()> {
        let ring = self.ring.get_mut();
        while let Some(item) = ring.next() {
            prefetch_next_record(item);
            self.events += 1;
            // (Declared first: the event may borrow from it.)
            let long;
            let mut event = decode::parse_record(item);
            if event.as_ref().is_ok_and(|e| self.threads.hides(e)) {
                continue;
            }
            // A call's buffers longer than their slots came before it (-s).
            if let Ok(Event::Syscall(ev)) = &mut event {
                long = self.long_captures.take(ev);
                for capture in &long {
                    capture.fill(ev);
                }
            }
            // (By reference: an event is a few hundred bytes, and moved it is copied.)
            match &event {
                // A thread of a process traced in part (-p TID): its exit shows if the
                // thread does, and ends the trace with the last of them.
                Ok(Event::Exit(exit)) if self.threads.restricts(exit.tgid) => {
                    if self.threads.shows(exit.tgid, exit.tid) {
                        formatter.exited(exit)?;
                    }
                    if self.threads.exited(exit.tgid, exit.tid) == Some(true)
                        && self.alive.remove(&exit.tgid)
                    {
                        self.gone.push((exit.tgid, std::time::Instant::now()));
                    }
                }
                Ok(Event::Syscall(ev)) if self.before_exec == Some(ev.tgid) => {
                    if is_exec(ev) {
                        self.before_exec = None;
                        if self.shown.contains(ev.nr) {
                            formatter.syscall(ev)?;
                        } else {
                            formatter.track_hidden(ev);
                        }
                    }
                }
                // Execs always come (see TracedSet::skipped), with -y the calls that
                // change descriptors, with -Y those that name tasks; the rest are
                // filtered in the kernel.
                Ok(Event::Syscall(ev)) if !self.shown.contains(ev.nr) => {
                    formatter.track_hidden(ev);
                }
                // A process that joined by taking a watched name at exec: its exec's
                // arguments were in the old image, gone by the time it returns.
                Ok(Event::Syscall(ev)) if ev.enter_missed && is_exec(ev) => {}
                Ok(Event::Syscall(ev)) => formatter.syscall(ev)?,
                Ok(Event::Exit(exit)) if exit.tid == exit.tgid => {
                    if self.alive.remove(&exit.tgid) {
                        self.gone.push((exit.tgid, std::time::Instant::now()));
                        formatter.exited(exit)?;
                    }
                }
                // strace shows every traced thread's end, not only the process's.
                Ok(Event::Exit(exit)) => formatter.exited(exit)?,
                Ok(Event::Fork(fork)) => {
                    formatter.forked(fork);
                    if fork.child_tgid != fork.parent_tgid {
                        self.alive.insert(fork.child_tgid);
                    }
                }
                Ok(Event::Signal(delivery)) => formatter.signal(delivery)?,
                Ok(Event::Stack(user)) => formatter.stack(user),
                Ok(Event::LongCapture(long)) => self.long_captures.keep(long),
                Ok(Event::TargetAdded { tid, tgid }) => {
                    self.alive.insert(*tgid);
                    formatter.add_task(*tid, *tgid);
                    // (Found by the scan after attach as well, it was announced then.)
                    if self.announced.insert(*tgid) && !self.quiet {
                        eprintln!("rtrace: Process {tgid} attached");
                    }
                }
                Err(e) => eprintln!("rtrace: skipping a malformed record: {e}"),
            }
        }
        Ok(())
    }

    /// Shows calls blocked longer than the threshold as `<unfinished ...>`.
    fn show_unfinished(&self, formatter: &mut StraceFormatter) -> io::Result<()> {
        for blocked in self
            .inflight
            .snapshot(formatter.tasks().collect::<Vec<_>>())
        {
            let blocked_long = self
                .clock
                .since(blocked.enter_time)
                .is_some_and(|d| d >= self.unfinished_after);
            if blocked_long && self.shown.contains(blocked.nr) {
                formatter.unfinished(&blocked)?;
            }
        }
        Ok(())
    }

    /// The traced threads in a call now, in the order they entered it: those that
    /// entered before rtrace attached first (from `/proc/TID/syscall`), then the calls
    /// rtrace saw enter (from the in-flight array).
    fn blocked_calls(&self, formatter: &StraceFormatter) -> Vec<Blocked> {
        let mut blocked = self.inflight.snapshot(formatter.tasks());
        let seen: HashSet<u32> = blocked.iter().map(|b| b.tid).collect();
        for &pid in &self.alive {
            for tid in threads_of(pid) {
                if !seen.contains(&tid)
                    && self.threads.shows(pid, tid)
                    && let Some(b) = blocked_before_attach(pid, tid)
                {
                    blocked.push(b);
                }
            }
        }
        blocked.sort_by_key(|b| (b.enter_time, b.tid));
        blocked
    }

    /// Lists each traced thread blocked in a call, with the call and for how long, on
    /// stderr.
    fn print_stuck(&self, formatter: &StraceFormatter) {
        let blocked = self.blocked_calls(formatter);
        let mut text = format!(
            "rtrace: {} thread{} in a syscall:\n",
            blocked.len(),
            if blocked.len() == 1 { "" } else { "s" }
        );
        for b in &blocked {
            let since = if b.enter_time == 0 {
                match clock::off_cpu_for(b.tid) {
                    Some(d) => format!(
                        "for at least {:.3}s (since before rtrace attached)",
                        d.as_secs_f64()
                    ),
                    None => "since before rtrace attached".to_string(),
                }
            } else {
                match self.clock.since(b.enter_time) {
                    Some(d) => format!("for {:.3}s", d.as_secs_f64()),
                    None => "for an unknown time".to_string(),
                }
            };
            let _ = writeln!(
                text,
                "rtrace:   [pid {:>5}] {} {since}",
                b.tid,
                formatter.describe_blocked(b)
            );
        }
        eprint!("{text}");
    }

    /// Drains the ring once more before stopping on signal `signo`, then ends the trace
    /// of the calls still in progress, as strace does when it detaches: `read(0,
    /// <detached ...>`. A user who attached to a stuck worker sees, in the trace, where
    /// it was.
    fn last_drain(&mut self, formatter: &mut StraceFormatter, signo: libc::c_int) -> Result<Stop> {
        match self
            .drain(formatter)
            .and_then(|()| formatter.detached(&self.in_progress(formatter)))
            .and_then(|()| formatter.flush())
        {
            Ok(()) => Ok(Stop::Interrupted(signo)),
            Err(e) if is_closed_output(&e) => Ok(Stop::OutputClosed),
            Err(e) => Err(e).context("writing the trace"),
        }
    }

    /// The traced calls in progress, of the calls shown: what the trace ends with at a
    /// detach.
    fn in_progress(&self, formatter: &StraceFormatter) -> Vec<Blocked> {
        self.blocked_calls(formatter)
            .into_iter()
            .filter(|b| self.shown.contains(b.nr))
            // A launched command waiting for its exec is rtrace's, not traced yet.
            .filter(|b| self.before_exec != Some(b.tid))
            .collect()
    }

    async fn follow(
        &mut self,
        formatter: &mut StraceFormatter,
        exited: &mut mpsc::UnboundedReceiver<u32>,
        mut signals: Signals,
    ) -> Result<Stop> {
        // The kernel wakes us only when the ring fills past a mark; this timer drains
        // what trickles in between, so lines reach the output promptly.
        let mut drain_timer = tokio::time::interval(DRAIN_INTERVAL);
        drain_timer.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let mut loss_timer = tokio::time::interval(LOSS_REPORT_INTERVAL);
        loss_timer.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            if self.alive.is_empty() && !self.watching_names {
                return Ok(Stop::AllExited);
            }
            tokio::select! {
                guard = self.ring.readable_mut() => {
                    let mut guard = guard.context("polling the ring buffer")?;
                    guard.clear_ready();
                }
                Some(pid) = exited.recv() => {
                    // The exit record was written before the process became a zombie:
                    // drain it, then settle the process if the record was lost.
                    self.drain(formatter).ok();
                    if self.alive.contains(&pid) {
                        tokio::time::sleep(Duration::from_millis(20)).await;
                        self.drain(formatter).ok();
                    }
                    if self.alive.remove(&pid) {
                        self.gone.push((pid, std::time::Instant::now()));
                        for tid in self.threads.of(pid).unwrap_or_else(|| vec![pid]) {
                            let exit = ThreadExit {
                                tid,
                                tgid: pid,
                                status: None,
                                time: 0,
                                last_call: None,
                            };
                            formatter.exited(&exit).ok();
                        }
                    }
                }
                _ = drain_timer.tick() => {
                    // Drain first: a call whose record is waiting has returned.
                    if let Err(e) = self.drain(formatter).and_then(|()| self.show_unfinished(formatter)) {
                        if is_closed_output(&e) {
                            return Ok(Stop::OutputClosed);
                        }
                        return Err(e).context("writing the trace");
                    }
                }
                _ = loss_timer.tick() => {
                    let tracer = &mut self.tracer;
                    self.gone.retain(|&(tgid, when)| {
                        let keep = when.elapsed() < Duration::from_millis(500);
                        if !keep {
                            tracer.remove_target(tgid);
                        }
                        keep
                    });
                    let lost = self.tracer.lost();
                    if lost > self.lost_reported {
                        eprintln!("rtrace: {lost} events lost so far (ring buffer full; see --buffer-size)");
                        self.lost_reported = lost;
                    }
                }
                _ = signals.stuck.recv() => {
                    self.drain(formatter).ok();
                    self.print_stuck(formatter);
                }
                // What the ring holds was traced before the signal: it is written too.
                _ = signals.terminate.recv() => return self.last_drain(formatter, libc::SIGTERM),
                _ = signals.interrupt.recv() => return self.last_drain(formatter, libc::SIGINT),
            }
            match self.drain(formatter).and_then(|()| formatter.flush()) {
                Ok(()) => {}
                Err(e) if is_closed_output(&e) => return Ok(Stop::OutputClosed),
                Err(e) => return Err(e).context("writing the trace"),
            }
        }
    }
}
