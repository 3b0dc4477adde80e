//! rtrace's kernel programs. They filter by traced tgid first, keep per-thread in-flight
//! state between `sys_enter` and `sys_exit`, capture the argument memory the capture
//! spec asks for, and push one fixed-size record per syscall into the ring buffer.
#![no_std]
#![no_main]

mod capture;
mod clock;
mod lifecycle;
mod maps;
mod regs;
mod sockets;
mod syscalls;
mod task;

#[cfg(not(test))]
#[panic_handler]
fn panic(_info: &core::panic::PanicInfo) -> ! {
    // SAFETY: the verifier rejects programs that could reach this; it is never run.
    unsafe { core::hint::unreachable_unchecked() }
}

/// `bpf_probe_read_user*` need a GPL-compatible program.
#[unsafe(link_section = "license")]
#[unsafe(no_mangle)]
static LICENSE: [u8; 4] = *b"GPL\0";
