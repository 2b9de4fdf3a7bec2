//! OPEN (RFC 4271 §4.2) with optional parameters (RFC 5492, RFC 9072 extended length).
//! TODO(helper A): implement.

use crate::error::DecodeError;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Open {}

impl Open {
    pub fn decode_body(_body: &[u8]) -> Result<Open, DecodeError> {
        unimplemented!("OPEN decoding")
    }

    pub fn encode_body(&self, _out: &mut Vec<u8>) {
        unimplemented!("OPEN encoding")
    }
}
