//! Capability values that are lists of per-family entries: Add-Path (RFC 7911), Graceful
//! Restart (RFC 4724, RFC 8538), Long-Lived Graceful Restart (RFC 9494) and Extended Next
//! Hop (RFC 8950).

use super::{Field, entries, put_entries, truncated};
use crate::afi::{Afi, AfiSafi, Safi};
use crate::reader::Reader;

/// AFI (2) and SAFI (1), the family encoding most capabilities share.
fn read_family(r: &mut Reader<'_>) -> Field<AfiSafi> {
    let afi = Afi::from_u16(r.u16().map_err(truncated)?);
    let safi = Safi::from_u8(r.u8().map_err(truncated)?);
    Ok(AfiSafi::new(afi, safi))
}

fn write_family(family: AfiSafi, out: &mut Vec<u8>) {
    out.extend_from_slice(&family.afi.to_u16().to_be_bytes());
    out.push(family.safi.to_u8());
}

/// RFC 7911 §4 Send/Receive field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AddPathMode {
    /// 1: the sender is willing to receive multiple paths.
    Receive,
    /// 2: the sender would like to send multiple paths.
    Send,
    /// 3: both.
    Both,
}

impl AddPathMode {
    pub fn from_u8(v: u8) -> Option<Self> {
        match v {
            1 => Some(AddPathMode::Receive),
            2 => Some(AddPathMode::Send),
            3 => Some(AddPathMode::Both),
            _ => None,
        }
    }

    pub fn to_u8(self) -> u8 {
        match self {
            AddPathMode::Receive => 1,
            AddPathMode::Send => 2,
            AddPathMode::Both => 3,
        }
    }

    pub fn receives(self) -> bool {
        matches!(self, AddPathMode::Receive | AddPathMode::Both)
    }

    pub fn sends(self) -> bool {
        matches!(self, AddPathMode::Send | AddPathMode::Both)
    }
}

/// One (AFI, SAFI, Send/Receive) entry of the Add-Path capability.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct AddPathFamily {
    pub family: AfiSafi,
    pub mode: AddPathMode,
}

impl AddPathFamily {
    pub(crate) fn read(r: &mut Reader<'_>) -> Field<Self> {
        let family = read_family(r)?;
        // RFC 7911 defines only 1-3; anything else is a malformed capability.
        let mode = AddPathMode::from_u8(r.u8().map_err(truncated)?)
            .ok_or("Add-Path Send/Receive value is not 1, 2 or 3")?;
        Ok(AddPathFamily { family, mode })
    }

    pub(crate) fn write(&self, out: &mut Vec<u8>) {
        write_family(self.family, out);
        out.push(self.mode.to_u8());
    }
}

/// RFC 4724 §3 Graceful Restart capability (N bit from RFC 8538).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct GracefulRestart {
    /// R bit: the sender has restarted.
    pub restart_state: bool,
    /// N bit (RFC 8538): the sender supports GR for NOTIFICATION messages.
    pub notification: bool,
    /// Seconds, 12 bits (0-4095); larger values are sent as 4095.
    pub restart_time: u16,
    pub families: Vec<GrFamily>,
}

/// One family of the Graceful Restart capability.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct GrFamily {
    pub family: AfiSafi,
    /// F bit: forwarding state was preserved for this family across the restart.
    pub forwarding_state: bool,
}

const GR_RESTART: u16 = 0x8000;
const GR_NOTIFICATION: u16 = 0x4000;
const GR_TIME_MASK: u16 = 0x0fff;
/// The F bit of the per-family flags of both GR and LLGR.
const FORWARDING: u8 = 0x80;

impl GracefulRestart {
    pub(crate) fn decode(value: &[u8]) -> Field<Self> {
        let mut r = Reader::new(value);
        let flags_time = r.u16().map_err(truncated)?;
        let families = entries(r.rest(), 4, |r| {
            let family = read_family(r)?;
            let flags = r.u8().map_err(truncated)?;
            Ok(GrFamily {
                family,
                forwarding_state: flags & FORWARDING != 0,
            })
        })?;
        Ok(GracefulRestart {
            restart_state: flags_time & GR_RESTART != 0,
            notification: flags_time & GR_NOTIFICATION != 0,
            restart_time: flags_time & GR_TIME_MASK,
            families,
        })
    }

    pub(crate) fn encode(&self, out: &mut Vec<u8>) {
        let mut flags_time = self.restart_time.min(GR_TIME_MASK);
        if self.restart_state {
            flags_time |= GR_RESTART;
        }
        if self.notification {
            flags_time |= GR_NOTIFICATION;
        }
        out.extend_from_slice(&flags_time.to_be_bytes());
        put_entries(out, &self.families, 2, 4, |f, out| {
            write_family(f.family, out);
            out.push(if f.forwarding_state { FORWARDING } else { 0 });
        });
    }
}

/// RFC 9494 §2 one family of the Long-Lived Graceful Restart capability.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct LlgrFamily {
    pub family: AfiSafi,
    /// F bit: forwarding state was preserved for this family.
    pub forwarding_state: bool,
    /// Long-lived stale time in seconds, 24 bits; larger values are sent as 0xffffff.
    pub stale_time: u32,
}

const MAX_STALE_TIME: u32 = 0x00ff_ffff;

impl LlgrFamily {
    pub(crate) fn read(r: &mut Reader<'_>) -> Field<Self> {
        let family = read_family(r)?;
        let flags = r.u8().map_err(truncated)?;
        let [a, b, c] = r.array::<3>().map_err(truncated)?;
        Ok(LlgrFamily {
            family,
            forwarding_state: flags & FORWARDING != 0,
            stale_time: u32::from_be_bytes([0, a, b, c]),
        })
    }

    pub(crate) fn write(&self, out: &mut Vec<u8>) {
        write_family(self.family, out);
        out.push(if self.forwarding_state { FORWARDING } else { 0 });
        let [_, a, b, c] = self.stale_time.min(MAX_STALE_TIME).to_be_bytes();
        out.extend_from_slice(&[a, b, c]);
    }
}

/// RFC 8950 §4 one entry of the Extended Next Hop Encoding capability: NLRI of
/// (`afi`, `safi`) may carry a next hop of `nexthop_afi`. SAFI is 2 octets here, unlike
/// elsewhere, so it is kept as a number; [`ExtendedNextHop::family`] gives the usual pair.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ExtendedNextHop {
    pub afi: Afi,
    pub safi: u16,
    pub nexthop_afi: Afi,
}

impl ExtendedNextHop {
    /// The NLRI family, if the SAFI fits the 1-octet SAFI space.
    pub fn family(&self) -> Option<AfiSafi> {
        let safi = u8::try_from(self.safi).ok()?;
        Some(AfiSafi::new(self.afi, Safi::from_u8(safi)))
    }

    pub(crate) fn read(r: &mut Reader<'_>) -> Field<Self> {
        Ok(ExtendedNextHop {
            afi: Afi::from_u16(r.u16().map_err(truncated)?),
            safi: r.u16().map_err(truncated)?,
            nexthop_afi: Afi::from_u16(r.u16().map_err(truncated)?),
        })
    }

    pub(crate) fn write(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(&self.afi.to_u16().to_be_bytes());
        out.extend_from_slice(&self.safi.to_be_bytes());
        out.extend_from_slice(&self.nexthop_afi.to_u16().to_be_bytes());
    }
}
