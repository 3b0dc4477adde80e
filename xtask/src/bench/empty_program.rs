//! The honest baseline for "what does any eBPF tracer cost a process it does not
//! trace": an empty program (`r0 = 0; exit`) on the same raw tracepoints rtrace uses
//! (`sys_enter`, `sys_exit`), loaded with two `bpf()` calls. Whatever rtrace adds over
//! it is its own filter's cost; the program's invocation is the kernel's.

use std::{
    ffi::CStr,
    io,
    os::fd::{AsRawFd, FromRawFd, OwnedFd},
};

use anyhow::{Context, Result};

const BPF_PROG_LOAD: libc::c_long = 5;
const BPF_RAW_TRACEPOINT_OPEN: libc::c_long = 17;
const BPF_PROG_TYPE_RAW_TRACEPOINT: u32 = 17;

/// `mov64 r0, 0` then `exit`, one 8-byte instruction each (opcode in the low byte).
const EMPTY_PROGRAM: [u64; 2] = [0xb7, 0x95];

/// The raw tracepoints rtrace's syscall programs attach to.
pub const SYSCALL_TRACEPOINTS: [&CStr; 2] = [c"sys_enter", c"sys_exit"];

/// The empty program, attached while this lives (the kernel detaches it on drop).
pub struct EmptyProgram {
    _links: Vec<OwnedFd>,
    _program: OwnedFd,
}

/// A `union bpf_attr`, zero past the fields we set (the kernel wants that).
struct Attr([u8; 128]);

impl Attr {
    fn new() -> Self {
        Self([0; 128])
    }

    fn put_u32(&mut self, offset: usize, value: u32) -> &mut Self {
        self.0[offset..offset + 4].copy_from_slice(&value.to_ne_bytes());
        self
    }

    fn put_ptr<T>(&mut self, offset: usize, ptr: *const T) -> &mut Self {
        self.0[offset..offset + 8].copy_from_slice(&(ptr as u64).to_ne_bytes());
        self
    }

    fn put_bytes(&mut self, offset: usize, bytes: &[u8]) -> &mut Self {
        self.0[offset..offset + bytes.len()].copy_from_slice(bytes);
        self
    }

    /// Runs `bpf(cmd, self)`; the commands used here return a new descriptor.
    fn call(&mut self, cmd: libc::c_long) -> io::Result<OwnedFd> {
        // SAFETY: the attr buffer is valid for its whole length; every pointer stored in
        // it points at data that outlives the call.
        let fd = unsafe { libc::syscall(libc::SYS_bpf, cmd, self.0.as_mut_ptr(), self.0.len()) };
        if fd < 0 {
            return Err(io::Error::last_os_error());
        }
        let fd = i32::try_from(fd).map_err(|_| io::Error::other("fd out of range"))?;
        // SAFETY: the kernel just returned this descriptor; we own it from here.
        Ok(unsafe { OwnedFd::from_raw_fd(fd) })
    }
}

impl EmptyProgram {
    /// Loads the empty program and attaches it to each raw tracepoint in `tracepoints`.
    pub fn attach(tracepoints: &[&CStr]) -> Result<Self> {
        let license = c"GPL";
        let count = u32::try_from(EMPTY_PROGRAM.len()).expect("two instructions");
        let program = Attr::new()
            .put_u32(0, BPF_PROG_TYPE_RAW_TRACEPOINT)
            .put_u32(4, count)
            .put_ptr(8, EMPTY_PROGRAM.as_ptr())
            .put_ptr(16, license.as_ptr())
            .put_bytes(48, b"bench_empty")
            .call(BPF_PROG_LOAD)
            .context("loading the empty eBPF program")?;
        let links = tracepoints
            .iter()
            .map(|name| {
                let fd = u32::try_from(program.as_raw_fd()).expect("descriptors are positive");
                Attr::new()
                    .put_ptr(0, name.as_ptr())
                    .put_u32(8, fd)
                    .call(BPF_RAW_TRACEPOINT_OPEN)
                    .with_context(|| {
                        format!("attaching the empty program to {}", name.to_string_lossy())
                    })
            })
            .collect::<Result<_>>()?;
        Ok(Self {
            _links: links,
            _program: program,
        })
    }
}
