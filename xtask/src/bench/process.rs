//! Process plumbing the benchmarks share: workloads held at a starting line until the
//! tracer is ready, tracers started and stopped, exits timed and their resource usage
//! (CPU time, peak RSS) read from `wait4`.

use std::{
    fs,
    io::{self, BufRead, BufReader, Read, Write},
    os::fd::{AsRawFd, FromRawFd, OwnedFd},
    path::Path,
    process::{Child, ChildStdin, Command, Stdio},
    thread::{self, JoinHandle},
    time::{Duration, Instant},
};

use anyhow::{Context, Result, bail};

/// How long a tracer may take to attach, and to exit once told to.
pub const TRACER_TIMEOUT: Duration = Duration::from_secs(90);

/// What `wait4` tells about a process that exited.
#[derive(Clone, Copy, Debug)]
pub struct Usage {
    /// User plus system CPU time.
    pub cpu: Duration,
    /// Whether it exited with status 0.
    pub success: bool,
    /// Whether it ended as SIGINT asks to (killed by it, or exit status 130 as strace).
    pub interrupted: bool,
}

fn timeval(tv: libc::timeval) -> Duration {
    let secs = u64::try_from(tv.tv_sec).unwrap_or(0);
    let micros = u32::try_from(tv.tv_usec).unwrap_or(0);
    Duration::from_secs(secs) + Duration::from_micros(micros.into())
}

/// Reaps child `pid` (blocking, or not with `WNOHANG`); `None` while it still runs.
fn wait4(pid: u32, flags: i32) -> Result<Option<Usage>> {
    let pid = i32::try_from(pid).context("pid out of range")?;
    let mut status = 0;
    // SAFETY: an all-zero rusage is a valid value of a plain C struct.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    loop {
        // SAFETY: status and usage are valid for writes for the duration of the call.
        let reaped = unsafe { libc::wait4(pid, &raw mut status, flags, &raw mut usage) };
        if reaped == 0 {
            return Ok(None);
        }
        if reaped > 0 {
            break;
        }
        let err = io::Error::last_os_error();
        if err.kind() != io::ErrorKind::Interrupted {
            return Err(err).with_context(|| format!("waiting for process {pid}"));
        }
    }
    Ok(Some(Usage {
        cpu: timeval(usage.ru_utime) + timeval(usage.ru_stime),
        success: libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0,
        interrupted: (libc::WIFSIGNALED(status) && libc::WTERMSIG(status) == libc::SIGINT)
            || (libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 128 + libc::SIGINT),
    }))
}

/// Waits for our child to exit and reaps it, with its resource usage.
///
/// The `Child` must not be waited for again (std would find no such child).
pub fn reap(child: &Child) -> Result<Usage> {
    reap_pid(child.id())
}

/// Waits for child `pid` to exit and reaps it, with its resource usage.
pub fn reap_pid(pid: u32) -> Result<Usage> {
    wait4(pid, 0)?.context("wait4 returned no child")
}

/// Like [`reap`], but kills the child when it runs past `limit`.
pub fn reap_within(child: &mut Child, limit: Duration) -> Result<Usage> {
    let start = Instant::now();
    loop {
        if let Some(usage) = wait4(child.id(), libc::WNOHANG)? {
            return Ok(usage);
        }
        if start.elapsed() > limit {
            child.kill().ok();
            reap(child)?;
            bail!(
                "process {} still running after {limit:?}; killed it",
                child.id()
            );
        }
        thread::sleep(Duration::from_millis(5));
    }
}

/// Waits until process `pid` (not necessarily our child) exits, through a pidfd.
pub fn wait_exit(pid: u32) -> Result<()> {
    let pid_arg = libc::pid_t::try_from(pid).context("pid out of range")?;
    // SAFETY: pidfd_open takes no pointers.
    let fd = unsafe { libc::syscall(libc::SYS_pidfd_open, pid_arg, 0) };
    if fd < 0 {
        let err = io::Error::last_os_error();
        if err.raw_os_error() == Some(libc::ESRCH) {
            return Ok(()); // already gone
        }
        return Err(err).with_context(|| format!("pidfd_open({pid})"));
    }
    // SAFETY: the kernel just returned this descriptor; we own it from here.
    let fd = unsafe { OwnedFd::from_raw_fd(i32::try_from(fd).context("fd out of range")?) };
    let mut poll = libc::pollfd {
        fd: fd.as_raw_fd(),
        events: libc::POLLIN,
        revents: 0,
    };
    loop {
        // SAFETY: one valid pollfd.
        let ready = unsafe { libc::poll(&raw mut poll, 1, -1) };
        if ready > 0 {
            return Ok(());
        }
        let err = io::Error::last_os_error();
        if err.kind() != io::ErrorKind::Interrupted {
            return Err(err).context("polling a pidfd");
        }
    }
}

/// Sends `signal` to process `pid`.
pub fn signal(pid: u32, signal: i32) -> Result<()> {
    let pid = libc::pid_t::try_from(pid).context("pid out of range")?;
    // SAFETY: kill takes no pointers.
    if unsafe { libc::kill(pid, signal) } != 0 {
        return Err(io::Error::last_os_error()).with_context(|| format!("kill({pid}, {signal})"));
    }
    Ok(())
}

/// A command line run on `cpu` only (through taskset, which execs it: same pid).
pub fn pinned(cpu: Option<usize>, program: &str) -> Command {
    match cpu {
        Some(cpu) => {
            let mut cmd = Command::new("taskset");
            cmd.args(["-c", &cpu.to_string(), program]);
            cmd
        }
        None => Command::new(program),
    }
}

/// The floor loop: two one-byte syscalls (read, write) per block.
pub fn dd_command(blocks: u64) -> String {
    format!("dd if=/dev/zero of=/dev/null bs=1 count={blocks} status=none")
}

/// A shell that waits for a line on stdin, then execs `command`: its pid becomes the
/// workload's pid, and nothing of the workload runs before the tracer is ready.
pub struct Held {
    pub child: Child,
    start_line: Option<ChildStdin>,
}

impl Held {
    /// Starts `sh` holding `command`, on `cpu` only if given.
    pub fn spawn(command: &str, cpu: Option<usize>) -> Result<Self> {
        let mut child = pinned(cpu, "sh")
            .arg("-c")
            .arg(format!("read go && exec {command}"))
            .stdin(Stdio::piped())
            .spawn()
            .with_context(|| format!("starting {command}"))?;
        let start_line = child.stdin.take();
        Ok(Self { child, start_line })
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Lets the workload run; returns when it started.
    pub fn release(&mut self) -> Result<Instant> {
        let mut line = self
            .start_line
            .take()
            .context("workload already released")?;
        let start = Instant::now();
        line.write_all(b"go\n").context("releasing the workload")?;
        Ok(start)
    }

    /// Releases the workload and waits for it: wall time and resource usage.
    pub fn run(mut self) -> Result<(Duration, Usage)> {
        let start = self.release()?;
        let usage = reap(&self.child)?;
        Ok((start.elapsed(), usage))
    }
}

/// A tracer that has attached, its stderr collected in the background. Killed if
/// dropped before [`Tracer::finish`] (when a benchmark fails half-way).
pub struct Tracer {
    pub child: Child,
    /// What it says after attaching, collected in the background; taken by `finish`.
    said: Option<JoinHandle<String>>,
    /// Whether we sent it SIGINT.
    interrupted: bool,
}

/// A tracer's end: its resource usage and everything it said on stderr after attaching.
pub struct TracerExit {
    pub usage: Usage,
    pub stderr: String,
}

impl TracerExit {
    /// The peak RSS rtrace's `--stats` line gave, in KiB.
    pub fn rtrace_peak_rss_kib(&self) -> Option<u64> {
        self.stderr.lines().find_map(|l| {
            l.strip_prefix("rtrace: ")?
                .split_once(", peak RSS ")?
                .1
                .split_once(" KiB")?
                .0
                .parse()
                .ok()
        })
    }

    /// The CPU time rtrace's `--stats` line says attaching took: its loading threads'
    /// included, which /proc no longer lists once they have exited.
    pub fn rtrace_attach_cpu(&self) -> Option<Duration> {
        self.stderr.lines().find_map(|l| {
            let secs: f64 = l
                .strip_prefix("rtrace: ")?
                .strip_suffix("s CPU to attach")?
                .rsplit_once(", ")?
                .1
                .parse()
                .ok()?;
            Some(Duration::from_secs_f64(secs))
        })
    }

    pub fn rtrace_lost(&self) -> u64 {
        self.stderr
            .lines()
            .find_map(|l| {
                l.strip_prefix("rtrace: ")?
                    .strip_suffix(" events lost")?
                    .parse()
                    .ok()
            })
            .unwrap_or(0)
    }
}

impl Tracer {
    /// Starts `cmd` and returns once its stderr has said `attached` `expected` times.
    pub fn start(cmd: &mut Command, expected: usize) -> Result<Self> {
        let mut child = cmd
            .stdin(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .with_context(|| format!("starting {cmd:?}"))?;
        let stderr = child.stderr.take().context("tracer stderr")?;
        Self::when_attached(child, stderr, expected, cmd)
    }

    /// Like [`Tracer::start`] for a tracer that says `attached` on stdout (a bpftrace
    /// script's `BEGIN` probe); its stderr is discarded.
    pub fn start_stdout(cmd: &mut Command, expected: usize) -> Result<Self> {
        let mut child = cmd
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .with_context(|| format!("starting {cmd:?}"))?;
        let stdout = child.stdout.take().context("tracer stdout")?;
        Self::when_attached(child, stdout, expected, cmd)
    }

    fn when_attached(
        mut child: Child,
        stream: impl Read + Send + 'static,
        expected: usize,
        cmd: &Command,
    ) -> Result<Self> {
        let (ready, said) = wait_for_lines(stream, "attached", expected);
        match ready {
            Ok(()) => Ok(Self {
                child,
                said: Some(said),
                interrupted: false,
            }),
            Err(e) => {
                child.kill().ok();
                reap(&child).ok();
                let said = said.join().unwrap_or_default();
                Err(e).with_context(|| format!("{cmd:?} did not attach; it said: {said}"))
            }
        }
    }

    /// Asks the tracer to detach (SIGINT, as Ctrl-C would).
    pub fn interrupt(&mut self) -> Result<()> {
        self.interrupted = true;
        signal(self.child.id(), libc::SIGINT)
    }

    /// Kills the tracer (SIGKILL: the kernel detaches whatever it attached) and reaps it.
    /// For bpftrace 0.17, which sometimes sleeps on in `epoll_wait` after SIGINT.
    pub fn kill(mut self) -> Result<()> {
        self.said.take();
        self.child.kill().context("killing the tracer")?;
        reap(&self.child)?;
        Ok(())
    }

    /// Waits for the tracer to exit (killing it past [`TRACER_TIMEOUT`]).
    pub fn finish(mut self) -> Result<TracerExit> {
        let said = self.said.take().context("tracer already finished")?;
        let usage = reap_within(&mut self.child, TRACER_TIMEOUT)?;
        let stderr = said.join().unwrap_or_default();
        let interrupted_as_asked = self.interrupted && usage.interrupted;
        if !usage.success && !interrupted_as_asked {
            bail!("tracer failed; it said: {stderr}");
        }
        Ok(TracerExit { usage, stderr })
    }
}

impl Drop for Tracer {
    fn drop(&mut self) {
        if self.said.is_some() {
            self.child.kill().ok();
            reap(&self.child).ok();
        }
    }
}

/// Reads `stream` until `expected` lines contained `marker` (or it ended), then keeps
/// draining it in the background so the writer never blocks on a full pipe. The
/// handle yields everything read after the markers.
fn wait_for_lines(
    stream: impl Read + Send + 'static,
    marker: &str,
    expected: usize,
) -> (Result<()>, JoinHandle<String>) {
    let mut reader = BufReader::new(stream);
    let mut seen = 0;
    let mut said = String::new();
    let mut outcome = Ok(());
    while seen < expected {
        let mut line = String::new();
        match reader.read_line(&mut line) {
            Ok(0) => {
                outcome = Err(anyhow::anyhow!("exited before attaching: {said}"));
                break;
            }
            Ok(_) => {
                if line.contains(marker) {
                    seen += 1;
                } else {
                    said.push_str(&line);
                }
            }
            Err(e) => {
                outcome = Err(e.into());
                break;
            }
        }
    }
    let rest = thread::spawn(move || {
        let mut rest = String::new();
        reader.read_to_string(&mut rest).ok();
        rest
    });
    (outcome, rest)
}

/// CPU time process `pid` has used so far, summed over its threads (from schedstat,
/// in nanoseconds: precise, unlike the clock ticks of /proc/PID/stat).
pub fn cpu_so_far(pid: u32) -> Result<Duration> {
    let tasks =
        fs::read_dir(format!("/proc/{pid}/task")).with_context(|| format!("threads of {pid}"))?;
    let mut total = 0u64;
    for task in tasks {
        let stat = fs::read_to_string(task?.path().join("schedstat"))?;
        total += stat
            .split_whitespace()
            .next()
            .and_then(|ns| ns.parse::<u64>().ok())
            .unwrap_or(0);
    }
    Ok(Duration::from_nanos(total))
}

/// The resident set size of `pid` now, in KiB (`VmRSS`).
pub fn rss_kib(pid: u32) -> Result<u64> {
    let status = fs::read_to_string(format!("/proc/{pid}/status"))?;
    status
        .lines()
        .find_map(|l| {
            l.strip_prefix("VmRSS:")?
                .trim()
                .strip_suffix(" kB")?
                .parse()
                .ok()
        })
        .context("no VmRSS in /proc/PID/status")
}

/// Children of `pid` (from /proc), oldest first.
pub fn children_of(pid: u32) -> Vec<u32> {
    fs::read_to_string(format!("/proc/{pid}/task/{pid}/children"))
        .map(|s| {
            s.split_whitespace()
                .filter_map(|p| p.parse().ok())
                .collect()
        })
        .unwrap_or_default()
}

/// The syscall number `pid` is blocked in, if it is blocked in one.
pub fn blocked_syscall(pid: u32) -> Option<i64> {
    let text = fs::read_to_string(format!("/proc/{pid}/syscall")).ok()?;
    text.split_whitespace().next()?.parse().ok()
}

/// The command name of `pid`.
pub fn comm(pid: u32) -> Option<String> {
    Some(
        fs::read_to_string(format!("/proc/{pid}/comm"))
            .ok()?
            .trim_end()
            .to_owned(),
    )
}

/// Polls `check` every few milliseconds until it yields, for at most `limit`.
pub fn poll_until<T>(
    limit: Duration,
    what: &str,
    mut check: impl FnMut() -> Option<T>,
) -> Result<T> {
    let start = Instant::now();
    loop {
        if let Some(found) = check() {
            return Ok(found);
        }
        if start.elapsed() > limit {
            bail!("timed out after {limit:?} waiting for {what}");
        }
        thread::sleep(Duration::from_millis(5));
    }
}

/// Lines in a file (0 when it is missing).
pub fn count_lines(path: &Path) -> u64 {
    let Ok(file) = fs::File::open(path) else {
        return 0;
    };
    let mut reader = BufReader::with_capacity(1 << 20, file);
    let mut lines = 0u64;
    loop {
        let buf = match reader.fill_buf() {
            Ok([]) | Err(_) => return lines,
            Ok(buf) => buf,
        };
        #[expect(
            clippy::naive_bytecount,
            reason = "one pass per file; not worth a crate"
        )]
        let newlines = buf.iter().filter(|&&b| b == b'\n').count();
        lines += newlines as u64;
        let len = buf.len();
        reader.consume(len);
    }
}

/// Syscalls in an strace-format trace: its lines, less the `<... NAME resumed>` lines
/// that finish a syscall an earlier `<unfinished ...>` line began (when tasks interleave).
pub fn count_syscalls(path: &Path) -> u64 {
    let Ok(file) = fs::File::open(path) else {
        return 0;
    };
    let reader = BufReader::with_capacity(1 << 20, file);
    let resumed = |line: &[u8]| line.windows(8).any(|w| w == b"resumed>");
    reader
        .split(b'\n')
        .map_while(Result::ok)
        .filter(|line| !resumed(line))
        .count() as u64
}

/// Whether `program` is on PATH.
pub fn installed(program: &str) -> bool {
    std::env::var_os("PATH")
        .is_some_and(|paths| std::env::split_paths(&paths).any(|dir| dir.join(program).is_file()))
}

/// A process that runs beside a measurement (a traced target, an idle one), killed and
/// reaped on drop.
pub struct Background(Child);

impl Background {
    pub fn spawn(cmd: &mut Command) -> Result<Self> {
        let child = cmd.spawn().with_context(|| format!("starting {cmd:?}"))?;
        Ok(Self(child))
    }

    /// A `sleep`: a process that makes no syscalls while measured.
    pub fn sleeper() -> Result<Self> {
        Self::spawn(Command::new("sleep").arg("3600"))
    }

    pub fn pid(&self) -> u32 {
        self.0.id()
    }
}

impl Drop for Background {
    fn drop(&mut self) {
        self.0.kill().ok();
        reap(&self.0).ok();
    }
}
