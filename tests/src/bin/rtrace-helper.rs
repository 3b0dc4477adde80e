//! A traced process whose system calls are known in advance, so that the end-to-end tests
//! can trace it once with strace and once with rtrace and compare the two outputs line by line.
//!
//! Usage: `rtrace-helper SCENARIO`, with SCENARIO one of `basic`, `net` or `loop3`.
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

/// Environment variable naming the directory the `basic` scenario works in.
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
        Some("loop3") => Scenario::Loop3,
        Some("forktree") => Scenario::ForkTree,
        Some("blocker") => Scenario::Blocker,
        _ => {
            eprintln!("usage: rtrace-helper basic|net|loop3|forktree|blocker");
            std::process::exit(2);
        }
    };
    if let Scenario::Basic = scenario {
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
