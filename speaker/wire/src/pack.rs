//! Packing many NLRI of one family into as few complete UPDATE messages (header
//! included) as the negotiated maximum size allows (4096, or 65535 with RFC 8654).
//!
//! The attribute block is encoded once per call and copied into each message; NLRI are
//! written straight into the message buffer, so nothing is allocated per prefix. Two
//! flavours of each function:
//!
//! - `pack_*`: returns the messages as `Vec<Vec<u8>>`;
//! - `pack_*_with`: hands each message to a callback as `&[u8]` from one reused buffer
//!   (no allocation per message either), e.g. to write them straight to the socket buffer.
//!
//! IPv4 unicast with an IPv4 next hop uses the classic NEXT_HOP + NLRI fields and the
//! withdrawn-routes field; every other family uses MP_REACH_NLRI / MP_UNREACH_NLRI, placed
//! first (RFC 7606 §5.1) and without a NEXT_HOP attribute (RFC 4760 §3). Add-Path ids are
//! written when `ctx.add_path(family)` says so. On a 2-octet-AS session pass attributes
//! prepared with [`PathAttributes::for_two_octet_peer`]. No items, no messages (End-of-RIB
//! is [`crate::message::Update::end_of_rib`]).

use std::borrow::Cow;

use thiserror::Error;

use crate::afi::AfiSafi;
use crate::attribute::encode::write_attr;
use crate::attribute::mp::{encode_path_prefix, path_prefix_len, put_family};
use crate::attribute::{MpNextHop, PathAttributes, code, flags};
use crate::context::CodecContext;
use crate::message::{HEADER_LEN, msg_type};
use crate::nlri::{FlowSpecNlri, PathPrefix};

/// Withdrawn Routes Length + Total Path Attribute Length.
const UPDATE_FIXED: usize = 4;
/// Attribute header with a 2-octet length (the packer sizes for the worst case).
const ATTR_HEADER_MAX: usize = 4;

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum PackError {
    #[error("path attributes take {len} octets, leaving no room for NLRI in {max}-octet messages")]
    AttributesTooLarge { len: usize, max: usize },
    #[error("an NLRI of {len} octets does not fit in a {max}-octet message")]
    ItemTooLarge { len: usize, max: usize },
}

/// Something that can be packed as an NLRI entry.
pub trait PackItem {
    /// Octets on the wire (Add-Path id included when `add_path`).
    fn packed_len(&self, add_path: bool) -> usize;
    fn pack(&self, add_path: bool, out: &mut Vec<u8>);
}

impl PackItem for PathPrefix {
    fn packed_len(&self, add_path: bool) -> usize {
        path_prefix_len(self, add_path)
    }

    fn pack(&self, add_path: bool, out: &mut Vec<u8>) {
        encode_path_prefix(self, add_path, out);
    }
}

impl PackItem for FlowSpecNlri {
    fn packed_len(&self, _add_path: bool) -> usize {
        self.wire_len()
    }

    fn pack(&self, _add_path: bool, out: &mut Vec<u8>) {
        self.encode(out);
    }
}

/// Announces `items` of `family` with `attrs` and `next_hop`.
pub fn pack_announce(
    attrs: &PathAttributes,
    family: AfiSafi,
    next_hop: &MpNextHop,
    items: &[PathPrefix],
    ctx: &CodecContext,
) -> Result<Vec<Vec<u8>>, PackError> {
    let mut out = Vec::new();
    pack_announce_with(attrs, family, next_hop, items, ctx, |m| {
        out.push(m.to_vec())
    })?;
    Ok(out)
}

/// [`pack_announce`] handing each message to `emit`.
pub fn pack_announce_with(
    attrs: &PathAttributes,
    family: AfiSafi,
    next_hop: &MpNextHop,
    items: &[PathPrefix],
    ctx: &CodecContext,
    mut emit: impl FnMut(&[u8]),
) -> Result<(), PackError> {
    match next_hop {
        MpNextHop::Ipv4(nh) if family == AfiSafi::IPV4_UNICAST => {
            let attrs = with_next_hop(attrs, Some(*nh));
            let mut block = Vec::new();
            attrs.encode(ctx, &mut block);
            pack_classic(&block, items, true, ctx, &mut emit)
        }
        _ => pack_reach(attrs, family, next_hop, items, ctx, &mut emit),
    }
}

/// Withdraws `items` of `family`.
pub fn pack_withdraw(
    family: AfiSafi,
    items: &[PathPrefix],
    ctx: &CodecContext,
) -> Result<Vec<Vec<u8>>, PackError> {
    let mut out = Vec::new();
    pack_withdraw_with(family, items, ctx, |m| out.push(m.to_vec()))?;
    Ok(out)
}

/// [`pack_withdraw`] handing each message to `emit`.
pub fn pack_withdraw_with(
    family: AfiSafi,
    items: &[PathPrefix],
    ctx: &CodecContext,
    mut emit: impl FnMut(&[u8]),
) -> Result<(), PackError> {
    if family == AfiSafi::IPV4_UNICAST {
        pack_classic(&[], items, false, ctx, &mut emit)
    } else {
        pack_unreach(family, items, ctx, &mut emit)
    }
}

/// Announces FlowSpec rules (next hop length 0, RFC 8955 §4); the actions travel in
/// `attrs.extended_communities`.
pub fn pack_flowspec_announce(
    attrs: &PathAttributes,
    family: AfiSafi,
    items: &[FlowSpecNlri],
    ctx: &CodecContext,
) -> Result<Vec<Vec<u8>>, PackError> {
    let mut out = Vec::new();
    pack_reach(
        attrs,
        family,
        &MpNextHop::Empty,
        items,
        ctx,
        &mut |m: &[u8]| out.push(m.to_vec()),
    )?;
    Ok(out)
}

/// Announces any [`PackItem`]s in MP_REACH_NLRI with `next_hop` (e.g. a FlowSpec rule
/// whose redirect-to-IP target travels as the next hop), handing each message to `emit`.
pub fn pack_reach_with<T: PackItem>(
    attrs: &PathAttributes,
    family: AfiSafi,
    next_hop: &MpNextHop,
    items: &[T],
    ctx: &CodecContext,
    emit: &mut dyn FnMut(&[u8]),
) -> Result<(), PackError> {
    pack_reach(attrs, family, next_hop, items, ctx, emit)
}

/// Withdraws any [`PackItem`]s in MP_UNREACH_NLRI, handing each message to `emit`.
pub fn pack_unreach_with<T: PackItem>(
    family: AfiSafi,
    items: &[T],
    ctx: &CodecContext,
    emit: &mut dyn FnMut(&[u8]),
) -> Result<(), PackError> {
    pack_unreach(family, items, ctx, emit)
}

/// Withdraws FlowSpec rules.
pub fn pack_flowspec_withdraw(
    family: AfiSafi,
    items: &[FlowSpecNlri],
    ctx: &CodecContext,
) -> Result<Vec<Vec<u8>>, PackError> {
    let mut out = Vec::new();
    pack_unreach(family, items, ctx, &mut |m: &[u8]| out.push(m.to_vec()))?;
    Ok(out)
}

/// The attributes with NEXT_HOP set to `nh`, copied only if it differs.
fn with_next_hop(
    attrs: &PathAttributes,
    nh: Option<std::net::Ipv4Addr>,
) -> Cow<'_, PathAttributes> {
    if attrs.next_hop == nh {
        return Cow::Borrowed(attrs);
    }
    let mut a = attrs.clone();
    a.next_hop = nh;
    Cow::Owned(a)
}

/// IPv4 unicast in the classic fields: announced NLRI after `block` (`announce`), or the
/// withdrawn-routes field with no attributes.
fn pack_classic(
    block: &[u8],
    items: &[PathPrefix],
    announce: bool,
    ctx: &CodecContext,
    emit: &mut dyn FnMut(&[u8]),
) -> Result<(), PackError> {
    let max = ctx.max_message_len();
    let budget = room(max, HEADER_LEN + UPDATE_FIXED + block.len())?;
    let add_path = ctx.add_path(AfiSafi::IPV4_UNICAST);
    let mut buf = Vec::with_capacity(max);
    let mut rest = items;
    while !rest.is_empty() {
        let n = next_batch(rest, add_path, budget, max)?;
        let (batch, tail) = rest.split_at(n);
        start_message(&mut buf);
        if announce {
            buf.extend_from_slice(&[0, 0]);
            put_len16(&mut buf, block.len());
            buf.extend_from_slice(block);
            batch.iter().for_each(|p| p.pack(add_path, &mut buf));
        } else {
            let at = buf.len();
            buf.extend_from_slice(&[0, 0]);
            batch.iter().for_each(|p| p.pack(add_path, &mut buf));
            patch_len16(&mut buf, at);
            buf.extend_from_slice(&[0, 0]);
        }
        finish_message(&mut buf);
        emit(&buf);
        rest = tail;
    }
    Ok(())
}

fn pack_reach<T: PackItem>(
    attrs: &PathAttributes,
    family: AfiSafi,
    next_hop: &MpNextHop,
    items: &[T],
    ctx: &CodecContext,
    emit: &mut dyn FnMut(&[u8]),
) -> Result<(), PackError> {
    let mut block = Vec::new();
    with_next_hop(attrs, None).encode(ctx, &mut block);
    let max = ctx.max_message_len();
    let fixed = 3 + 1 + next_hop.wire_len() + 1; // AFI/SAFI, next hop, reserved
    let used = HEADER_LEN + UPDATE_FIXED + ATTR_HEADER_MAX + fixed + block.len();
    let budget = room(max, used)?;
    let add_path = ctx.add_path(family);
    let mut buf = Vec::with_capacity(max);
    let mut rest = items;
    while !rest.is_empty() {
        let n = next_batch(rest, add_path, budget, max)?;
        let (batch, tail) = rest.split_at(n);
        start_message(&mut buf);
        buf.extend_from_slice(&[0, 0]);
        let at = buf.len();
        buf.extend_from_slice(&[0, 0]);
        write_attr(&mut buf, flags::OPTIONAL, code::MP_REACH_NLRI, |v| {
            put_family(family, v);
            next_hop.encode(v);
            v.push(0);
            batch.iter().for_each(|i| i.pack(add_path, v));
        });
        buf.extend_from_slice(&block);
        patch_len16(&mut buf, at);
        finish_message(&mut buf);
        emit(&buf);
        rest = tail;
    }
    Ok(())
}

fn pack_unreach<T: PackItem>(
    family: AfiSafi,
    items: &[T],
    ctx: &CodecContext,
    emit: &mut dyn FnMut(&[u8]),
) -> Result<(), PackError> {
    let max = ctx.max_message_len();
    let budget = room(max, HEADER_LEN + UPDATE_FIXED + ATTR_HEADER_MAX + 3)?;
    let add_path = ctx.add_path(family);
    let mut buf = Vec::with_capacity(max);
    let mut rest = items;
    while !rest.is_empty() {
        let n = next_batch(rest, add_path, budget, max)?;
        let (batch, tail) = rest.split_at(n);
        start_message(&mut buf);
        buf.extend_from_slice(&[0, 0]);
        let at = buf.len();
        buf.extend_from_slice(&[0, 0]);
        write_attr(&mut buf, flags::OPTIONAL, code::MP_UNREACH_NLRI, |v| {
            put_family(family, v);
            batch.iter().for_each(|i| i.pack(add_path, v));
        });
        patch_len16(&mut buf, at);
        finish_message(&mut buf);
        emit(&buf);
        rest = tail;
    }
    Ok(())
}

/// Octets left for NLRI once `used` are taken; an error if none are.
fn room(max: usize, used: usize) -> Result<usize, PackError> {
    match max.checked_sub(used) {
        Some(r) if r > 0 => Ok(r),
        _ => Err(PackError::AttributesTooLarge { len: used, max }),
    }
}

/// How many leading items fit in `budget` octets (at least one, else an error).
fn next_batch<T: PackItem>(
    items: &[T],
    add_path: bool,
    budget: usize,
    max: usize,
) -> Result<usize, PackError> {
    let mut used = 0;
    let mut n = 0;
    for item in items {
        let len = item.packed_len(add_path);
        if used + len > budget {
            break;
        }
        used += len;
        n += 1;
    }
    if n == 0 {
        let len = items.first().map_or(0, |i| i.packed_len(add_path));
        return Err(PackError::ItemTooLarge { len, max });
    }
    Ok(n)
}

fn start_message(buf: &mut Vec<u8>) {
    buf.clear();
    buf.extend_from_slice(&[0xff; 16]);
    buf.extend_from_slice(&[0, 0, msg_type::UPDATE]);
}

/// The header length counts the whole message.
fn finish_message(buf: &mut [u8]) {
    let len = buf.len() as u16;
    if let Some(field) = buf.get_mut(16..18) {
        field.copy_from_slice(&len.to_be_bytes());
    }
}

fn put_len16(buf: &mut Vec<u8>, len: usize) {
    buf.extend_from_slice(&(len as u16).to_be_bytes());
}

/// Sets the 2-octet length field at `at` to the number of octets written after it.
fn patch_len16(buf: &mut [u8], at: usize) {
    let len = (buf.len() - at - 2) as u16;
    if let Some(field) = buf.get_mut(at..at + 2) {
        field.copy_from_slice(&len.to_be_bytes());
    }
}

#[cfg(test)]
mod tests;
