//! BGP messages (RFC 4271 §4): the 19-octet header and the five message types.

pub mod notification;
pub mod open;
pub mod route_refresh;
pub mod update;

pub use notification::Notification;
pub use open::Open;
pub use route_refresh::RouteRefresh;
pub use update::Update;

use crate::context::CodecContext;
use crate::error::{DecodeError, ErrorKind};
use crate::message::notification::{HeaderSubcode, NotificationCode};

/// Marker (16 × 0xff) + length (2) + type (1).
pub const HEADER_LEN: usize = 19;
const MARKER: [u8; 16] = [0xff; 16];

/// Message type codes.
pub mod msg_type {
    pub const OPEN: u8 = 1;
    pub const UPDATE: u8 = 2;
    pub const NOTIFICATION: u8 = 3;
    pub const KEEPALIVE: u8 = 4;
    pub const ROUTE_REFRESH: u8 = 5;
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Message {
    Open(Open),
    Update(Update),
    Notification(Notification),
    Keepalive,
    RouteRefresh(RouteRefresh),
}

impl Message {
    pub fn msg_type(&self) -> u8 {
        match self {
            Message::Open(_) => msg_type::OPEN,
            Message::Update(_) => msg_type::UPDATE,
            Message::Notification(_) => msg_type::NOTIFICATION,
            Message::Keepalive => msg_type::KEEPALIVE,
            Message::RouteRefresh(_) => msg_type::ROUTE_REFRESH,
        }
    }

    /// Decodes exactly one whole message (header included), e.g. a slice returned by
    /// [`frame_len`].
    pub fn decode(buf: &[u8], ctx: &CodecContext) -> Result<Message, DecodeError> {
        let (ty, body) = split_header(buf, ctx)?;
        match ty {
            msg_type::OPEN => Ok(Message::Open(Open::decode_body(body)?)),
            msg_type::UPDATE => Ok(Message::Update(Update::decode_body(body, ctx)?)),
            msg_type::NOTIFICATION => Ok(Message::Notification(Notification::decode_body(body)?)),
            msg_type::KEEPALIVE if body.is_empty() => Ok(Message::Keepalive),
            msg_type::KEEPALIVE => Err(ErrorKind::BadMessageLength {
                length: buf.len() as u16,
            }
            .reset_bad_length(buf.len() as u16)),
            msg_type::ROUTE_REFRESH => Ok(Message::RouteRefresh(RouteRefresh::decode_body(body)?)),
            other => Err(ErrorKind::BadMessageType { msg_type: other }.reset(
                NotificationCode::MessageHeader(HeaderSubcode::BadMessageType),
                vec![other],
            )),
        }
    }

    /// Appends the whole message (header included) to `out`.
    pub fn encode(&self, ctx: &CodecContext, out: &mut Vec<u8>) {
        let start = out.len();
        out.extend_from_slice(&MARKER);
        out.extend_from_slice(&[0, 0, self.msg_type()]);
        match self {
            Message::Open(m) => m.encode_body(out),
            Message::Update(m) => m.encode_body(ctx, out),
            Message::Notification(m) => m.encode_body(out),
            Message::Keepalive => {}
            Message::RouteRefresh(m) => m.encode_body(out),
        }
        let len = (out.len() - start) as u16;
        out[start + 16..start + 18].copy_from_slice(&len.to_be_bytes());
    }

    pub fn to_bytes(&self, ctx: &CodecContext) -> Vec<u8> {
        let mut out = Vec::new();
        self.encode(ctx, &mut out);
        out
    }
}

/// Streaming framing: given the bytes received so far, the length of the first complete
/// message, `None` if more bytes are needed, or an error if the header is invalid.
pub fn frame_len(buf: &[u8], ctx: &CodecContext) -> Result<Option<usize>, DecodeError> {
    if buf.len() < HEADER_LEN {
        return Ok(None);
    }
    let len = check_header(buf, ctx)?;
    Ok((buf.len() >= len).then_some(len))
}

/// Validates the header (marker, length bounds) and returns the declared length.
fn check_header(buf: &[u8], ctx: &CodecContext) -> Result<usize, DecodeError> {
    if buf[..16] != MARKER {
        return Err(ErrorKind::BadMarker.reset(
            NotificationCode::MessageHeader(HeaderSubcode::ConnectionNotSynchronized),
            Vec::new(),
        ));
    }
    let len = u16::from_be_bytes([buf[16], buf[17]]);
    let ty = buf[18];
    // OPEN and KEEPALIVE never exceed 4096 octets, whatever was negotiated (RFC 8654 §3).
    let max = match ty {
        msg_type::OPEN | msg_type::KEEPALIVE => crate::context::MAX_MESSAGE_LEN,
        _ => ctx.max_message_len(),
    };
    if (len as usize) < HEADER_LEN || len as usize > max {
        return Err(ErrorKind::BadMessageLength { length: len }.reset_bad_length(len));
    }
    Ok(len as usize)
}

/// Checks the header of one whole message and returns its type and body.
fn split_header<'a>(buf: &'a [u8], ctx: &CodecContext) -> Result<(u8, &'a [u8]), DecodeError> {
    if buf.len() < HEADER_LEN {
        let len = buf.len() as u16;
        return Err(ErrorKind::BadMessageLength { length: len }.reset_bad_length(len));
    }
    let len = check_header(buf, ctx)?;
    if len != buf.len() {
        let l = len as u16;
        return Err(ErrorKind::BadMessageLength { length: l }.reset_bad_length(l));
    }
    Ok((buf[18], &buf[HEADER_LEN..]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keepalive_is_19_octets_both_ways() {
        let ctx = CodecContext::default();
        let bytes = Message::Keepalive.to_bytes(&ctx);
        assert_eq!(bytes.len(), 19);
        assert_eq!(&bytes[16..], &[0, 19, 4]);
        assert_eq!(Message::decode(&bytes, &ctx), Ok(Message::Keepalive));
    }

    #[test]
    fn framing_waits_for_whole_message_and_rejects_bad_marker() {
        let ctx = CodecContext::default();
        let bytes = Message::Keepalive.to_bytes(&ctx);
        assert_eq!(frame_len(&bytes[..10], &ctx), Ok(None));
        assert_eq!(frame_len(&bytes[..18], &ctx), Ok(None));
        assert_eq!(frame_len(&bytes, &ctx), Ok(Some(19)));
        let mut bad = bytes.clone();
        bad[3] = 0;
        assert!(frame_len(&bad, &ctx).is_err());
    }

    #[test]
    fn unknown_type_resets_with_the_type_as_data() {
        let ctx = CodecContext::default();
        let mut bytes = Message::Keepalive.to_bytes(&ctx);
        bytes[18] = 9;
        let err = Message::decode(&bytes, &ctx).unwrap_err();
        let crate::ErrorAction::SessionReset(n) = err.action else {
            panic!("expected reset")
        };
        assert_eq!(n.code.pair(), (1, 3));
        assert_eq!(n.data, vec![9]);
    }
}
