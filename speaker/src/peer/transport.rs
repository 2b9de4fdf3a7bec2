//! TCP for BGP: outgoing connects bound to a local address, TCP MD5 signatures (RFC 2385)
//! and the IP TTL, plus the listening socket. Linux socket options through `libc`.

use std::io;
use std::net::{IpAddr, Ipv6Addr, SocketAddr};
use std::os::fd::{AsRawFd, RawFd};
use std::time::Duration;

use tokio::net::{TcpListener, TcpSocket, TcpStream};

/// How long one connect attempt may take before it counts as failed.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

/// What a connection to one neighbor needs from the transport.
#[derive(Debug, Clone, Default)]
pub struct TransportOptions {
    pub local_address: Option<IpAddr>,
    pub md5_password: Option<String>,
    /// IP TTL / IPv6 hop limit for the session's packets.
    pub ttl: Option<u8>,
}

/// Dials `remote` with the options applied before the SYN (MD5 must be set before it).
pub async fn connect(remote: SocketAddr, opts: &TransportOptions) -> io::Result<TcpStream> {
    let socket = match remote {
        SocketAddr::V4(_) => TcpSocket::new_v4()?,
        SocketAddr::V6(_) => TcpSocket::new_v6()?,
    };
    socket.set_nodelay(true)?;
    if let Some(local) = opts.local_address {
        socket.bind(SocketAddr::new(local, 0))?;
    }
    if let Some(key) = &opts.md5_password {
        set_md5(socket.as_raw_fd(), remote.ip(), Some(key))?;
    }
    if let Some(ttl) = opts.ttl {
        set_ttl(socket.as_raw_fd(), remote.ip(), ttl)?;
    }
    match tokio::time::timeout(CONNECT_TIMEOUT, socket.connect(remote)).await {
        Ok(r) => r,
        Err(_) => Err(io::Error::new(io::ErrorKind::TimedOut, "connect timed out")),
    }
}

/// Binds the BGP listener. With no address, one dual-stack socket on `[::]` serves both
/// families (IPv4 peers then appear as v4-mapped addresses: see [`canonical`]).
pub fn listen(address: Option<IpAddr>, port: u16) -> io::Result<TcpListener> {
    let addr = SocketAddr::new(address.unwrap_or(IpAddr::V6(Ipv6Addr::UNSPECIFIED)), port);
    let socket = match addr {
        SocketAddr::V4(_) => TcpSocket::new_v4()?,
        SocketAddr::V6(_) => TcpSocket::new_v6()?,
    };
    socket.set_reuseaddr(true)?;
    socket.bind(addr)?;
    socket.listen(128)
}

/// Installs (or with `None` removes) the MD5 key for `peer` on a listening socket.
pub fn set_listener_md5(listener: &TcpListener, peer: IpAddr, key: Option<&str>) -> io::Result<()> {
    let local_v6 = listener.local_addr()?.is_ipv6();
    let peer = match (local_v6, peer) {
        (true, IpAddr::V4(v4)) => IpAddr::V6(v4.to_ipv6_mapped()),
        _ => peer,
    };
    set_md5(listener.as_raw_fd(), peer, key)
}

/// Addresses as configured: a v4-mapped IPv6 address is the IPv4 peer it stands for.
pub fn canonical(ip: IpAddr) -> IpAddr {
    ip.to_canonical()
}

/// Linux `struct tcp_md5sig` (include/uapi/linux/tcp.h).
#[repr(C)]
struct TcpMd5Sig {
    addr: libc::sockaddr_storage,
    flags: u8,
    prefixlen: u8,
    keylen: u16,
    ifindex: u32,
    key: [u8; 80],
}

fn set_md5(fd: RawFd, peer: IpAddr, key: Option<&str>) -> io::Result<()> {
    let key = key.unwrap_or("").as_bytes();
    if key.len() > 80 {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            "MD5 key longer than 80",
        ));
    }
    // SAFETY: an all-zero sockaddr_storage / tcp_md5sig is a valid value of these C types.
    let mut sig: TcpMd5Sig = unsafe { std::mem::zeroed() };
    write_sockaddr(&mut sig.addr, peer);
    sig.keylen = key.len() as u16;
    sig.key[..key.len()].copy_from_slice(key);
    setsockopt(fd, libc::IPPROTO_TCP, libc::TCP_MD5SIG, &sig)
}

fn set_ttl(fd: RawFd, peer: IpAddr, ttl: u8) -> io::Result<()> {
    let v = libc::c_int::from(ttl);
    match peer {
        IpAddr::V4(_) => setsockopt(fd, libc::IPPROTO_IP, libc::IP_TTL, &v),
        IpAddr::V6(_) => setsockopt(fd, libc::IPPROTO_IPV6, libc::IPV6_UNICAST_HOPS, &v),
    }
}

fn write_sockaddr(storage: &mut libc::sockaddr_storage, ip: IpAddr) {
    let ptr = storage as *mut libc::sockaddr_storage;
    match ip {
        IpAddr::V4(v4) => {
            // SAFETY: sockaddr_storage is large enough and suitably aligned for sockaddr_in.
            let sin = unsafe { &mut *(ptr as *mut libc::sockaddr_in) };
            sin.sin_family = libc::AF_INET as libc::sa_family_t;
            sin.sin_addr.s_addr = u32::from_ne_bytes(v4.octets());
        }
        IpAddr::V6(v6) => {
            // SAFETY: as above, for sockaddr_in6.
            let sin6 = unsafe { &mut *(ptr as *mut libc::sockaddr_in6) };
            sin6.sin6_family = libc::AF_INET6 as libc::sa_family_t;
            sin6.sin6_addr.s6_addr = v6.octets();
        }
    }
}

fn setsockopt<T>(fd: RawFd, level: libc::c_int, name: libc::c_int, value: &T) -> io::Result<()> {
    let len = std::mem::size_of::<T>() as libc::socklen_t;
    // SAFETY: `value` points to a live, initialised T of `len` bytes for the whole call.
    let rc = unsafe { libc::setsockopt(fd, level, name, (value as *const T).cast(), len) };
    if rc == 0 {
        Ok(())
    } else {
        Err(io::Error::last_os_error())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn md5_and_ttl_options_are_accepted_by_the_kernel() {
        let listener = listen(Some("127.0.0.1".parse().unwrap()), 0).unwrap();
        set_listener_md5(&listener, "127.0.0.2".parse().unwrap(), Some("s3cret")).unwrap();
        let socket = TcpSocket::new_v4().unwrap();
        set_md5(
            socket.as_raw_fd(),
            "127.0.0.1".parse().unwrap(),
            Some("s3cret"),
        )
        .unwrap();
        set_ttl(socket.as_raw_fd(), "127.0.0.1".parse().unwrap(), 1).unwrap();
    }

    #[test]
    fn v4_mapped_addresses_are_canonicalised() {
        let mapped: IpAddr = "::ffff:192.0.2.1".parse().unwrap();
        assert_eq!(canonical(mapped), "192.0.2.1".parse::<IpAddr>().unwrap());
    }
}
