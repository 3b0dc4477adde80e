//! A syscall load at a chosen rate, to find the event rate rtrace sustains: a forked
//! process that, once released, makes one-byte read/write pairs (the floor loop's
//! syscalls) paced against the monotonic clock, in 1 ms slices, or flat out, then exits.

use std::{
    io,
    os::fd::{AsRawFd, FromRawFd, OwnedFd},
};

use anyhow::{Context, Result, bail};

use super::process;

/// How long the load sleeps when it is ahead of its schedule.
const SLICE: libc::timespec = libc::timespec {
    tv_sec: 0,
    tv_nsec: 1_000_000,
};

/// A forked load process, waiting to be released.
pub struct Load {
    pid: u32,
    start_line: OwnedFd,
}

impl Load {
    /// Forks a process that will make `syscalls` syscalls at `per_second` (as fast as
    /// it can when `None`).
    pub fn spawn(per_second: Option<u64>, syscalls: u64) -> Result<Self> {
        let mut fds = [0; 2];
        // SAFETY: fds has room for the two descriptors pipe2 writes.
        if unsafe { libc::pipe2(fds.as_mut_ptr(), libc::O_CLOEXEC) } != 0 {
            return Err(io::Error::last_os_error()).context("pipe2");
        }
        // SAFETY: the child calls only async-signal-safe libc functions (no allocation,
        // no locks) and ends in _exit, so forking a possibly threaded process is sound.
        let pid = unsafe { libc::fork() };
        match pid {
            -1 => Err(io::Error::last_os_error()).context("fork"),
            0 => {
                // SAFETY: the write end is ours to close in the child.
                unsafe { libc::close(fds[1]) };
                generate(fds[0], per_second, syscalls)
            }
            pid => {
                // SAFETY: the read end is ours; the child has its own copy.
                unsafe { libc::close(fds[0]) };
                // SAFETY: pipe2 returned this descriptor; nothing else owns it.
                let start_line = unsafe { OwnedFd::from_raw_fd(fds[1]) };
                Ok(Self {
                    pid: u32::try_from(pid).context("pid")?,
                    start_line,
                })
            }
        }
    }

    pub fn pid(&self) -> u32 {
        self.pid
    }

    /// Lets the load start.
    pub fn release(&self) -> Result<()> {
        // SAFETY: writes one byte from a valid buffer to a descriptor we own.
        if unsafe { libc::write(self.start_line.as_raw_fd(), b"g".as_ptr().cast(), 1) } != 1 {
            return Err(io::Error::last_os_error()).context("releasing the load");
        }
        Ok(())
    }

    /// Waits for the load to finish.
    pub fn wait(self) -> Result<()> {
        let usage = process::reap_pid(self.pid)?;
        if !usage.success {
            bail!("the load process failed");
        }
        Ok(())
    }
}

fn now_ns() -> u128 {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: ts is valid for writes.
    unsafe { libc::clock_gettime(libc::CLOCK_MONOTONIC, &raw mut ts) };
    u128::try_from(ts.tv_sec).unwrap_or(0) * 1_000_000_000 + u128::try_from(ts.tv_nsec).unwrap_or(0)
}

/// The forked child: waits for its start line, makes the syscalls on schedule, exits.
fn generate(start_line: i32, per_second: Option<u64>, syscalls: u64) -> ! {
    // SAFETY: static NUL-terminated paths; a one-byte buffer on the stack; _exit ends
    // the process without running anything of the parent's.
    unsafe {
        let zero = libc::open(c"/dev/zero".as_ptr(), libc::O_RDONLY);
        let null = libc::open(c"/dev/null".as_ptr(), libc::O_WRONLY);
        let mut byte = 0u8;
        if zero < 0 || null < 0 || libc::read(start_line, (&raw mut byte).cast(), 1) != 1 {
            libc::_exit(1);
        }
        let start = now_ns();
        let mut done = 0u64;
        while done < syscalls {
            let due = per_second.map_or(u128::MAX, |rate| {
                (now_ns() - start) * u128::from(rate) / 1_000_000_000
            });
            if u128::from(done) < due {
                libc::read(zero, (&raw mut byte).cast(), 1);
                libc::write(null, (&raw const byte).cast(), 1);
                done += 2;
            } else {
                libc::nanosleep(&SLICE, std::ptr::null_mut());
            }
        }
        libc::_exit(0)
    }
}
