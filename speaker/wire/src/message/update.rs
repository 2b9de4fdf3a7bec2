//! UPDATE (RFC 4271 §4.3, RFC 7606 error handling). TODO(helper B): implement.

use crate::context::CodecContext;
use crate::error::DecodeError;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Update {}

impl Update {
    pub fn decode_body(_body: &[u8], _ctx: &CodecContext) -> Result<Update, DecodeError> {
        unimplemented!("UPDATE decoding")
    }

    pub fn encode_body(&self, _ctx: &CodecContext, _out: &mut Vec<u8>) {
        unimplemented!("UPDATE encoding")
    }
}
