//! Reads the operator's own gauge `rustbgpd_operator_objects_programmed{kind="FlowSpecRule"}`
//! (objects the speaker lists back after the operator's pass) from its metrics endpoint,
//! with a minimal HTTP/1.1 GET (no client library needed for one text page).

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::Duration;

use bench::BoxError;

const GAUGE: &str = "rustbgpd_operator_objects_programmed{kind=\"FlowSpecRule\"}";

/// The gauge's value, or `None` while the operator has not published it yet.
pub fn programmed(addr: SocketAddr) -> Result<Option<u64>, BoxError> {
    let mut s = TcpStream::connect_timeout(&addr, Duration::from_secs(1))?;
    s.set_read_timeout(Some(Duration::from_secs(2)))?;
    write!(
        s,
        "GET /metrics HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )?;
    let mut body = String::new();
    s.read_to_string(&mut body)?;
    Ok(value_in(&body))
}

fn value_in(page: &str) -> Option<u64> {
    page.lines()
        .find_map(|l| l.strip_prefix(GAUGE))
        .and_then(|v| v.trim().parse().ok())
}

#[cfg(test)]
mod tests {
    #[test]
    fn finds_the_flowspec_gauge() {
        let page = "# TYPE x gauge\n\
            rustbgpd_operator_objects_programmed{kind=\"BgpNeighbor\"} 2\n\
            rustbgpd_operator_objects_programmed{kind=\"FlowSpecRule\"} 10000\n";
        assert_eq!(super::value_in(page), Some(10000));
        assert_eq!(super::value_in("nothing"), None);
    }
}
