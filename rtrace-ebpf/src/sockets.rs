//! `-yy`: what a socket `accept` made, or `connect` connected, is, kept by inode for
//! the reader. A connection
//! that closes before its lines are decoded (a FastCGI request's, a few milliseconds)
//! is gone from `sock_diag` by then; this is how it was as the call returned.

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
static SOCKET_OFFSETS: SocketOffsets = SocketOffsets {
    file_private_data: 0,
    socket_type: 0,
    socket_sk: 0,
    socket_inode: 0,
    sock_family: 0,
    sock_num: 0,
    sock_dport: 0,
    sock_rcv_saddr: 0,
    sock_daddr: 0,
    sock_socket: 0,
    unix_addr: 0,
    unix_peer: 0,
    unix_address_len: 0,
    unix_address_name: 0,
    inode_ino: 0,
};

const AF_UNIX: u16 = 1;
const AF_INET: u16 = 2;
/// `sun_path`'s offset in `struct sockaddr_un`, and its size.
const SUN_PATH: u64 = 2;
const SUN_PATH_SIZE: u32 = 108;

/// Which sockets [`keep`] keeps.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Keep {
    None,
    /// Any it describes (`accept`).
    Any,
    /// `AF_INET` only (`connect`: a UNIX client's peer has no inode until the server
    /// accepts it, so what connect leaves is not what the lines after show).
    Inet,
}

/// Keeps what the socket open as `file`, inode `ino`, is: its family and type, and for
/// `AF_UNIX` its peer's inode and bound path, for `AF_INET` its addresses and ports.
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
    #[expect(clippy::cast_possible_truncation, reason = "16-bit fields")]
    // SAFETY: per-CPU scratch, not shared while this program runs.
    unsafe {
        (*info).family = read_kernel(sk, off.sock_family) as u16;
        (*info).kind = read_kernel(socket, off.socket_type) as u16;
        (*info).peer_inode = 0;
        (*info).local_port = 0;
        (*info).remote_port = 0;
        (*info).local_addr = [0; 4];
        (*info).remote_addr = [0; 4];
        (*info).path_len = 0;
        match (*info).family {
            AF_UNIX if which == Keep::Any => {
                let peer = read_kernel(sk, off.unix_peer);
                let peer_socket = read_kernel(peer, off.sock_socket);
                if peer_socket != 0 {
                    let inode = peer_socket + u64::from(off.socket_inode);
                    (*info).peer_inode = read_kernel(inode, off.inode_ino) as u32;
                }
                let addr = read_kernel(sk, off.unix_addr);
                if addr != 0 {
                    let len = (read_kernel(addr, off.unix_address_len) & 0xffff_ffff) as u32;
                    let path_len = len.saturating_sub(SUN_PATH as u32);
                    let n = if path_len > SUN_PATH_SIZE { SUN_PATH_SIZE } else { path_len };
                    let from = addr + u64::from(off.unix_address_name) + SUN_PATH;
                    if bpf_probe_read_kernel((*info).path.as_mut_ptr().cast::<c_void>(), n, from as *const c_void) == 0 {
                        (*info).path_len = n;
                    }
                }
            }
            AF_INET => {
                let ports_and_addrs = |offset: u32| read_kernel(sk, offset);
                (*info).local_port = ports_and_addrs(off.sock_num) as u16;
                (*info).remote_port = u16::from_be(ports_and_addrs(off.sock_dport) as u16);
                (*info).local_addr = (ports_and_addrs(off.sock_rcv_saddr) as u32).to_ne_bytes();
                (*info).remote_addr = (ports_and_addrs(off.sock_daddr) as u32).to_ne_bytes();
            }
            _ => return,
        }
        let _ = SOCKETS.insert(&ino, &*info, 0);
    }
}
