//! Packing FlowSpec rules with an optional MP_REACH next hop.
//!
//! The wire crate's FlowSpec packer always writes an empty next hop (RFC 8955 §4), but a
//! redirect-to-IP rule (RFC 7674 / draft-ietf-idr-flowspec-redirect-ip) carries its target
//! there. This small packer covers both, for any [`PackItem`], into one reused buffer.

use bgp_wire::AfiSafi;
use bgp_wire::CodecContext;
use bgp_wire::attribute::encode::write_attr;
use bgp_wire::attribute::mp::put_family;
use bgp_wire::attribute::{MpNextHop, PathAttributes, code, flags};
use bgp_wire::message::{HEADER_LEN, msg_type};
use bgp_wire::pack::{PackError, PackItem};

use super::key::Emit;

/// Header + withdrawn length + attribute length + MP attribute header (extended length)
/// + AFI/SAFI.
const FIXED: usize = HEADER_LEN + 2 + 2 + 4 + 3;

/// MP_REACH_NLRI with `next_hop` and the rest of `attrs` (its NEXT_HOP is not written).
pub fn announce<T: PackItem>(
    attrs: &PathAttributes,
    family: AfiSafi,
    next_hop: &MpNextHop,
    items: &[T],
    ctx: &CodecContext,
    emit: Emit<'_>,
) -> Result<(), PackError> {
    let mut block = Vec::new();
    if attrs.next_hop.is_some() {
        let mut a = attrs.clone();
        a.next_hop = None;
        a.encode(ctx, &mut block);
    } else {
        attrs.encode(ctx, &mut block);
    }
    let reach_fixed = 1 + next_hop.wire_len() + 1;
    let body = |buf: &mut Vec<u8>, batch: &[T]| {
        write_attr(buf, flags::OPTIONAL, code::MP_REACH_NLRI, |v| {
            put_family(family, v);
            next_hop.encode(v);
            v.push(0);
            batch.iter().for_each(|i| i.pack(false, v));
        });
        buf.extend_from_slice(&block);
    };
    pack_items(items, FIXED + reach_fixed + block.len(), ctx, body, emit)
}

/// MP_UNREACH_NLRI of `items`.
pub fn withdraw<T: PackItem>(
    family: AfiSafi,
    items: &[T],
    ctx: &CodecContext,
    emit: Emit<'_>,
) -> Result<(), PackError> {
    let body = |buf: &mut Vec<u8>, batch: &[T]| {
        write_attr(buf, flags::OPTIONAL, code::MP_UNREACH_NLRI, |v| {
            put_family(family, v);
            batch.iter().for_each(|i| i.pack(false, v));
        });
    };
    pack_items(items, FIXED, ctx, body, emit)
}

/// Splits `items` into messages of at most the negotiated size; `body` writes the path
/// attributes of one message given its items.
fn pack_items<T: PackItem>(
    items: &[T],
    used: usize,
    ctx: &CodecContext,
    body: impl Fn(&mut Vec<u8>, &[T]),
    emit: Emit<'_>,
) -> Result<(), PackError> {
    let max = ctx.max_message_len();
    let budget = max
        .checked_sub(used)
        .filter(|b| *b > 0)
        .ok_or(PackError::AttributesTooLarge { len: used, max })?;
    let mut buf = Vec::with_capacity(max);
    let mut rest = items;
    while !rest.is_empty() {
        let n = batch_len(rest, budget, max)?;
        let (batch, tail) = rest.split_at(n);
        buf.clear();
        buf.extend_from_slice(&[0xff; 16]);
        buf.extend_from_slice(&[0, 0, msg_type::UPDATE, 0, 0, 0, 0]);
        body(&mut buf, batch);
        let attr_len = (buf.len() - HEADER_LEN - 4) as u16;
        buf[HEADER_LEN + 2..HEADER_LEN + 4].copy_from_slice(&attr_len.to_be_bytes());
        let len = buf.len() as u16;
        buf[16..18].copy_from_slice(&len.to_be_bytes());
        emit(&buf);
        rest = tail;
    }
    Ok(())
}

fn batch_len<T: PackItem>(items: &[T], budget: usize, max: usize) -> Result<usize, PackError> {
    let mut used = 0;
    let mut n = 0;
    for item in items {
        let len = item.packed_len(false);
        if used + len > budget {
            break;
        }
        used += len;
        n += 1;
    }
    if n == 0 {
        let len = items.first().map_or(0, |i| i.packed_len(false));
        return Err(PackError::ItemTooLarge { len, max });
    }
    Ok(n)
}
