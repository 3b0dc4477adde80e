//! Forks, and the child execs `/bin/true` at once, its path and arguments literals in
//! this binary's read-only data: pages a child after `fork` has mapped only once it
//! touches them, which the exec's enter (in the kernel, unable to fault them in) cannot
//! read.

fn main() {
    // SAFETY: single-threaded; the child only execs or exits.
    let child = unsafe { libc::fork() };
    if child == 0 {
        let argv = [c"true".as_ptr(), c"a-literal".as_ptr(), std::ptr::null()];
        // SAFETY: NUL-terminated strings and a NULL-terminated array.
        unsafe {
            libc::execv(c"/bin/true".as_ptr(), argv.as_ptr());
            libc::_exit(127);
        }
    }
    assert!(child > 0, "fork failed");
    let mut status = 0;
    // SAFETY: our own child; status is a valid int.
    unsafe { libc::waitpid(child, &raw mut status, 0) };
    std::process::exit(i32::from(
        !(libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0),
    ));
}
