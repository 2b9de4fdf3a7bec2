//! Mapping between the config's [`Family`] names and the codec's (AFI, SAFI) pairs.

use bgp_wire::{Afi, AfiSafi, Safi};

use crate::config::Family;

pub fn to_afi_safi(f: Family) -> AfiSafi {
    AfiSafi::new(Afi::from_u16(f.afi()), Safi::from_u8(f.safi()))
}

pub fn from_afi_safi(fam: AfiSafi) -> Option<Family> {
    Family::ALL.into_iter().find(|f| to_afi_safi(*f) == fam)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_family_maps_both_ways() {
        for f in Family::ALL {
            assert_eq!(from_afi_safi(to_afi_safi(f)), Some(f));
        }
        assert_eq!(to_afi_safi(Family::Ipv6FlowSpec), AfiSafi::IPV6_FLOWSPEC);
    }
}
