//! `-yy`: what a socket `accept` made, `connect` connected or `listen` made listen is,
//! kept by inode for the reader. A connection that closes before its lines are decoded
//! (a FastCGI request's, a few milliseconds) is gone from `sock_diag` by then; this is
//! how it was as the call returned.

use aya_ebpf::{
    cty::c_void,
    helpers::generated::bpf_probe_read_kernel,
    macros::map,
    maps::{LruHashMap, PerCpuArray},
};
use rtrace_common::{SocketInfo, SocketOffsets};

use crate::task::read_kernel;

/// Socket inode -> its description. LRU: the reader needs a connection's only while
/// its lines are decoded, a fraction of a second.
#[map]
pub static SOCKETS: LruHashMap<u32, SocketInfo> = LruHashMap::with_max_entries(4096, 0);

/// Per-CPU room to build a [`SocketInfo`] (the caller's frame is already deep).
#[map]
static SOCKET_SCRATCH: PerCpuArray<SocketInfo> = PerCpuArray::with_max_entries(1, 0);

/// Set by the loader from the kernel's BTF.
#[unsafe(no_mangle)]
// SAFETY: a struct of integers, for which zero is a value (nothing known).
static SOCKET_OFFSETS: SocketOffsets = unsafe { core::mem::zeroed() };

const AF_UNIX: u16 = 1;
const AF_INET: u16 = 2;
const AF_INET6: u16 = 10;
const IPPROTO_TCP: u16 = 6;
const IPPROTO_UDP: u16 = 17;
const IPPROTO_UDPLITE: u16 = 136;
/// An IPv6 address's size.
const IN6_ADDR: u32 = 16;
/// `sun_path`'s offset in `struct sockaddr_un`, and its size.
const SUN_PATH: u64 = 2;
const SUN_PATH_SIZE: u32 = 108;

/// Which sockets [`keep`] keeps.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Keep {
    None,
    /// Any it describes (`accept`).
    Any,
    /// Internet sockets only (`connect`: a UNIX client's peer has no inode until the
    /// server accepts it, so what connect leaves is not what the lines after show).
    Inet,
}

/// Keeps what the socket open as `file`, inode `ino`, is: its family and type, and for
/// `AF_UNIX` its peer's inode and bound path, for TCP and UDP over IPv4 or IPv6 its
/// addresses and ports.
#[inline(never)]
pub fn keep(file: u64, ino: u32, which: Keep) {
    // SAFETY: a global written once by the loader, read whole.
    let off = unsafe { core::ptr::read_volatile(&SOCKET_OFFSETS) };
    if off.file_private_data == 0 {
        return;
    }
    let socket = read_kernel(file, off.file_private_data);
    let sk = read_kernel(socket, off.socket_sk);
    if sk == 0 {
        return;
    }
    let Some(info) = SOCKET_SCRATCH.get_ptr_mut(0) else {
        return;
    };
    // SAFETY: per-CPU scratch, not shared while this program runs.
    let info = unsafe { &mut *info };
    let described = match read_kernel(sk, off.sock_family) as u16 {
        AF_UNIX if which == Keep::Any => unix(info, sk, &off),
        family @ (AF_INET | AF_INET6) => inet(info, family, sk, &off),
        _ => false,
    };
    if described {
        info.kind = read_kernel(socket, off.socket_type) as u16;
        let _ = SOCKETS.insert(&ino, info, 0);
    }
}

/// A UNIX socket's peer inode and bound path.
#[inline(always)]
fn unix(info: &mut SocketInfo, sk: u64, off: &SocketOffsets) -> bool {
    *info = SocketInfo {
        family: AF_UNIX,
        ..SocketInfo::EMPTY
    };
    let peer = read_kernel(sk, off.unix_peer);
    let peer_socket = read_kernel(peer, off.sock_socket);
    if peer_socket != 0 {
        let inode = peer_socket + u64::from(off.socket_inode);
        info.peer_inode = read_kernel(inode, off.inode_ino) as u32;
    }
    let addr = read_kernel(sk, off.unix_addr);
    if addr != 0 {
        let len = read_kernel(addr, off.unix_address_len) as u32;
        let path_len = len.saturating_sub(SUN_PATH as u32);
        let n = if path_len > SUN_PATH_SIZE {
            SUN_PATH_SIZE
        } else {
            path_len
        };
        let from = addr + u64::from(off.unix_address_name) + SUN_PATH;
        if read_bytes(&mut info.path, n, from) {
            info.path_len = n;
        }
    }
    true
}

/// A TCP or UDP socket's protocol, and its addresses and ports; false for another
/// protocol (SCTP, MPTCP), or IPv6 in a kernel without it.
#[inline(always)]
fn inet(info: &mut SocketInfo, family: u16, sk: u64, off: &SocketOffsets) -> bool {
    let protocol = read_kernel(sk, off.sock_protocol) as u16;
    if !matches!(protocol, IPPROTO_TCP | IPPROTO_UDP | IPPROTO_UDPLITE) {
        return false;
    }
    *info = SocketInfo {
        family,
        protocol,
        local_port: read_kernel(sk, off.sock_num) as u16,
        remote_port: u16::from_be(read_kernel(sk, off.sock_dport) as u16),
        ..SocketInfo::EMPTY
    };
    if family == AF_INET {
        let local = (read_kernel(sk, off.sock_rcv_saddr) as u32).to_ne_bytes();
        let remote = (read_kernel(sk, off.sock_daddr) as u32).to_ne_bytes();
        info.local_addr[..4].copy_from_slice(&local);
        info.remote_addr[..4].copy_from_slice(&remote);
        return true;
    }
    off.sock_v6_daddr != 0
        && read_bytes(
            &mut info.local_addr,
            IN6_ADDR,
            sk + u64::from(off.sock_v6_rcv_saddr),
        )
        && read_bytes(
            &mut info.remote_addr,
            IN6_ADDR,
            sk + u64::from(off.sock_v6_daddr),
        )
}

/// Reads `n` bytes (at most `to`'s length) of kernel memory at `from` into `to`.
#[inline(always)]
fn read_bytes(to: &mut [u8], n: u32, from: u64) -> bool {
    if n as usize > to.len() {
        return false;
    }
    // SAFETY: a checked kernel read into `to`, which holds `n` bytes.
    unsafe {
        bpf_probe_read_kernel(to.as_mut_ptr().cast::<c_void>(), n, from as *const c_void) == 0
    }
}
