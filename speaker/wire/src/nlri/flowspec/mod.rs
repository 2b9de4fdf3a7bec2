//! FlowSpec NLRI (RFC 8955 IPv4, RFC 8956 IPv6). TODO(helper C): implement.

use thiserror::Error;

use crate::afi::Afi;

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum FlowSpecError {
    #[error("not implemented")]
    NotImplemented,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FlowSpecNlri {}

impl FlowSpecNlri {
    /// Decodes the NLRI part of an MP_(UN)REACH_NLRI for a FlowSpec family.
    pub fn decode_list(_afi: Afi, _bytes: &[u8]) -> Result<Vec<FlowSpecNlri>, FlowSpecError> {
        Err(FlowSpecError::NotImplemented)
    }

    /// Octets this rule takes on the wire, length prefix included.
    pub fn wire_len(&self) -> usize {
        unimplemented!("FlowSpec encoding")
    }

    /// Appends this rule's NLRI (length prefix included).
    pub fn encode(&self, _out: &mut Vec<u8>) {
        unimplemented!("FlowSpec encoding")
    }
}
