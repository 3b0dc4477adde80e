//! `rtrace [options] -- CMD ARGS...`: starts a command traced from its first syscall.
//!
//! The child is forked before anything else and waits on a pipe; its pid joins the
//! traced set, the programs attach, and only then does the child exec. Its calls before
//! the exec (the wait itself) are rtrace's, not the command's, and are not printed.

use std::{
    ffi::{CString, OsStr, OsString},
    io,
    os::unix::ffi::OsStrExt,
    path::{Path, PathBuf},
};

use anyhow::{Context, Result, bail};

/// A forked child, held before its exec.
pub struct Launch {
    pid: u32,
    /// Writing a byte here lets the child exec.
    go: libc::c_int,
}

fn cstring(s: &OsStr) -> Result<CString> {
    CString::new(s.as_bytes())
        .with_context(|| format!("argument {} contains a NUL byte", s.display()))
}

/// Finds `program` as execvp would: as given if it has a slash, else on PATH.
fn resolve(program: &OsStr) -> Result<PathBuf> {
    let path = Path::new(program);
    if program.as_bytes().contains(&b'/') {
        return Ok(path.to_path_buf());
    }
    let search = std::env::var_os("PATH").unwrap_or_else(|| OsString::from("/usr/bin:/bin"));
    std::env::split_paths(&search)
        .map(|dir| dir.join(path))
        .find(|candidate| {
            std::fs::metadata(candidate).is_ok_and(|m| {
                use std::os::unix::fs::PermissionsExt as _;
                m.is_file() && m.permissions().mode() & 0o111 != 0
            })
        })
        .with_context(|| {
            format!(
                "Can't stat '{}': No such file or directory",
                program.to_string_lossy()
            )
        })
}

impl Launch {
    /// Forks the child; it waits until [`Launch::release`].
    ///
    /// # Errors
    /// When the command cannot be found or the fork fails.
    pub fn prepare(command: &[OsString]) -> Result<Self> {
        let Some(program) = command.first() else {
            bail!("no command to run")
        };
        let path = cstring(resolve(program)?.as_os_str())?;
        let argv: Vec<CString> = command.iter().map(|a| cstring(a)).collect::<Result<_>>()?;
        let mut argv_ptrs: Vec<*const libc::c_char> = argv.iter().map(|a| a.as_ptr()).collect();
        argv_ptrs.push(std::ptr::null());

        let mut fds = [0 as libc::c_int; 2];
        // SAFETY: pipe2 fills two descriptors.
        if unsafe { libc::pipe2(fds.as_mut_ptr(), libc::O_CLOEXEC) } != 0 {
            return Err(io::Error::last_os_error()).context("creating the launch pipe");
        }
        let [wait_fd, go_fd] = fds;
        // SAFETY: the child only calls async-signal-safe functions (read, close, execv,
        // write, _exit) on memory prepared before the fork.
        match unsafe { libc::fork() } {
            -1 => Err(io::Error::last_os_error()).context("fork"),
            0 => unsafe {
                libc::close(go_fd);
                let mut byte = 0u8;
                let n = libc::read(wait_fd, (&raw mut byte).cast(), 1);
                if n != 1 {
                    // rtrace went away before releasing us: do not run untraced.
                    libc::_exit(127);
                }
                libc::close(wait_fd);
                // The Rust runtime ignores SIGPIPE; the command gets the default back,
                // as it would from a shell.
                libc::signal(libc::SIGPIPE, libc::SIG_DFL);
                // Touch the path and arguments in this process: the kernel program
                // reads them at exec's entry and cannot fault in pages the fork left
                // unmapped.
                let mut touched = path.count_bytes();
                for arg in &argv_ptrs[..argv_ptrs.len() - 1] {
                    touched += libc::strlen(*arg);
                }
                std::hint::black_box(touched);
                libc::execv(path.as_ptr(), argv_ptrs.as_ptr());
                let msg = b"rtrace: exec failed\n";
                libc::write(2, msg.as_ptr().cast(), msg.len());
                libc::_exit(127)
            },
            pid => {
                // SAFETY: our end of the pipe that the child waits on.
                unsafe { libc::close(wait_fd) };
                Ok(Launch {
                    pid: pid.cast_unsigned(),
                    go: go_fd,
                })
            }
        }
    }

    /// The child's pid.
    #[must_use]
    pub fn pid(&self) -> u32 {
        self.pid
    }

    /// Lets the child exec (once it is traced).
    ///
    /// # Errors
    /// When the pipe write fails (the child died).
    pub fn release(&mut self) -> Result<()> {
        let byte = 1u8;
        // SAFETY: writing one byte from a local to our pipe end.
        let n = unsafe { libc::write(self.go, (&raw const byte).cast(), 1) };
        if n != 1 {
            return Err(io::Error::last_os_error()).context("releasing the command");
        }
        Ok(())
    }

    /// Reaps the child; returns its wait status.
    #[must_use]
    pub fn wait(&self) -> Option<i32> {
        let mut status = 0;
        // SAFETY: waiting for our own child.
        let rc = unsafe { libc::waitpid(self.pid.cast_signed(), &raw mut status, 0) };
        (rc > 0).then_some(status)
    }
}

impl Drop for Launch {
    fn drop(&mut self) {
        // SAFETY: closing our pipe end; a child still waiting then exits unrun.
        unsafe { libc::close(self.go) };
    }
}
