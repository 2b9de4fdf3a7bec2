//! RFC 4271 §6.2 checks of a received OPEN against the session's configuration (the codec
//! already rejected what is wrong in itself, such as version or hold time 1-2).

use bgp_wire::message::notification::{NotificationCode, OpenSubcode};
use bgp_wire::message::{Notification, Open};

use super::SessionConfig;

/// `Err` carries the NOTIFICATION to send.
pub fn check_open(cfg: &SessionConfig, open: &Open) -> Result<(), Notification> {
    if open.asn() != cfg.remote_asn {
        // Data: the 2-octet My Autonomous System field as received.
        let data = open.my_as.to_be_bytes().to_vec();
        return Err(open_error(OpenSubcode::BadPeerAs, data));
    }
    let id = open.bgp_id;
    let ibgp = cfg.local_asn == cfg.remote_asn;
    // RFC 6286 §2.2: zero is never valid; equal IDs only clash inside one AS.
    if id.is_unspecified() || (ibgp && id == cfg.local_id) {
        return Err(open_error(
            OpenSubcode::BadBgpIdentifier,
            id.octets().to_vec(),
        ));
    }
    if matches!(open.hold_time, 1 | 2) {
        let data = open.hold_time.to_be_bytes().to_vec();
        return Err(open_error(OpenSubcode::UnacceptableHoldTime, data));
    }
    Ok(())
}

fn open_error(subcode: OpenSubcode, data: Vec<u8>) -> Notification {
    Notification::new(NotificationCode::Open(subcode), data)
}
