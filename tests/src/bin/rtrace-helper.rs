//! A traced process whose system calls are known in advance, so that the end-to-end tests
//! can trace it once with strace and once with rtrace and compare the two outputs line by line.
//!
//! Usage: `rtrace-helper SCENARIO`, with SCENARIO one of `basic`, `net`, `structs`, `loop3`,
//! `forktree` or `blocker`.
//!
//! The helper first prepares what its scenario needs (working directory, ports, a clean
//! fd table from 3 up, an empty signal mask), then blocks in `read(0, _, 1)` until the test
//! writes one byte to its stdin, so that a tracer can attach before anything of interest
//! happens. It then runs the scenario's script and ends with `exit_group(0)`.
//!
//! Every call in a script goes straight to the kernel through `libc::syscall`: glibc's
//! wrappers may pick another system call than their name says (`open` is `openat`, `fstat`
//! is `newfstatat`, `faccessat` is `faccessat2`), and std's I/O would add calls of its own.
//! Nothing in a script allocates. Each call's outcome is checked against the script; a call
//! that goes otherwise ends the helper with status 1 and a message on stderr, which shows
//! in the trace as `+++ exited with 1 +++`.

use std::ffi::CStr;
use std::mem::{size_of, zeroed};

use libc::{c_int, c_long};

// The scripts name x86_64 system calls (open, access, select, ...), as strace prints them there.
#[cfg(not(target_arch = "x86_64"))]
compile_error!("rtrace-helper's scripts are written for x86_64 system calls");

/// What a system call gave back: its return value, or the errno it failed with.
type Outcome = Result<c_long, c_int>;

/// Environment variable naming the directory the `basic` and `structs` scenarios work in.
const DIR_VAR: &str = "RTRACE_HELPER_DIR";
/// Environment variable with the 127.0.0.1 port the `net` scenario listens on.
const LISTEN_PORT_VAR: &str = "RTRACE_HELPER_LISTEN_PORT";
/// Environment variable with a 127.0.0.1 port where nothing listens (connecting is refused).
const REFUSED_PORT_VAR: &str = "RTRACE_HELPER_REFUSED_PORT";

/// Makes one raw system call; arguments past those given are zero.
fn syscall(nr: c_long, args: &[c_long]) -> Outcome {
    let mut regs: [c_long; 6] = [0; 6];
    regs[..args.len()].copy_from_slice(args);
    // SAFETY: every caller passes the arguments the kernel documents for `nr`, with
    // pointers to live buffers of the sizes given alongside them.
    let ret = unsafe { libc::syscall(nr, regs[0], regs[1], regs[2], regs[3], regs[4], regs[5]) };
    if ret == -1 {
        // SAFETY: glibc's errno location is valid for the calling thread.
        Err(unsafe { *libc::__errno_location() })
    } else {
        Ok(ret)
    }
}

/// A pointer as a system call argument.
fn arg<T>(pointer: *const T) -> c_long {
    pointer as c_long
}

/// A mutable pointer as a system call argument.
fn out<T>(pointer: &mut T) -> c_long {
    std::ptr::from_mut(pointer) as c_long
}

/// A byte count as a system call argument.
fn length(bytes: usize) -> c_long {
    c_long::try_from(bytes).expect("script lengths are small")
}

/// A C string as a system call argument.
fn path(name: &CStr) -> c_long {
    arg(name.as_ptr())
}

/// Ends the helper right away: one `exit_group` and nothing else.
fn exit_group(status: c_int) -> ! {
    // SAFETY: exit_group does not return.
    unsafe { libc::syscall(libc::SYS_exit_group, c_long::from(status)) };
    unreachable!("exit_group returned")
}

/// Reports a script step that went otherwise than planned and ends with status 1.
fn fail(step: &str, outcome: Outcome, wanted: &str) -> ! {
    let message = format!("rtrace-helper: {step}: got {outcome:?}, wanted {wanted}\n");
    // SAFETY: the buffer is live for the call; a short write loses only the message.
    unsafe { libc::write(2, message.as_ptr().cast(), message.len()) };
    exit_group(1)
}

/// Checks that a step returned exactly `wanted`.
fn returns(step: &str, outcome: Outcome, wanted: c_long) {
    if outcome != Ok(wanted) {
        fail(step, outcome, &format!("Ok({wanted})"));
    }
}

/// Checks that a step succeeded and gives back its value (an address, a length).
fn succeeds(step: &str, outcome: Outcome) -> c_long {
    match outcome {
        Ok(value) => value,
        Err(_) => fail(step, outcome, "success"),
    }
}

/// Checks that a step failed with `errno`.
fn fails_with(step: &str, outcome: Outcome, errno: c_int) {
    if outcome != Err(errno) {
        fail(step, outcome, &format!("Err({errno})"));
    }
}

/// The scenarios, with what each one read from its environment before the trigger.
enum Scenario {
    /// Files, directories, descriptors, memory, time, signals.
    Basic,
    /// Unix and TCP sockets, and waiting on descriptors.
    Net { listen_port: u16, refused_port: u16 },
    /// One call or more for each kind of struct strace decodes and `basic` and `net` leave
    /// out: socket addresses, statx, rlimits, utsname, timers, clone arguments, siginfo,
    /// terminal ioctls, and the descriptors of eventfd, signalfd, inotify and memfd.
    Structs,
    /// Three `getpid` calls and a write to /dev/null: small enough to run several at once.
    Loop3,
    /// A master that forks 8 workers; each starts a thread and forks a child. Every new
    /// task's first call is `getppid` (processes) or `gettid` (threads).
    ForkTree,
    /// Calls that block for a while: `epoll_wait`, `futex` and `accept`, each with a timeout.
    Blocker,
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let scenario = match args.get(1).map(String::as_str) {
        Some("basic") => Scenario::Basic,
        Some("net") => Scenario::Net {
            listen_port: port_from_env(LISTEN_PORT_VAR),
            refused_port: port_from_env(REFUSED_PORT_VAR),
        },
        Some("structs") => Scenario::Structs,
        Some("loop3") => Scenario::Loop3,
        Some("forktree") => Scenario::ForkTree,
        Some("blocker") => Scenario::Blocker,
        _ => {
            eprintln!("usage: rtrace-helper basic|net|structs|loop3|forktree|blocker");
            std::process::exit(2);
        }
    };
    if let Scenario::Basic | Scenario::Structs = scenario {
        let dir = std::env::var_os(DIR_VAR).unwrap_or_else(|| {
            eprintln!("rtrace-helper: {DIR_VAR} must name the directory to work in");
            std::process::exit(2);
        });
        if let Err(error) = std::env::set_current_dir(&dir) {
            eprintln!("rtrace-helper: cannot enter {}: {error}", dir.display());
            std::process::exit(2);
        }
    }
    prepare_process();
    if let Scenario::Loop3 = scenario {
        returns(
            "open /dev/null",
            syscall(
                libc::SYS_openat,
                &[
                    libc::AT_FDCWD.into(),
                    path(c"/dev/null"),
                    libc::O_WRONLY.into(),
                ],
            ),
            3,
        );
    }
    wait_for_trigger();
    match scenario {
        Scenario::Basic => basic(),
        Scenario::Net {
            listen_port,
            refused_port,
        } => net(listen_port, refused_port),
        Scenario::Structs => structs(),
        Scenario::Loop3 => loop3(),
        Scenario::ForkTree => fork_tree(),
        Scenario::Blocker => blocker(),
    }
    exit_group(0)
}

fn port_from_env(name: &str) -> u16 {
    match std::env::var(name).map(|text| text.parse::<u16>()) {
        Ok(Ok(port)) if port != 0 => port,
        _ => {
            eprintln!("rtrace-helper: {name} must hold a TCP port number");
            std::process::exit(2);
        }
    }
}

/// Makes the fd table and the signal mask the same on every run, whatever the test inherited.
fn prepare_process() {
    returns(
        "close_range",
        syscall(libc::SYS_close_range, &[3, c_long::from(u32::MAX), 0]),
        0,
    );
    // SAFETY: an all-zero sigset_t is the empty set.
    let empty: libc::sigset_t = unsafe { zeroed() };
    returns(
        "clear signal mask",
        syscall(
            libc::SYS_rt_sigprocmask,
            &[libc::SIG_SETMASK.into(), arg(&raw const empty), 0, 8],
        ),
        0,
    );
}

/// Blocks until the test writes the byte that says the tracer is attached.
fn wait_for_trigger() {
    let mut byte = 0u8;
    returns(
        "trigger read",
        syscall(libc::SYS_read, &[0, out(&mut byte), 1]),
        1,
    );
}

/// Contents of `data.txt`, which the test creates with mode 0644 before the run: a tab,
/// a newline, a control byte, DEL and plain text, so that string escaping shows.
const DATA: &[u8] = b"hello\tworld\n\x01\x7fELF";

/// Buffer size for reads whose result the script knows.
const BUFFER: usize = 4096;

#[allow(clippy::too_many_lines)] // one script, read top to bottom like its trace
fn basic() {
    let at_cwd = c_long::from(libc::AT_FDCWD);
    let mut buffer = [0u8; BUFFER];
    let size = length(BUFFER);
    let data_len = length(DATA.len());

    // Reading an existing file, every way the script knows.
    returns(
        "openat data.txt",
        syscall(
            libc::SYS_openat,
            &[at_cwd, path(c"data.txt"), libc::O_RDONLY.into()],
        ),
        3,
    );
    returns(
        "read data.txt",
        syscall(libc::SYS_read, &[3, out(&mut buffer), size]),
        data_len,
    );
    if buffer[..DATA.len()] != *DATA {
        fail("read data.txt", Ok(data_len), "the bytes of DATA");
    }
    returns(
        "read at EOF",
        syscall(libc::SYS_read, &[3, out(&mut buffer), size]),
        0,
    );
    returns(
        "pread64",
        syscall(libc::SYS_pread64, &[3, out(&mut buffer), 5, 6]),
        5,
    );
    returns(
        "lseek",
        syscall(libc::SYS_lseek, &[3, 0, libc::SEEK_SET.into()]),
        0,
    );
    // SAFETY: an all-zero stat is a valid value to overwrite.
    let mut status: libc::stat = unsafe { zeroed() };
    returns("fstat", syscall(libc::SYS_fstat, &[3, out(&mut status)]), 0);
    returns(
        "newfstatat",
        syscall(
            libc::SYS_newfstatat,
            &[at_cwd, path(c"data.txt"), out(&mut status), 0],
        ),
        0,
    );
    returns("close data.txt", syscall(libc::SYS_close, &[3]), 0);
    fails_with(
        "openat missing.txt",
        syscall(
            libc::SYS_openat,
            &[at_cwd, path(c"missing.txt"), libc::O_RDONLY.into()],
        ),
        libc::ENOENT,
    );
    let long = std::ffi::CString::new(rtrace_tests::long_missing_path()).expect("no NUL in it");
    fails_with(
        "openat a long path",
        syscall(
            libc::SYS_openat,
            &[at_cwd, path(&long), libc::O_RDONLY.into()],
        ),
        libc::ENOENT,
    );
    returns(
        "open data.txt",
        syscall(libc::SYS_open, &[path(c"data.txt"), libc::O_RDONLY.into()]),
        3,
    );

    // Writing a new file.
    returns(
        "openat out.txt",
        syscall(
            libc::SYS_openat,
            &[
                at_cwd,
                path(c"out.txt"),
                (libc::O_WRONLY | libc::O_CREAT | libc::O_TRUNC).into(),
                0o644,
            ],
        ),
        4,
    );
    let line = b"written by rtrace-helper\n";
    returns(
        "write",
        syscall(
            libc::SYS_write,
            &[4, arg(line.as_ptr()), length(line.len())],
        ),
        25,
    );
    returns(
        "pwrite64",
        syscall(libc::SYS_pwrite64, &[4, arg(c"WRIT".as_ptr()), 4, 0]),
        4,
    );
    let pieces = [
        libc::iovec {
            iov_base: c"abc".as_ptr().cast_mut().cast(),
            iov_len: 3,
        },
        libc::iovec {
            iov_base: c"defg\n".as_ptr().cast_mut().cast(),
            iov_len: 5,
        },
    ];
    returns(
        "writev",
        syscall(libc::SYS_writev, &[4, arg(pieces.as_ptr()), 2]),
        8,
    );
    returns("close out.txt", syscall(libc::SYS_close, &[4]), 0);
    let (head, tail) = buffer.split_at_mut(5);
    let targets = [
        libc::iovec {
            iov_base: head.as_mut_ptr().cast(),
            iov_len: 5,
        },
        libc::iovec {
            iov_base: tail.as_mut_ptr().cast(),
            iov_len: 12,
        },
    ];
    returns(
        "readv",
        syscall(libc::SYS_readv, &[3, arg(targets.as_ptr()), 2]),
        data_len,
    );

    // Permissions and the working directory.
    returns(
        "access data.txt",
        syscall(libc::SYS_access, &[path(c"data.txt"), libc::R_OK.into()]),
        0,
    );
    fails_with(
        "access missing.txt",
        syscall(libc::SYS_access, &[path(c"missing.txt"), libc::F_OK.into()]),
        libc::ENOENT,
    );
    returns(
        "faccessat data.txt",
        syscall(
            libc::SYS_faccessat,
            &[at_cwd, path(c"data.txt"), (libc::R_OK | libc::W_OK).into()],
        ),
        0,
    );
    fails_with(
        "faccessat missing.txt",
        syscall(
            libc::SYS_faccessat,
            &[at_cwd, path(c"missing.txt"), libc::F_OK.into()],
        ),
        libc::ENOENT,
    );
    succeeds(
        "getcwd",
        syscall(libc::SYS_getcwd, &[out(&mut buffer), size]),
    );
    returns(
        "mkdir sub",
        syscall(libc::SYS_mkdir, &[path(c"sub"), 0o755]),
        0,
    );
    returns("chdir sub", syscall(libc::SYS_chdir, &[path(c"sub")]), 0);
    returns("chdir ..", syscall(libc::SYS_chdir, &[path(c"..")]), 0);

    // Renaming, listing and removing.
    returns(
        "rename",
        syscall(libc::SYS_rename, &[path(c"out.txt"), path(c"renamed.txt")]),
        0,
    );
    returns(
        "renameat",
        syscall(
            libc::SYS_renameat,
            &[at_cwd, path(c"renamed.txt"), at_cwd, path(c"sub/moved.txt")],
        ),
        0,
    );
    returns(
        "openat sub",
        syscall(
            libc::SYS_openat,
            &[
                at_cwd,
                path(c"sub"),
                (libc::O_RDONLY | libc::O_DIRECTORY).into(),
            ],
        ),
        4,
    );
    // ".", ".." and "moved.txt": records of 24, 24 and 32 bytes, in whatever order.
    returns(
        "getdents64",
        syscall(libc::SYS_getdents64, &[4, out(&mut buffer), size]),
        80,
    );
    returns(
        "getdents64 at end",
        syscall(libc::SYS_getdents64, &[4, out(&mut buffer), size]),
        0,
    );
    returns("close sub", syscall(libc::SYS_close, &[4]), 0);
    returns(
        "unlink",
        syscall(libc::SYS_unlink, &[path(c"sub/moved.txt")]),
        0,
    );
    fails_with(
        "unlinkat missing.txt",
        syscall(libc::SYS_unlinkat, &[at_cwd, path(c"missing.txt"), 0]),
        libc::ENOENT,
    );
    returns(
        "unlinkat sub",
        syscall(
            libc::SYS_unlinkat,
            &[at_cwd, path(c"sub"), libc::AT_REMOVEDIR.into()],
        ),
        0,
    );

    // Duplicating descriptors.
    returns("dup", syscall(libc::SYS_dup, &[3]), 4);
    returns("dup2", syscall(libc::SYS_dup2, &[3, 10]), 10);
    returns(
        "dup3",
        syscall(libc::SYS_dup3, &[3, 11, libc::O_CLOEXEC.into()]),
        11,
    );
    for fd in [4, 10, 11] {
        returns("close duplicate", syscall(libc::SYS_close, &[fd]), 0);
    }

    // A pipe: empty non-blocking read, flags, bytes waiting.
    let mut ends: [c_int; 2] = [-1; 2];
    returns(
        "pipe2",
        syscall(
            libc::SYS_pipe2,
            &[out(&mut ends), (libc::O_CLOEXEC | libc::O_NONBLOCK).into()],
        ),
        0,
    );
    if ends != [4, 5] {
        fail("pipe2", Ok(0), "ends [4, 5]");
    }
    fails_with(
        "read empty pipe",
        syscall(libc::SYS_read, &[4, out(&mut buffer), 16]),
        libc::EAGAIN,
    );
    returns(
        "fcntl F_GETFL",
        syscall(libc::SYS_fcntl, &[4, libc::F_GETFL.into()]),
        libc::O_NONBLOCK.into(),
    );
    returns(
        "fcntl F_SETFL",
        syscall(
            libc::SYS_fcntl,
            &[4, libc::F_SETFL.into(), libc::O_RDONLY.into()],
        ),
        0,
    );
    returns(
        "fcntl F_GETFL after F_SETFL",
        syscall(libc::SYS_fcntl, &[4, libc::F_GETFL.into()]),
        0,
    );
    returns(
        "fcntl F_GETFD",
        syscall(libc::SYS_fcntl, &[4, libc::F_GETFD.into()]),
        libc::FD_CLOEXEC.into(),
    );
    returns(
        "write pipe",
        syscall(libc::SYS_write, &[5, arg(c"ping".as_ptr()), 4]),
        4,
    );
    let mut waiting: c_int = 0;
    returns(
        "ioctl FIONREAD",
        syscall(
            libc::SYS_ioctl,
            &[
                4,
                c_long::try_from(libc::FIONREAD).expect("FIONREAD fits a register"),
                out(&mut waiting),
            ],
        ),
        0,
    );
    if waiting != 4 {
        fail("ioctl FIONREAD", Ok(0), "4 bytes waiting");
    }
    returns(
        "read pipe",
        syscall(libc::SYS_read, &[4, out(&mut buffer), 16]),
        4,
    );
    returns("close pipe read end", syscall(libc::SYS_close, &[4]), 0);
    returns("close pipe write end", syscall(libc::SYS_close, &[5]), 0);

    // Memory.
    let page = 4096;
    let mapping = succeeds(
        "mmap",
        syscall(
            libc::SYS_mmap,
            &[
                0,
                page,
                (libc::PROT_READ | libc::PROT_WRITE).into(),
                (libc::MAP_PRIVATE | libc::MAP_ANONYMOUS).into(),
                -1,
                0,
            ],
        ),
    );
    returns(
        "mprotect",
        syscall(libc::SYS_mprotect, &[mapping, page, libc::PROT_READ.into()]),
        0,
    );
    returns("munmap", syscall(libc::SYS_munmap, &[mapping, page]), 0);
    succeeds("brk", syscall(libc::SYS_brk, &[0]));

    // Identity.
    let pid = succeeds("getpid", syscall(libc::SYS_getpid, &[]));
    succeeds("getppid", syscall(libc::SYS_getppid, &[]));
    returns("gettid", syscall(libc::SYS_gettid, &[]), pid);

    // Time.
    // SAFETY: all-zero timespec and timeval are valid values to overwrite.
    let (mut now, mut wall): (libc::timespec, libc::timeval) = unsafe { (zeroed(), zeroed()) };
    returns(
        "clock_gettime",
        syscall(
            libc::SYS_clock_gettime,
            &[libc::CLOCK_MONOTONIC.into(), out(&mut now)],
        ),
        0,
    );
    returns(
        "gettimeofday",
        syscall(libc::SYS_gettimeofday, &[out(&mut wall), 0]),
        0,
    );
    let millisecond = libc::timespec {
        tv_sec: 0,
        tv_nsec: 1_000_000,
    };
    returns(
        "nanosleep",
        syscall(libc::SYS_nanosleep, &[arg(&raw const millisecond), 0]),
        0,
    );
    returns(
        "clock_nanosleep",
        syscall(
            libc::SYS_clock_nanosleep,
            &[
                libc::CLOCK_MONOTONIC.into(),
                0,
                arg(&raw const millisecond),
                0,
            ],
        ),
        0,
    );

    // Signals.
    // SAFETY: all-zero sigset_t values are empty sets, filled in below.
    let (mut usr1, mut previous): (libc::sigset_t, libc::sigset_t) =
        unsafe { (zeroed(), zeroed()) };
    // SAFETY: `usr1` is a valid sigset_t.
    unsafe { libc::sigaddset(&raw mut usr1, libc::SIGUSR1) };
    returns(
        "rt_sigprocmask block",
        syscall(
            libc::SYS_rt_sigprocmask,
            &[
                libc::SIG_BLOCK.into(),
                arg(&raw const usr1),
                out(&mut previous),
                8,
            ],
        ),
        0,
    );
    returns(
        "rt_sigprocmask restore",
        syscall(
            libc::SYS_rt_sigprocmask,
            &[libc::SIG_SETMASK.into(), arg(&raw const previous), 0, 8],
        ),
        0,
    );
    let action = KernelSigaction {
        handler: on_usr2 as *const () as usize,
        flags: u64::from(libc::SA_RESTART.cast_unsigned()),
        restorer: 0,
        mask: 0,
    };
    let mut old_action = KernelSigaction {
        handler: 0,
        flags: 0,
        restorer: 0,
        mask: 0,
    };
    returns(
        "rt_sigaction",
        syscall(
            libc::SYS_rt_sigaction,
            &[
                libc::SIGUSR2.into(),
                arg(&raw const action),
                out(&mut old_action),
                8,
            ],
        ),
        0,
    );
    returns("kill", syscall(libc::SYS_kill, &[pid, 0]), 0);
    returns("tgkill", syscall(libc::SYS_tgkill, &[pid, pid, 0]), 0);

    // A futex nobody waits on.
    let word: u32 = 0;
    returns(
        "futex",
        syscall(
            libc::SYS_futex,
            &[
                arg(&raw const word),
                (libc::FUTEX_WAKE | libc::FUTEX_PRIVATE_FLAG).into(),
                1,
            ],
        ),
        0,
    );

    returns("close data.txt again", syscall(libc::SYS_close, &[3]), 0);
}

/// The kernel's `struct sigaction` on `x86_64`, as `rt_sigaction` takes it.
#[repr(C)]
struct KernelSigaction {
    handler: usize,
    flags: u64,
    restorer: usize,
    mask: u64,
}

/// Handler installed for SIGUSR2; the script never sends the signal.
extern "C" fn on_usr2(_signal: c_int) {}

/// A `sockaddr_in` for 127.0.0.1 and `port`.
fn loopback(port: u16) -> libc::sockaddr_in {
    libc::sockaddr_in {
        sin_family: libc::sa_family_t::try_from(libc::AF_INET).expect("AF_INET fits sa_family_t"),
        sin_port: port.to_be(),
        sin_addr: libc::in_addr {
            s_addr: u32::from(std::net::Ipv4Addr::LOCALHOST).to_be(),
        },
        sin_zero: [0; 8],
    }
}

/// Waits (up to 5 s) until `fd` is readable, so that what a later call returns does not
/// depend on how fast loopback delivers; prints as `= 1 ([{fd=N, revents=POLLIN}])`.
fn wait_readable(step: &str, fd: c_int) {
    let mut entry = libc::pollfd {
        fd,
        events: libc::POLLIN,
        revents: 0,
    };
    returns(
        step,
        syscall(libc::SYS_poll, &[out(&mut entry), 1, 5000]),
        1,
    );
}

#[allow(clippy::too_many_lines)] // one script, read top to bottom like its trace
fn net(listen_port: u16, refused_port: u16) {
    let mut buffer = [0u8; 64];
    let size = length(buffer.len());
    let address_len = length(size_of::<libc::sockaddr_in>());
    let inet = c_long::from(libc::AF_INET);
    let stream = c_long::from(libc::SOCK_STREAM);
    let tcp = c_long::from(libc::IPPROTO_TCP);

    // A unix socket pair, one message each way.
    let mut pair: [c_int; 2] = [-1; 2];
    returns(
        "socketpair",
        syscall(
            libc::SYS_socketpair,
            &[libc::AF_UNIX.into(), stream, 0, out(&mut pair)],
        ),
        0,
    );
    if pair != [3, 4] {
        fail("socketpair", Ok(0), "ends [3, 4]");
    }
    returns(
        "write ping",
        syscall(libc::SYS_write, &[3, arg(c"ping".as_ptr()), 4]),
        4,
    );
    returns(
        "read ping",
        syscall(libc::SYS_read, &[4, out(&mut buffer), size]),
        4,
    );
    returns(
        "write pong",
        syscall(libc::SYS_write, &[4, arg(c"pong".as_ptr()), 4]),
        4,
    );
    returns(
        "read pong",
        syscall(libc::SYS_read, &[3, out(&mut buffer), size]),
        4,
    );

    // Connecting where nothing listens.
    returns(
        "socket refused",
        syscall(libc::SYS_socket, &[inet, stream, tcp]),
        5,
    );
    let refused = loopback(refused_port);
    fails_with(
        "connect refused",
        syscall(
            libc::SYS_connect,
            &[5, arg(&raw const refused), address_len],
        ),
        libc::ECONNREFUSED,
    );
    returns("close refused", syscall(libc::SYS_close, &[5]), 0);

    // A listening socket, a client, and the accepted connection.
    returns(
        "socket listener",
        syscall(libc::SYS_socket, &[inet, stream, tcp]),
        5,
    );
    let reuse: c_int = 1;
    returns(
        "setsockopt SO_REUSEADDR",
        syscall(
            libc::SYS_setsockopt,
            &[
                5,
                libc::SOL_SOCKET.into(),
                libc::SO_REUSEADDR.into(),
                arg(&raw const reuse),
                4,
            ],
        ),
        0,
    );
    let listen_at = loopback(listen_port);
    returns(
        "bind",
        syscall(libc::SYS_bind, &[5, arg(&raw const listen_at), address_len]),
        0,
    );
    returns("listen", syscall(libc::SYS_listen, &[5, 8]), 0);
    // SAFETY: an all-zero sockaddr_in is a valid value to overwrite.
    let mut bound: libc::sockaddr_in = unsafe { zeroed() };
    let mut bound_len =
        libc::socklen_t::try_from(size_of::<libc::sockaddr_in>()).expect("sockaddr_in is small");
    returns(
        "getsockname",
        syscall(
            libc::SYS_getsockname,
            &[5, out(&mut bound), out(&mut bound_len)],
        ),
        0,
    );
    if u16::from_be(bound.sin_port) != listen_port {
        fail("getsockname", Ok(0), "the listening port");
    }
    returns(
        "socket client",
        syscall(libc::SYS_socket, &[inet, stream, tcp]),
        6,
    );
    returns(
        "connect",
        syscall(
            libc::SYS_connect,
            &[6, arg(&raw const listen_at), address_len],
        ),
        0,
    );
    returns(
        "accept4",
        syscall(
            libc::SYS_accept4,
            &[5, 0, 0, (libc::SOCK_CLOEXEC | libc::SOCK_NONBLOCK).into()],
        ),
        7,
    );

    // Datagram-style calls on the connected pair.
    fails_with(
        "recvfrom empty",
        syscall(libc::SYS_recvfrom, &[7, out(&mut buffer), size, 0, 0, 0]),
        libc::EAGAIN,
    );
    returns(
        "sendto",
        syscall(libc::SYS_sendto, &[6, arg(c"hello".as_ptr()), 5, 0, 0, 0]),
        5,
    );
    wait_readable("poll for hello", 7);
    returns(
        "recvfrom",
        syscall(libc::SYS_recvfrom, &[7, out(&mut buffer), size, 0, 0, 0]),
        5,
    );

    // Message calls with one iovec each way.
    let mut sent_piece = libc::iovec {
        iov_base: c"msg".as_ptr().cast_mut().cast(),
        iov_len: 3,
    };
    // SAFETY: an all-zero msghdr has no name, no control data and no iovecs; set below.
    let mut message: libc::msghdr = unsafe { zeroed() };
    message.msg_iov = &raw mut sent_piece;
    message.msg_iovlen = 1;
    returns(
        "sendmsg",
        syscall(libc::SYS_sendmsg, &[6, arg(&raw const message), 0]),
        3,
    );
    wait_readable("poll for msg", 7);
    let mut received_piece = libc::iovec {
        iov_base: buffer.as_mut_ptr().cast(),
        iov_len: buffer.len(),
    };
    message.msg_iov = &raw mut received_piece;
    returns(
        "recvmsg",
        syscall(libc::SYS_recvmsg, &[7, out(&mut message), 0]),
        3,
    );

    // End of stream, then every way of waiting, each with its answer already known.
    returns(
        "shutdown",
        syscall(libc::SYS_shutdown, &[6, libc::SHUT_WR.into()]),
        0,
    );
    wait_readable("poll for end of stream", 7);
    let mut both = [
        libc::pollfd {
            fd: 7,
            events: libc::POLLIN,
            revents: 0,
        },
        libc::pollfd {
            fd: 6,
            events: libc::POLLOUT,
            revents: 0,
        },
    ];
    returns(
        "poll both",
        syscall(libc::SYS_poll, &[out(&mut both), 2, 0]),
        2,
    );
    // SAFETY: all-zero fd_sets are empty sets.
    let (mut readable, mut writable): (libc::fd_set, libc::fd_set) =
        unsafe { (zeroed(), zeroed()) };
    // SAFETY: both sets are valid fd_sets and 6 and 7 are below FD_SETSIZE.
    unsafe {
        libc::FD_SET(7, &raw mut readable);
        libc::FD_SET(6, &raw mut writable);
    }
    let mut no_wait = libc::timeval {
        tv_sec: 0,
        tv_usec: 0,
    };
    returns(
        "select",
        syscall(
            libc::SYS_select,
            &[
                8,
                out(&mut readable),
                out(&mut writable),
                0,
                out(&mut no_wait),
            ],
        ),
        2,
    );
    let mut no_wait_ns = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    returns(
        "pselect6",
        syscall(
            libc::SYS_pselect6,
            &[
                8,
                out(&mut readable),
                out(&mut writable),
                0,
                out(&mut no_wait_ns),
                0,
            ],
        ),
        2,
    );
    returns(
        "read end of stream",
        syscall(libc::SYS_read, &[7, out(&mut buffer), size]),
        0,
    );

    // epoll with one registered descriptor that is ready.
    returns(
        "epoll_create1",
        syscall(libc::SYS_epoll_create1, &[libc::EPOLL_CLOEXEC.into()]),
        8,
    );
    let mut interest = libc::epoll_event {
        events: libc::EPOLLIN.cast_unsigned(),
        u64: 7,
    };
    returns(
        "epoll_ctl",
        syscall(
            libc::SYS_epoll_ctl,
            &[8, libc::EPOLL_CTL_ADD.into(), 7, out(&mut interest)],
        ),
        0,
    );
    let mut ready = [libc::epoll_event { events: 0, u64: 0 }; 4];
    returns(
        "epoll_wait",
        syscall(libc::SYS_epoll_wait, &[8, out(&mut ready), 4, 1000]),
        1,
    );
    returns(
        "epoll_pwait",
        syscall(libc::SYS_epoll_pwait, &[8, out(&mut ready), 4, 0, 0, 8]),
        1,
    );

    for fd in [8, 7, 6, 5, 4, 3] {
        returns("close", syscall(libc::SYS_close, &[fd]), 0);
    }
}

/// A socket address's length as a system call argument.
fn address_length<T>() -> c_long {
    length(size_of::<T>())
}

/// The `sockaddr_un` for `name`: a path, or with a leading NUL an abstract name. Returns
/// the address and the length that covers `name` (plus a path's terminating NUL).
fn unix_address(name: &[u8]) -> (libc::sockaddr_un, c_long) {
    // SAFETY: an all-zero sockaddr_un is valid; the family and path are set below.
    let mut address: libc::sockaddr_un = unsafe { zeroed() };
    address.sun_family = libc::sa_family_t::try_from(libc::AF_UNIX).expect("AF_UNIX fits");
    for (slot, &byte) in address.sun_path.iter_mut().zip(name) {
        *slot = libc::c_char::from_ne_bytes([byte]);
    }
    let terminator = usize::from(name.first() != Some(&0));
    let family = size_of::<libc::sa_family_t>();
    (address, length(family + name.len() + terminator))
}

/// A `sockaddr_in6` for `address`, port 9 (discard), with a flow label and scope id.
fn inet6_address(address: std::net::Ipv6Addr, flow: u32, scope: u32) -> libc::sockaddr_in6 {
    // SAFETY: an all-zero sockaddr_in6 is the unspecified address; set below.
    let mut socket_address: libc::sockaddr_in6 = unsafe { zeroed() };
    socket_address.sin6_family =
        libc::sa_family_t::try_from(libc::AF_INET6).expect("AF_INET6 fits sa_family_t");
    socket_address.sin6_port = 9u16.to_be();
    socket_address.sin6_flowinfo = flow.to_be();
    socket_address.sin6_addr.s6_addr = address.octets();
    socket_address.sin6_scope_id = scope;
    socket_address
}

/// The unix socket path `structs` binds, in its working directory.
const SOCKET_PATH: &CStr = c"structs.sock";

/// The abstract unix socket name `structs` binds (the NUL marks it abstract).
const ABSTRACT_NAME: &[u8] = b"\0rtrace-helper-structs";

fn structs() {
    socket_addresses();
    file_structs();
    limits_and_identity();
    timers();
    children_and_siginfo();
    terminal_ioctls();
    special_descriptors();
}

/// IPv6, unix (path and abstract) and netlink addresses, given and returned.
#[allow(clippy::too_many_lines)] // one script, read top to bottom like its trace
fn socket_addresses() {
    let unix = c_long::from(libc::AF_UNIX);
    let datagram = c_long::from(libc::SOCK_DGRAM);

    // A UDP socket connected to [::1]:9: connecting a datagram socket sends nothing.
    returns(
        "socket inet6",
        syscall(
            libc::SYS_socket,
            &[libc::AF_INET6.into(), datagram, libc::IPPROTO_UDP.into()],
        ),
        3,
    );
    let discard = inet6_address(std::net::Ipv6Addr::LOCALHOST, 0, 0);
    returns(
        "connect inet6",
        syscall(
            libc::SYS_connect,
            &[
                3,
                arg(&raw const discard),
                address_length::<libc::sockaddr_in6>(),
            ],
        ),
        0,
    );
    // SAFETY: an all-zero sockaddr_in6 is a valid value to overwrite.
    let mut peer: libc::sockaddr_in6 = unsafe { zeroed() };
    let mut peer_len =
        libc::socklen_t::try_from(size_of::<libc::sockaddr_in6>()).expect("sockaddr_in6 is small");
    returns(
        "getpeername inet6",
        syscall(
            libc::SYS_getpeername,
            &[3, out(&mut peer), out(&mut peer_len)],
        ),
        0,
    );
    // A second one: a link-local address with a flow label and a scope (lo's index is 1),
    // which lo does not have, then an IPv4-mapped address.
    returns(
        "socket inet6 again",
        syscall(
            libc::SYS_socket,
            &[libc::AF_INET6.into(), datagram, libc::IPPROTO_UDP.into()],
        ),
        4,
    );
    let link_local = inet6_address(
        std::net::Ipv6Addr::new(0xfe80, 0, 0, 0, 0, 0, 0, 1),
        0x1_2345,
        1,
    );
    fails_with(
        "bind inet6 link-local",
        syscall(
            libc::SYS_bind,
            &[
                4,
                arg(&raw const link_local),
                address_length::<libc::sockaddr_in6>(),
            ],
        ),
        libc::EADDRNOTAVAIL,
    );
    let mapped = inet6_address(std::net::Ipv4Addr::LOCALHOST.to_ipv6_mapped(), 0, 0);
    returns(
        "connect inet6 mapped",
        syscall(
            libc::SYS_connect,
            &[
                4,
                arg(&raw const mapped),
                address_length::<libc::sockaddr_in6>(),
            ],
        ),
        0,
    );
    for fd in [4, 3] {
        returns("close inet6", syscall(libc::SYS_close, &[fd]), 0);
    }

    // Unix datagram sockets: one bound to a path, one to an abstract name.
    returns(
        "socket unix path",
        syscall(libc::SYS_socket, &[unix, datagram, 0]),
        3,
    );
    let (at_path, path_len) = unix_address(SOCKET_PATH.to_bytes());
    returns(
        "bind unix path",
        syscall(libc::SYS_bind, &[3, arg(&raw const at_path), path_len]),
        0,
    );
    returns(
        "socket unix abstract",
        syscall(libc::SYS_socket, &[unix, datagram, 0]),
        4,
    );
    // SAFETY: an all-zero sockaddr_un is a valid value to overwrite.
    let mut unnamed: libc::sockaddr_un = unsafe { zeroed() };
    let mut unnamed_len =
        libc::socklen_t::try_from(size_of::<libc::sockaddr_un>()).expect("sockaddr_un is small");
    returns(
        "getsockname unix unnamed",
        syscall(
            libc::SYS_getsockname,
            &[4, out(&mut unnamed), out(&mut unnamed_len)],
        ),
        0,
    );
    let (at_name, name_len) = unix_address(ABSTRACT_NAME);
    returns(
        "bind unix abstract",
        syscall(libc::SYS_bind, &[4, arg(&raw const at_name), name_len]),
        0,
    );
    returns(
        "sendto unix path",
        syscall(
            libc::SYS_sendto,
            &[
                4,
                arg(c"x".as_ptr()),
                1,
                0,
                arg(&raw const at_path),
                path_len,
            ],
        ),
        1,
    );
    // SAFETY: an all-zero sockaddr_un is a valid value to overwrite.
    let mut sender: libc::sockaddr_un = unsafe { zeroed() };
    let mut sender_len =
        libc::socklen_t::try_from(size_of::<libc::sockaddr_un>()).expect("sockaddr_un is small");
    let mut buffer = [0u8; 8];
    returns(
        "recvfrom unix path",
        syscall(
            libc::SYS_recvfrom,
            &[
                3,
                out(&mut buffer),
                length(buffer.len()),
                0,
                out(&mut sender),
                out(&mut sender_len),
            ],
        ),
        1,
    );
    // SAFETY: an all-zero sockaddr_un is a valid value to overwrite.
    let mut own: libc::sockaddr_un = unsafe { zeroed() };
    let mut own_len =
        libc::socklen_t::try_from(size_of::<libc::sockaddr_un>()).expect("sockaddr_un is small");
    returns(
        "getsockname unix path",
        syscall(
            libc::SYS_getsockname,
            &[3, out(&mut own), out(&mut own_len)],
        ),
        0,
    );
    for fd in [4, 3] {
        returns("close unix", syscall(libc::SYS_close, &[fd]), 0);
    }
    returns(
        "unlink socket path",
        syscall(libc::SYS_unlink, &[path(SOCKET_PATH)]),
        0,
    );

    // A netlink socket, bound with the port id left to the kernel (it picks the pid).
    returns(
        "socket netlink",
        syscall(
            libc::SYS_socket,
            &[
                libc::AF_NETLINK.into(),
                (libc::SOCK_RAW | libc::SOCK_CLOEXEC).into(),
                libc::NETLINK_ROUTE.into(),
            ],
        ),
        3,
    );
    // SAFETY: an all-zero sockaddr_nl is port 0, no groups; the rest is set below.
    let mut kernel: libc::sockaddr_nl = unsafe { zeroed() };
    kernel.nl_family = libc::sa_family_t::try_from(libc::AF_NETLINK).expect("AF_NETLINK fits");
    kernel.nl_groups = 1; // RTMGRP_LINK
    returns(
        "bind netlink",
        syscall(
            libc::SYS_bind,
            &[
                3,
                arg(&raw const kernel),
                address_length::<libc::sockaddr_nl>(),
            ],
        ),
        0,
    );
    let mut kernel_len =
        libc::socklen_t::try_from(size_of::<libc::sockaddr_nl>()).expect("sockaddr_nl is small");
    returns(
        "getsockname netlink",
        syscall(
            libc::SYS_getsockname,
            &[3, out(&mut kernel), out(&mut kernel_len)],
        ),
        0,
    );
    returns("close netlink", syscall(libc::SYS_close, &[3]), 0);
}

/// A memfd and its statx; bytes moved between descriptors without a user buffer.
#[allow(clippy::too_many_lines)] // one script, read top to bottom like its trace
fn file_structs() {
    returns(
        "memfd_create",
        syscall(
            libc::SYS_memfd_create,
            &[
                path(c"structs"),
                (libc::MFD_CLOEXEC | libc::MFD_ALLOW_SEALING).into(),
            ],
        ),
        3,
    );
    returns(
        "write memfd",
        syscall(
            libc::SYS_write,
            &[3, arg(DATA.as_ptr()), length(DATA.len())],
        ),
        length(DATA.len()),
    );
    // SAFETY: an all-zero statx is a valid value to overwrite.
    let mut extended: libc::statx = unsafe { zeroed() };
    returns(
        "statx memfd",
        syscall(
            libc::SYS_statx,
            &[
                3,
                path(c""),
                libc::AT_EMPTY_PATH.into(),
                libc::STATX_BASIC_STATS.into(),
                out(&mut extended),
            ],
        ),
        0,
    );
    if extended.stx_size != u64::try_from(DATA.len()).expect("DATA is small") {
        fail("statx memfd", Ok(0), "the size of DATA");
    }
    returns(
        "statx working directory",
        syscall(
            libc::SYS_statx,
            &[
                libc::AT_FDCWD.into(),
                path(c"."),
                libc::AT_STATX_DONT_SYNC.into(),
                libc::STATX_ALL.into(),
                out(&mut extended),
            ],
        ),
        0,
    );
    fails_with(
        "statx both sync types",
        syscall(
            libc::SYS_statx,
            &[
                libc::AT_FDCWD.into(),
                path(c"."),
                (libc::AT_STATX_FORCE_SYNC | libc::AT_STATX_DONT_SYNC).into(),
                libc::STATX_BASIC_STATS.into(),
                out(&mut extended),
            ],
        ),
        libc::EINVAL,
    );
    fails_with(
        "statx missing",
        syscall(
            libc::SYS_statx,
            &[
                libc::AT_FDCWD.into(),
                path(c"missing.txt"),
                libc::AT_SYMLINK_NOFOLLOW.into(),
                libc::STATX_ALL.into(),
                out(&mut extended),
            ],
        ),
        libc::ENOENT,
    );
    returns(
        "memfd_create copy",
        syscall(libc::SYS_memfd_create, &[path(c"copy"), 0]),
        4,
    );
    let mut from: i64 = 0;
    returns(
        "copy_file_range",
        syscall(libc::SYS_copy_file_range, &[3, out(&mut from), 4, 0, 5, 0]),
        5,
    );
    let mut ends: [c_int; 2] = [-1; 2];
    returns("pipe2", syscall(libc::SYS_pipe2, &[out(&mut ends), 0]), 0);
    if ends != [5, 6] {
        fail("pipe2", Ok(0), "ends [5, 6]");
    }
    let mut offset: i64 = 6;
    returns(
        "sendfile",
        syscall(libc::SYS_sendfile, &[6, 3, out(&mut offset), 5]),
        5,
    );
    returns(
        "splice",
        syscall(
            libc::SYS_splice,
            &[5, 0, 4, 0, 5, libc::SPLICE_F_MOVE.into()],
        ),
        5,
    );
    let piece = libc::iovec {
        iov_base: c"vm".as_ptr().cast_mut().cast(),
        iov_len: 2,
    };
    returns(
        "vmsplice",
        syscall(libc::SYS_vmsplice, &[6, arg(&raw const piece), 1, 0]),
        2,
    );
    let mut drained = [0u8; 8];
    returns(
        "read vmspliced",
        syscall(libc::SYS_read, &[5, out(&mut drained), 8]),
        2,
    );
    for fd in [6, 5, 4, 3] {
        returns("close", syscall(libc::SYS_close, &[fd]), 0);
    }
}

/// Resource limits, the kernel's names, and a few process attributes.
fn limits_and_identity() {
    let core = c_long::from(libc::RLIMIT_CORE);
    let small = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 4096,
    };
    returns(
        "setrlimit",
        syscall(libc::SYS_setrlimit, &[core, arg(&raw const small)]),
        0,
    );
    let mut current = libc::rlimit {
        rlim_cur: 1,
        rlim_max: 1,
    };
    returns(
        "getrlimit",
        syscall(libc::SYS_getrlimit, &[core, out(&mut current)]),
        0,
    );
    let smaller = libc::rlimit {
        rlim_cur: 1000,
        rlim_max: 2048,
    };
    returns(
        "prlimit64 set and get",
        syscall(
            libc::SYS_prlimit64,
            &[0, core, arg(&raw const smaller), out(&mut current)],
        ),
        0,
    );
    let unlimited = libc::rlimit {
        rlim_cur: libc::RLIM_INFINITY,
        rlim_max: libc::RLIM_INFINITY,
    };
    let address_space = c_long::from(libc::RLIMIT_AS);
    returns(
        "prlimit64 set",
        syscall(
            libc::SYS_prlimit64,
            &[0, address_space, arg(&raw const unlimited), 0],
        ),
        0,
    );
    returns(
        "getrlimit unlimited",
        syscall(libc::SYS_getrlimit, &[address_space, out(&mut current)]),
        0,
    );

    // SAFETY: an all-zero utsname is a valid value to overwrite.
    let mut names: libc::utsname = unsafe { zeroed() };
    returns("uname", syscall(libc::SYS_uname, &[out(&mut names)]), 0);

    returns(
        "prctl PR_SET_NAME",
        syscall(
            libc::SYS_prctl,
            &[libc::PR_SET_NAME.into(), path(c"rtrace-structs")],
        ),
        0,
    );
    let mut name = [0u8; 16];
    returns(
        "prctl PR_GET_NAME",
        syscall(libc::SYS_prctl, &[libc::PR_GET_NAME.into(), out(&mut name)]),
        0,
    );
    returns(
        "prctl PR_GET_DUMPABLE",
        syscall(libc::SYS_prctl, &[libc::PR_GET_DUMPABLE.into()]),
        1,
    );
    returns(
        "prctl PR_SET_PDEATHSIG",
        syscall(
            libc::SYS_prctl,
            &[libc::PR_SET_PDEATHSIG.into(), libc::SIGKILL.into()],
        ),
        0,
    );
    let mut death_signal: c_int = 0;
    returns(
        "prctl PR_GET_PDEATHSIG",
        syscall(
            libc::SYS_prctl,
            &[libc::PR_GET_PDEATHSIG.into(), out(&mut death_signal)],
        ),
        0,
    );
}

/// `struct itimerspec` as the kernel reads and writes it.
fn itimerspec(interval: (i64, i64), value: (i64, i64)) -> libc::itimerspec {
    libc::itimerspec {
        it_interval: libc::timespec {
            tv_sec: interval.0,
            tv_nsec: interval.1,
        },
        it_value: libc::timespec {
            tv_sec: value.0,
            tv_nsec: value.1,
        },
    }
}

/// A timerfd and a POSIX timer, each armed for 100 s (never reached) and read back.
fn timers() {
    let armed = itimerspec((1, 500_000_000), (100, 0));
    let mut previous = itimerspec((9, 9), (9, 9));
    returns(
        "timerfd_create",
        syscall(
            libc::SYS_timerfd_create,
            &[
                libc::CLOCK_MONOTONIC.into(),
                (libc::TFD_CLOEXEC | libc::TFD_NONBLOCK).into(),
            ],
        ),
        3,
    );
    returns(
        "timerfd_settime",
        syscall(
            libc::SYS_timerfd_settime,
            &[3, 0, arg(&raw const armed), out(&mut previous)],
        ),
        0,
    );
    returns(
        "timerfd_gettime",
        syscall(libc::SYS_timerfd_gettime, &[3, out(&mut previous)]),
        0,
    );
    let disarmed = itimerspec((0, 0), (0, 0));
    returns(
        "timerfd_settime disarm",
        syscall(
            libc::SYS_timerfd_settime,
            &[
                3,
                libc::TFD_TIMER_ABSTIME.into(),
                arg(&raw const disarmed),
                0,
            ],
        ),
        0,
    );
    returns("close timerfd", syscall(libc::SYS_close, &[3]), 0);

    // SAFETY: an all-zero sigevent is a valid value; the notification is set below.
    let mut event: libc::sigevent = unsafe { zeroed() };
    event.sigev_notify = libc::SIGEV_NONE;
    let mut timer: c_int = -1;
    returns(
        "timer_create",
        syscall(
            libc::SYS_timer_create,
            &[
                libc::CLOCK_MONOTONIC.into(),
                arg(&raw const event),
                out(&mut timer),
            ],
        ),
        0,
    );
    returns(
        "timer_settime",
        syscall(
            libc::SYS_timer_settime,
            &[timer.into(), 0, arg(&raw const armed), 0],
        ),
        0,
    );
    returns(
        "timer_gettime",
        syscall(libc::SYS_timer_gettime, &[timer.into(), out(&mut previous)]),
        0,
    );
    returns(
        "timer_delete",
        syscall(libc::SYS_timer_delete, &[timer.into()]),
        0,
    );
}

/// Makes a clone-family call without a new stack, so that the child goes on like after
/// `fork`; the child ends at once with `exit_group(status)`. Returns the child's pid.
fn spawn_raw(step: &str, nr: c_long, args: &[c_long], status: c_int) -> c_long {
    match syscall(nr, args) {
        Ok(0) => exit_group(status),
        outcome => succeeds(step, outcome),
    }
}

/// Signals taken synchronously, with the siginfo each carries; children made by `clone`
/// and `clone3` and waited for; last, a signal delivered to a handler.
#[allow(clippy::too_many_lines)] // one script, read top to bottom like its trace
fn children_and_siginfo() {
    // SAFETY: all-zero sigset_t values are empty sets, filled in below.
    let (mut blocked, mut usr1, mut usr2, mut chld, mut io): (
        libc::sigset_t,
        libc::sigset_t,
        libc::sigset_t,
        libc::sigset_t,
        libc::sigset_t,
    ) = unsafe { (zeroed(), zeroed(), zeroed(), zeroed(), zeroed()) };
    // SAFETY: the sets are valid sigset_t values.
    unsafe {
        for signal in [libc::SIGUSR1, libc::SIGUSR2, libc::SIGCHLD, libc::SIGIO] {
            libc::sigaddset(&raw mut blocked, signal);
        }
        libc::sigaddset(&raw mut usr1, libc::SIGUSR1);
        libc::sigaddset(&raw mut usr2, libc::SIGUSR2);
        libc::sigaddset(&raw mut chld, libc::SIGCHLD);
        libc::sigaddset(&raw mut io, libc::SIGIO);
    }
    returns(
        "rt_sigprocmask block",
        syscall(
            libc::SYS_rt_sigprocmask,
            &[libc::SIG_BLOCK.into(), arg(&raw const blocked), 0, 8],
        ),
        0,
    );
    let patience = libc::timespec {
        tv_sec: 5,
        tv_nsec: 0,
    };
    // SAFETY: an all-zero siginfo_t is a valid value to overwrite.
    let mut info: libc::siginfo_t = unsafe { zeroed() };

    let pid = succeeds("getpid", syscall(libc::SYS_getpid, &[]));
    returns(
        "tgkill SIGUSR1",
        syscall(libc::SYS_tgkill, &[pid, pid, libc::SIGUSR1.into()]),
        0,
    );
    returns(
        "rt_sigtimedwait SIGUSR1",
        syscall(
            libc::SYS_rt_sigtimedwait,
            &[
                arg(&raw const usr1),
                out(&mut info),
                arg(&raw const patience),
                8,
            ],
        ),
        libc::SIGUSR1.into(),
    );
    returns(
        "kill SIGUSR1",
        syscall(libc::SYS_kill, &[pid, libc::SIGUSR1.into()]),
        0,
    );
    returns(
        "rt_sigtimedwait sent SIGUSR1",
        syscall(
            libc::SYS_rt_sigtimedwait,
            &[
                arg(&raw const usr1),
                out(&mut info),
                arg(&raw const patience),
                8,
            ],
        ),
        libc::SIGUSR1.into(),
    );
    // SAFETY: an all-zero siginfo_t is a valid value; the fields rt_sigqueueinfo reads
    // (signal number, code, value) are set below.
    let mut queued: libc::siginfo_t = unsafe { zeroed() };
    queued.si_signo = libc::SIGUSR1;
    queued.si_code = libc::SI_QUEUE;
    // SAFETY: `siginfo_t` is 128 bytes; si_pid, si_uid and si_value sit at 16, 20 and 24.
    unsafe {
        let fields = (&raw mut queued).cast::<u8>();
        fields
            .add(16)
            .cast::<i32>()
            .write_unaligned(i32::try_from(pid).expect("pids fit an int"));
        fields.add(24).cast::<u64>().write_unaligned(7);
    }
    returns(
        "rt_sigqueueinfo",
        syscall(
            libc::SYS_rt_sigqueueinfo,
            &[pid, libc::SIGUSR1.into(), arg(&raw const queued)],
        ),
        0,
    );
    returns(
        "rt_sigtimedwait queued SIGUSR1",
        syscall(
            libc::SYS_rt_sigtimedwait,
            &[
                arg(&raw const usr1),
                out(&mut info),
                arg(&raw const patience),
                8,
            ],
        ),
        libc::SIGUSR1.into(),
    );
    // A SIGIO such as the kernel sends for a hung-up descriptor, queued by hand (a process
    // may queue any code to itself).
    // SAFETY: an all-zero siginfo_t is a valid value; signal and code are set below.
    let mut hangup: libc::siginfo_t = unsafe { zeroed() };
    hangup.si_signo = libc::SIGIO;
    hangup.si_code = 6; // POLL_HUP
    // SAFETY: `siginfo_t` is 128 bytes; si_band and si_fd sit at 16 and 24.
    unsafe {
        let fields = (&raw mut hangup).cast::<u8>();
        fields.add(16).cast::<i64>().write_unaligned(0x10);
        fields.add(24).cast::<i32>().write_unaligned(2);
    }
    returns(
        "rt_sigqueueinfo SIGIO",
        syscall(
            libc::SYS_rt_sigqueueinfo,
            &[pid, libc::SIGIO.into(), arg(&raw const hangup)],
        ),
        0,
    );
    returns(
        "rt_sigtimedwait SIGIO",
        syscall(
            libc::SYS_rt_sigtimedwait,
            &[
                arg(&raw const io),
                out(&mut info),
                arg(&raw const patience),
                8,
            ],
        ),
        libc::SIGIO.into(),
    );

    // A POSIX timer that signals SIGUSR2 with a value, expiring at once.
    // SAFETY: an all-zero sigevent is a valid value; set below.
    let mut event: libc::sigevent = unsafe { zeroed() };
    event.sigev_notify = libc::SIGEV_SIGNAL;
    event.sigev_signo = libc::SIGUSR2;
    event.sigev_value = libc::sigval {
        sival_ptr: std::ptr::without_provenance_mut(42),
    };
    let mut timer: c_int = -1;
    returns(
        "timer_create signal",
        syscall(
            libc::SYS_timer_create,
            &[
                libc::CLOCK_MONOTONIC.into(),
                arg(&raw const event),
                out(&mut timer),
            ],
        ),
        0,
    );
    let at_once = itimerspec((0, 0), (0, 1));
    returns(
        "timer_settime at once",
        syscall(
            libc::SYS_timer_settime,
            &[timer.into(), 0, arg(&raw const at_once), 0],
        ),
        0,
    );
    returns(
        "rt_sigtimedwait SIGUSR2",
        syscall(
            libc::SYS_rt_sigtimedwait,
            &[
                arg(&raw const usr2),
                out(&mut info),
                arg(&raw const patience),
                8,
            ],
        ),
        libc::SIGUSR2.into(),
    );
    returns(
        "timer_getoverrun",
        syscall(libc::SYS_timer_getoverrun, &[timer.into()]),
        0,
    );
    returns(
        "timer_delete signal",
        syscall(libc::SYS_timer_delete, &[timer.into()]),
        0,
    );

    let first = spawn_raw(
        "clone",
        libc::SYS_clone,
        &[libc::SIGCHLD.into(), 0, 0, 0, 0],
        0,
    );
    returns(
        "rt_sigtimedwait SIGCHLD",
        syscall(
            libc::SYS_rt_sigtimedwait,
            &[
                arg(&raw const chld),
                out(&mut info),
                arg(&raw const patience),
                8,
            ],
        ),
        libc::SIGCHLD.into(),
    );
    returns(
        "waitid",
        syscall(
            libc::SYS_waitid,
            &[
                libc::P_PID.into(),
                first,
                out(&mut info),
                libc::WEXITED.into(),
                0,
            ],
        ),
        0,
    );

    // SAFETY: an all-zero clone_args asks for a plain copy of the process; set below.
    let mut clone_args: libc::clone_args = unsafe { zeroed() };
    clone_args.exit_signal = libc::SIGCHLD.cast_unsigned().into();
    let second = spawn_raw(
        "clone3",
        libc::SYS_clone3,
        &[
            arg(&raw const clone_args),
            length(size_of::<libc::clone_args>()),
        ],
        3,
    );
    let mut status: c_int = 0;
    returns(
        "wait4",
        syscall(libc::SYS_wait4, &[second, out(&mut status), 0, 0]),
        second,
    );
    if status != 3 << 8 {
        fail("wait4", Ok(status.into()), "exit status 3");
    }
    returns(
        "rt_sigtimedwait second SIGCHLD",
        syscall(
            libc::SYS_rt_sigtimedwait,
            &[
                arg(&raw const chld),
                out(&mut info),
                arg(&raw const patience),
                8,
            ],
        ),
        libc::SIGCHLD.into(),
    );

    // A third child whose pidfd the kernel writes, waited for through that pidfd. It is
    // made by `clone`, where the pidfd goes to `parent_tid`: `clone3` writes it through the
    // `pidfd` pointer inside `struct clone_args`, where strace shows it
    // (`... stack_size=0} => {pidfd=[3]}, 88)`) and rtrace cannot: the kernel program
    // captures memory at a system call's arguments, never at a pointer read from that memory.
    let mut pidfd: c_int = -1;
    spawn_raw(
        "clone pidfd",
        libc::SYS_clone,
        &[
            (libc::CLONE_PIDFD | libc::SIGCHLD).into(),
            0,
            out(&mut pidfd),
            0,
            0,
        ],
        0,
    );
    if pidfd != 3 {
        fail("clone pidfd", Ok(pidfd.into()), "pidfd 3");
    }
    returns(
        "waitid pidfd",
        syscall(
            libc::SYS_waitid,
            &[
                libc::P_PIDFD.into(),
                3,
                out(&mut info),
                libc::WEXITED.into(),
                0,
            ],
        ),
        0,
    );
    returns(
        "rt_sigtimedwait third SIGCHLD",
        syscall(
            libc::SYS_rt_sigtimedwait,
            &[
                arg(&raw const chld),
                out(&mut info),
                arg(&raw const patience),
                8,
            ],
        ),
        libc::SIGCHLD.into(),
    );
    returns("close pidfd", syscall(libc::SYS_close, &[3]), 0);

    // A fourth child, ended by the SIGTERM it sends itself.
    let fourth = match syscall(libc::SYS_clone, &[libc::SIGCHLD.into(), 0, 0, 0, 0]) {
        Ok(0) => {
            if let Ok(me) = syscall(libc::SYS_getpid, &[]) {
                let _ = syscall(libc::SYS_kill, &[me, libc::SIGTERM.into()]);
            }
            exit_group(1)
        }
        outcome => succeeds("clone to be killed", outcome),
    };
    let mut status: c_int = 0;
    returns(
        "wait4 killed",
        syscall(libc::SYS_wait4, &[fourth, out(&mut status), 0, 0]),
        fourth,
    );
    if status != libc::SIGTERM {
        fail("wait4 killed", Ok(status.into()), "death by SIGTERM");
    }
    returns(
        "rt_sigtimedwait fourth SIGCHLD",
        syscall(
            libc::SYS_rt_sigtimedwait,
            &[
                arg(&raw const chld),
                out(&mut info),
                arg(&raw const patience),
                8,
            ],
        ),
        libc::SIGCHLD.into(),
    );
    returns(
        "rt_sigprocmask unblock",
        syscall(
            libc::SYS_rt_sigprocmask,
            &[libc::SIG_UNBLOCK.into(), arg(&raw const blocked), 0, 8],
        ),
        0,
    );

    // A signal delivered to a handler: its siginfo shows on the `--- SIGUSR2 ...` line.
    // glibc's sigaction is the one call here not made raw: on x86_64 a handler returns
    // through the restorer it installs (`rt_sigreturn`).
    // SAFETY: an all-zero sigaction is SIG_DFL with an empty mask; the handler is set below.
    let mut action: libc::sigaction = unsafe { zeroed() };
    action.sa_sigaction = on_usr2 as *const () as usize;
    // SAFETY: `action` is a valid sigaction and the handler only returns.
    let installed =
        unsafe { libc::sigaction(libc::SIGUSR2, &raw const action, std::ptr::null_mut()) };
    if installed != 0 {
        fail("sigaction SIGUSR2", Ok(installed.into()), "Ok(0)");
    }
    returns(
        "tgkill SIGUSR2",
        syscall(libc::SYS_tgkill, &[pid, pid, libc::SIGUSR2.into()]),
        0,
    );
}

/// A pseudo-terminal master as `posix_openpt` opens it, and the ioctls strace names.
fn terminal_ioctls() {
    let request = |value: libc::Ioctl| c_long::try_from(value).expect("ioctl requests fit");
    returns(
        "open /dev/ptmx",
        syscall(
            libc::SYS_openat,
            &[
                libc::AT_FDCWD.into(),
                path(c"/dev/ptmx"),
                (libc::O_RDWR | libc::O_NOCTTY).into(),
            ],
        ),
        3,
    );
    // The kernel's struct termios (19 control characters, no speeds), not glibc's.
    let mut settings = [0u8; 64];
    returns(
        "ioctl TCGETS",
        syscall(
            libc::SYS_ioctl,
            &[3, request(libc::TCGETS), out(&mut settings)],
        ),
        0,
    );
    returns(
        "ioctl TCSETS",
        syscall(
            libc::SYS_ioctl,
            &[3, request(libc::TCSETS), arg(settings.as_ptr())],
        ),
        0,
    );
    let unlock: c_int = 0;
    returns(
        "ioctl TIOCSPTLCK",
        syscall(
            libc::SYS_ioctl,
            &[3, request(libc::TIOCSPTLCK), arg(&raw const unlock)],
        ),
        0,
    );
    let mut discipline: c_int = -1;
    returns(
        "ioctl TIOCGETD",
        syscall(
            libc::SYS_ioctl,
            &[3, request(libc::TIOCGETD), out(&mut discipline)],
        ),
        0,
    );
    let size = libc::winsize {
        ws_row: 24,
        ws_col: 80,
        ws_xpixel: 0,
        ws_ypixel: 0,
    };
    returns(
        "ioctl TIOCSWINSZ",
        syscall(
            libc::SYS_ioctl,
            &[3, request(libc::TIOCSWINSZ), arg(&raw const size)],
        ),
        0,
    );
    let mut read_back = libc::winsize {
        ws_row: 0,
        ws_col: 0,
        ws_xpixel: 0,
        ws_ypixel: 0,
    };
    returns(
        "ioctl TIOCGWINSZ",
        syscall(
            libc::SYS_ioctl,
            &[3, request(libc::TIOCGWINSZ), out(&mut read_back)],
        ),
        0,
    );
    let on: c_int = 1;
    returns(
        "ioctl FIONBIO",
        syscall(
            libc::SYS_ioctl,
            &[3, request(libc::FIONBIO), arg(&raw const on)],
        ),
        0,
    );
    returns("close ptmx", syscall(libc::SYS_close, &[3]), 0);
}

/// eventfd, signalfd and inotify descriptors, and random bytes.
fn special_descriptors() {
    returns(
        "eventfd2",
        syscall(
            libc::SYS_eventfd2,
            &[5, (libc::EFD_CLOEXEC | libc::EFD_NONBLOCK).into()],
        ),
        3,
    );
    let mut counter: u64 = 0;
    returns(
        "read eventfd",
        syscall(libc::SYS_read, &[3, out(&mut counter), 8]),
        8,
    );
    // SAFETY: an all-zero sigset_t is the empty set, filled in below.
    let mut usr2: libc::sigset_t = unsafe { zeroed() };
    // SAFETY: `usr2` is a valid sigset_t.
    unsafe { libc::sigaddset(&raw mut usr2, libc::SIGUSR2) };
    returns(
        "signalfd4",
        syscall(
            libc::SYS_signalfd4,
            &[
                -1,
                arg(&raw const usr2),
                8,
                (libc::SFD_CLOEXEC | libc::SFD_NONBLOCK).into(),
            ],
        ),
        4,
    );
    returns(
        "inotify_init1",
        syscall(
            libc::SYS_inotify_init1,
            &[(libc::IN_CLOEXEC | libc::IN_NONBLOCK).into()],
        ),
        5,
    );
    returns(
        "inotify_add_watch",
        syscall(
            libc::SYS_inotify_add_watch,
            &[5, path(c"."), (libc::IN_CREATE | libc::IN_DELETE).into()],
        ),
        1,
    );
    returns(
        "inotify_rm_watch",
        syscall(libc::SYS_inotify_rm_watch, &[5, 1]),
        0,
    );
    for fd in [5, 4, 3] {
        returns("close", syscall(libc::SYS_close, &[fd]), 0);
    }
    let mut random = [0u8; 16];
    returns(
        "getrandom",
        syscall(
            libc::SYS_getrandom,
            &[
                out(&mut random),
                length(random.len()),
                libc::GRND_NONBLOCK.into(),
            ],
        ),
        16,
    );
}

fn loop3() {
    for _ in 0..3 {
        succeeds("getpid", syscall(libc::SYS_getpid, &[]));
    }
    let line = b"rtrace-helper loop3\n";
    returns(
        "write /dev/null",
        syscall(
            libc::SYS_write,
            &[3, arg(line.as_ptr()), length(line.len())],
        ),
        length(line.len()),
    );
}

/// Workers the fork-tree master forks.
const WORKERS: usize = 8;

/// Forks; the child runs `body` then exits 0. Returns the child's pid.
fn fork_child(step: &str, body: impl FnOnce()) -> libc::pid_t {
    // SAFETY: the helper is single-threaded when it forks (threads are joined first),
    // and the child only makes raw syscalls before it exits.
    let pid = unsafe { libc::fork() };
    match pid {
        -1 => fail(
            step,
            Err(std::io::Error::last_os_error().raw_os_error().unwrap_or(0)),
            "a pid",
        ),
        0 => {
            body();
            exit_group(0)
        }
        pid => pid,
    }
}

fn wait_child(step: &str, pid: libc::pid_t) {
    let mut status: c_int = 0;
    returns(
        step,
        syscall(libc::SYS_wait4, &[pid.into(), out(&mut status), 0, 0]),
        pid.into(),
    );
    if status != 0 {
        fail(step, Ok(status.into()), "a clean exit");
    }
}

fn fork_tree() {
    let workers: Vec<libc::pid_t> = (0..WORKERS)
        .map(|_| {
            fork_child("fork worker", || {
                succeeds("worker getppid", syscall(libc::SYS_getppid, &[]));
                let thread = std::thread::spawn(|| {
                    succeeds("thread gettid", syscall(libc::SYS_gettid, &[]));
                });
                thread.join().expect("joining the worker's thread");
                let child = fork_child("fork grandchild", || {
                    succeeds("grandchild getppid", syscall(libc::SYS_getppid, &[]));
                });
                wait_child("wait grandchild", child);
            })
        })
        .collect();
    for pid in workers {
        wait_child("wait worker", pid);
    }
}

/// How long each blocking call of the `blocker` scenario blocks.
const BLOCK_MS: c_long = 2000;

fn blocker() {
    // epoll_wait on an empty set: returns 0 after the timeout.
    let epfd = succeeds("epoll_create1", syscall(libc::SYS_epoll_create1, &[0]));
    // SAFETY: zeroed epoll_event array.
    let mut events: [libc::epoll_event; 8] = unsafe { zeroed() };
    returns(
        "epoll_wait",
        syscall(libc::SYS_epoll_wait, &[epfd, out(&mut events), 8, BLOCK_MS]),
        0,
    );
    // futex wait on a word that never changes: ETIMEDOUT after the timeout.
    let word: u32 = 0;
    let timeout = libc::timespec {
        tv_sec: BLOCK_MS / 1000,
        tv_nsec: 0,
    };
    fails_with(
        "futex wait",
        syscall(
            libc::SYS_futex,
            &[
                arg(&raw const word),
                (libc::FUTEX_WAIT | libc::FUTEX_PRIVATE_FLAG).into(),
                0,
                arg(&raw const timeout),
            ],
        ),
        libc::ETIMEDOUT,
    );
    // accept with a receive timeout and no client: EAGAIN after the timeout.
    let fd = succeeds(
        "socket",
        syscall(
            libc::SYS_socket,
            &[libc::AF_INET.into(), libc::SOCK_STREAM.into(), 0],
        ),
    );
    let tv = libc::timeval {
        tv_sec: BLOCK_MS / 1000,
        tv_usec: 0,
    };
    returns(
        "SO_RCVTIMEO",
        syscall(
            libc::SYS_setsockopt,
            &[
                fd,
                libc::SOL_SOCKET.into(),
                libc::SO_RCVTIMEO.into(),
                arg(&raw const tv),
                length(size_of::<libc::timeval>()),
            ],
        ),
        0,
    );
    let address = loopback(0);
    returns(
        "bind",
        syscall(
            libc::SYS_bind,
            &[
                fd,
                arg(&raw const address),
                length(size_of::<libc::sockaddr_in>()),
            ],
        ),
        0,
    );
    returns("listen", syscall(libc::SYS_listen, &[fd, 1]), 0);
    fails_with(
        "accept",
        syscall(libc::SYS_accept, &[fd, 0, 0]),
        libc::EAGAIN,
    );
}
