//! Starting the helper and the tracers and waiting on them, always with a deadline, so that
//! a tracer that hangs or never attaches fails its test instead of hanging the run.

use std::ffi::OsStr;
use std::fs;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Ipv4Addr, SocketAddrV4, TcpListener};
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, ExitStatus, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

/// Longest wait for any one thing: a helper reaching its trigger read, a tracer attaching,
/// a process exiting.
pub const DEADLINE: Duration = Duration::from_secs(30);

/// How often a wait looks again at what it waits for.
const POLL_INTERVAL: Duration = Duration::from_millis(10);

/// Debian's strace, the reference whose output rtrace must reproduce.
pub const STRACE: &str = "/usr/bin/strace";

/// Environment variable that names the rtrace binary to test instead of the release build.
pub const RTRACE_BIN_VAR: &str = "RTRACE_BIN";

/// Fails the test unless it runs as root: tracing other processes needs it, and these tests
/// must run rather than pass vacuously.
///
/// # Panics
/// If the effective user is not root.
pub fn require_root() {
    // SAFETY: geteuid has no preconditions and cannot fail.
    let euid = unsafe { libc::geteuid() };
    assert!(
        euid == 0,
        "the end-to-end tests attach tracers to processes and need root (euid is {euid}); \
         run them as root with `cargo xtask test`"
    );
}

/// The workspace root: the parent of this package's directory.
///
/// # Panics
/// Never: the package always sits in the workspace.
#[must_use]
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the tests package sits inside the workspace")
        .to_path_buf()
}

/// The rtrace binary under test: `$RTRACE_BIN`, or the workspace's release build.
///
/// # Panics
/// If the binary does not exist: these tests must not skip.
#[must_use]
pub fn rtrace_binary() -> PathBuf {
    let binary = std::env::var_os(RTRACE_BIN_VAR).map_or_else(
        || workspace_root().join("target/release/rtrace"),
        PathBuf::from,
    );
    assert!(
        binary.is_file(),
        "no rtrace binary at {}: run `cargo xtask test`, which builds it (with its eBPF object) \
         before running these tests, or point {RTRACE_BIN_VAR} at one",
        binary.display()
    );
    binary
}

/// A tracer the tests run against the helper.
#[derive(Clone, Debug)]
pub enum Tracer {
    /// The reference.
    Strace,
    /// The program under test, at this path.
    Rtrace(PathBuf),
}

impl Tracer {
    /// Debian's strace.
    ///
    /// # Panics
    /// If it is not installed.
    #[must_use]
    pub fn strace() -> Self {
        assert!(
            Path::new(STRACE).is_file(),
            "{STRACE} is missing: install Debian's strace package"
        );
        Self::Strace
    }

    /// The rtrace binary under test.
    ///
    /// # Panics
    /// If it does not exist (see [`rtrace_binary`]).
    #[must_use]
    pub fn rtrace() -> Self {
        Self::Rtrace(rtrace_binary())
    }

    /// The name the tracer puts before its own messages on stderr (`strace: ...`).
    #[must_use]
    pub fn name(&self) -> &'static str {
        match self {
            Self::Strace => "strace",
            Self::Rtrace(_) => "rtrace",
        }
    }

    /// The tracer's executable.
    #[must_use]
    pub fn program(&self) -> &Path {
        match self {
            Self::Strace => Path::new(STRACE),
            Self::Rtrace(binary) => binary,
        }
    }

    /// Whether `line` is one of the tracer's own messages rather than a trace line.
    #[must_use]
    pub fn is_message(&self, line: &str) -> bool {
        line.strip_prefix(self.name())
            .is_some_and(|rest| rest.starts_with(": "))
    }
}

/// Where a tracer writes its trace.
#[derive(Clone, Debug)]
pub enum Destination {
    /// Mixed with its messages on stderr.
    Stderr,
    /// To this file (`-o FILE`).
    File(PathBuf),
}

/// A directory under the system's temporary directory, removed when dropped.
#[derive(Debug)]
pub struct ScratchDir {
    path: PathBuf,
}

impl ScratchDir {
    /// Creates an empty directory whose name holds `label` and this test process's pid, so
    /// that the same label gives the same path throughout one test run.
    ///
    /// # Panics
    /// If the directory cannot be created.
    #[must_use]
    pub fn new(label: &str) -> Self {
        let path =
            std::env::temp_dir().join(format!("rtrace-tests-{}-{label}", std::process::id()));
        let _ = fs::remove_dir_all(&path);
        fs::create_dir_all(&path)
            .unwrap_or_else(|error| panic!("creating {}: {error}", path.display()));
        Self { path }
    }

    #[must_use]
    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for ScratchDir {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.path);
    }
}

/// A TCP port on 127.0.0.1 that is bound and not listening, so that connecting to it is
/// refused, and that nothing else can take while this value lives.
#[derive(Debug)]
pub struct RefusingPort {
    _socket: OwnedFd,
    port: u16,
}

impl RefusingPort {
    /// Binds a TCP socket to an ephemeral port on 127.0.0.1 without listening on it.
    ///
    /// # Panics
    /// If a socket call fails.
    #[must_use]
    pub fn bind() -> Self {
        // SAFETY: plain socket creation; the fd is owned right away.
        let raw = unsafe { libc::socket(libc::AF_INET, libc::SOCK_STREAM | libc::SOCK_CLOEXEC, 0) };
        assert!(raw >= 0, "socket: {}", std::io::Error::last_os_error());
        // SAFETY: `raw` is a fresh descriptor nobody else owns.
        let socket = unsafe { OwnedFd::from_raw_fd(raw) };
        let mut address = libc::sockaddr_in {
            sin_family: libc::sa_family_t::try_from(libc::AF_INET)
                .expect("AF_INET fits sa_family_t"),
            sin_port: 0,
            sin_addr: libc::in_addr {
                s_addr: u32::from(Ipv4Addr::LOCALHOST).to_be(),
            },
            sin_zero: [0; 8],
        };
        let mut length = libc::socklen_t::try_from(size_of::<libc::sockaddr_in>())
            .expect("sockaddr_in is small");
        // SAFETY: `address` is a valid sockaddr_in of `length` bytes.
        let bound = unsafe { libc::bind(socket.as_raw_fd(), (&raw const address).cast(), length) };
        assert!(
            bound == 0,
            "bind 127.0.0.1:0: {}",
            std::io::Error::last_os_error()
        );
        // SAFETY: `address` and `length` are valid for writing.
        let named = unsafe {
            libc::getsockname(
                socket.as_raw_fd(),
                (&raw mut address).cast(),
                &raw mut length,
            )
        };
        assert!(
            named == 0,
            "getsockname: {}",
            std::io::Error::last_os_error()
        );
        Self {
            _socket: socket,
            port: u16::from_be(address.sin_port),
        }
    }

    #[must_use]
    pub fn port(&self) -> u16 {
        self.port
    }
}

/// A port on 127.0.0.1 that is free now and lies below the ephemeral range (32768 and up),
/// so that no outgoing connection is given it in the meantime. The helper binds it with
/// `SO_REUSEADDR`, which lets a second run reuse it while the first run's connections linger.
///
/// # Panics
/// If no port in the searched range is free.
#[must_use]
pub fn free_listening_port() -> u16 {
    let start = 20_000 + u16::try_from(std::process::id() % 10_000).expect("below 10000");
    (start..32_768)
        .chain(20_000..start)
        .find(|&port| TcpListener::bind(SocketAddrV4::new(Ipv4Addr::LOCALHOST, port)).is_ok())
        .expect("no free TCP port on 127.0.0.1 between 20000 and 32767")
}

/// A running `rtrace-helper`, stopped in its trigger read until [`Helper::trigger`].
#[derive(Debug)]
pub struct Helper {
    child: Child,
    stdin: Option<ChildStdin>,
    scenario: String,
}

impl Helper {
    /// Starts `program` (the `rtrace-helper` binary) on `scenario` with extra environment
    /// variables, and waits until it blocks reading its stdin.
    ///
    /// # Panics
    /// If it cannot start, or does not reach the read before the deadline.
    #[must_use]
    pub fn start(program: &Path, scenario: &str, environment: &[(&str, &OsStr)]) -> Self {
        let mut child = Command::new(program)
            .arg(scenario)
            .envs(environment.iter().copied())
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|error| panic!("starting {}: {error}", program.display()));
        let stdin = child.stdin.take();
        let mut helper = Self {
            child,
            stdin,
            scenario: scenario.to_owned(),
        };
        helper.wait_until_reading_stdin();
        helper
    }

    #[must_use]
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Waits until `/proc/PID/syscall` shows the helper blocked in `read(0, ...)`.
    fn wait_until_reading_stdin(&mut self) {
        let syscall_file = format!("/proc/{}/syscall", self.pid());
        let started = Instant::now();
        loop {
            // "0 0x0 ..." is read (number 0 on x86_64) on fd 0.
            let current = fs::read_to_string(&syscall_file).unwrap_or_default();
            if current.split_whitespace().take(2).eq(["0", "0x0"]) {
                return;
            }
            if let Ok(Some(status)) = self.child.try_wait() {
                let stderr = self.stderr_text();
                panic!(
                    "rtrace-helper {} exited ({status}) before its trigger read: {stderr}",
                    self.scenario
                );
            }
            assert!(
                started.elapsed() < DEADLINE,
                "rtrace-helper {} did not block in its trigger read within {DEADLINE:?}",
                self.scenario
            );
            thread::sleep(POLL_INTERVAL);
        }
    }

    /// Writes the byte that lets the helper run its scenario.
    ///
    /// # Panics
    /// If it was already triggered, or the write fails.
    pub fn trigger(&mut self) {
        let mut stdin = self.stdin.take().expect("a helper is triggered once");
        stdin.write_all(b"x").expect("writing the trigger byte");
    }

    /// Waits for the helper to exit and checks that its script went as planned.
    ///
    /// # Panics
    /// If it runs past the deadline or exits with a failure status.
    pub fn wait_for_success(&mut self) {
        let status = wait_with_deadline(&mut self.child).unwrap_or_else(|| {
            panic!(
                "rtrace-helper {} still runs after {DEADLINE:?}",
                self.scenario
            )
        });
        if !status.success() {
            let stderr = self.stderr_text();
            panic!(
                "rtrace-helper {} exited with {status}: {stderr}",
                self.scenario
            );
        }
    }

    fn stderr_text(&mut self) -> String {
        let mut text = String::new();
        if let Some(mut stderr) = self.child.stderr.take() {
            let _ = stderr.read_to_string(&mut text);
        }
        text
    }
}

impl Drop for Helper {
    fn drop(&mut self) {
        if matches!(self.child.try_wait(), Ok(None)) {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// Waits for `child` to exit, up to [`DEADLINE`]; `None` if it still runs then.
fn wait_with_deadline(child: &mut Child) -> Option<ExitStatus> {
    let started = Instant::now();
    loop {
        if let Some(status) = child.try_wait().expect("waiting for a child process") {
            return Some(status);
        }
        if started.elapsed() >= DEADLINE {
            return None;
        }
        thread::sleep(POLL_INTERVAL);
    }
}

/// A running tracer, with its stderr read line by line on a thread of its own.
#[derive(Debug)]
pub struct TracerRun {
    tracer: Tracer,
    destination: Destination,
    child: Child,
    stderr_lines: Receiver<String>,
    reader: Option<JoinHandle<()>>,
    /// Every stderr line received so far, messages and trace lines alike.
    seen: Vec<String>,
}

impl TracerRun {
    /// Starts `tracer` with one `-p` option for each entry of `pid_options` (each entry a
    /// pid or a comma-separated list of them), writing the trace to `destination`.
    ///
    /// # Panics
    /// If the tracer cannot start.
    #[must_use]
    pub fn start(tracer: &Tracer, pid_options: &[String], destination: Destination) -> Self {
        let mut command = Command::new(tracer.program());
        // strace names itself in its messages by argv[0] (`/usr/bin/strace: Process N
        // attached` when started by path): start both as their bare names.
        command.arg0(tracer.name());
        for pids in pid_options {
            command.arg("-p").arg(pids);
        }
        if let Destination::File(file) = &destination {
            command.arg("-o").arg(file);
        }
        let mut child = command
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|error| panic!("starting {}: {error}", tracer.program().display()));
        let stderr = child.stderr.take().expect("stderr is piped");
        let (sender, stderr_lines) = mpsc::channel();
        let reader = thread::spawn(move || {
            for line in BufReader::new(stderr).lines() {
                let Ok(line) = line else { break };
                if sender.send(line).is_err() {
                    break;
                }
            }
        });
        Self {
            tracer: tracer.clone(),
            destination,
            child,
            stderr_lines,
            reader: Some(reader),
            seen: Vec::new(),
        }
    }

    /// Waits until the tracer has said `NAME: Process PID attached` for every pid.
    ///
    /// # Panics
    /// If it exits first or the deadline passes.
    pub fn wait_attached(&mut self, pids: &[u32]) {
        let wanted: Vec<String> = pids
            .iter()
            .map(|pid| format!("{}: Process {pid} attached", self.tracer.name()))
            .collect();
        let started = Instant::now();
        while !wanted.iter().all(|line| self.seen.contains(line)) {
            let left = DEADLINE.saturating_sub(started.elapsed());
            match self.stderr_lines.recv_timeout(left) {
                Ok(line) => self.seen.push(line),
                Err(RecvTimeoutError::Timeout) => panic!(
                    "{} did not report attaching to {pids:?} within {DEADLINE:?}; stderr so far:\n{}",
                    self.tracer.name(),
                    self.seen.join("\n")
                ),
                Err(RecvTimeoutError::Disconnected) => {
                    let status = wait_with_deadline(&mut self.child).map_or_else(
                        || "closed its stderr".to_owned(),
                        |status| status.to_string(),
                    );
                    panic!(
                        "{} ended ({status}) before attaching to {pids:?}; stderr:\n{}",
                        self.tracer.name(),
                        self.seen.join("\n")
                    );
                }
            }
        }
    }

    /// Waits for the tracer to exit by itself (its tracees are gone), checks that it
    /// succeeded, and returns the trace: the file's lines, or the stderr lines that are not
    /// the tracer's own messages.
    ///
    /// # Panics
    /// If it runs past the deadline, fails, or its trace file cannot be read.
    #[must_use]
    pub fn finish(mut self) -> Vec<String> {
        let name = self.tracer.name();
        let status = wait_with_deadline(&mut self.child).unwrap_or_else(|| {
            panic!(
                "{name} still runs {DEADLINE:?} after its tracees exited; stderr:\n{}",
                self.seen.join("\n")
            )
        });
        if let Some(reader) = self.reader.take() {
            reader.join().expect("the stderr reader does not panic");
        }
        self.seen.extend(self.stderr_lines.try_iter());
        assert!(
            status.success(),
            "{name} exited with {status}; stderr:\n{}",
            self.seen.join("\n")
        );
        match &self.destination {
            Destination::Stderr => self
                .seen
                .iter()
                .filter(|line| !self.tracer.is_message(line))
                .cloned()
                .collect(),
            Destination::File(file) => fs::read_to_string(file)
                .unwrap_or_else(|error| {
                    panic!("reading {name}'s output {}: {error}", file.display())
                })
                .lines()
                .map(str::to_owned)
                .collect(),
        }
    }
}

impl TracerRun {
    /// Stops the tracer as Ctrl-C does (SIGINT) and returns its `-o` trace. Whatever
    /// its exit status: strace dies of the signal once it has detached.
    ///
    /// # Panics
    /// If the trace goes to stderr, the tracer runs past the deadline, or its trace file
    /// cannot be read.
    #[must_use]
    pub fn interrupt(mut self) -> Vec<String> {
        let Destination::File(file) = &self.destination else {
            panic!("interrupt reads a trace file");
        };
        // SAFETY: kill(2) on our own child's pid.
        unsafe {
            libc::kill(
                i32::try_from(self.child.id()).expect("pid fits"),
                libc::SIGINT,
            )
        };
        let name = self.tracer.name();
        assert!(
            wait_with_deadline(&mut self.child).is_some(),
            "{name} still runs {DEADLINE:?} after SIGINT"
        );
        fs::read_to_string(file)
            .unwrap_or_else(|error| panic!("reading {name}'s output {}: {error}", file.display()))
            .lines()
            .map(str::to_owned)
            .collect()
    }
}

impl Drop for TracerRun {
    fn drop(&mut self) {
        if matches!(self.child.try_wait(), Ok(None)) {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}
