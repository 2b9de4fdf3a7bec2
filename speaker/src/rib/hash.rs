//! The RIB's hash maps and sets: foldhash instead of std's SipHash, which was about a tenth of
//! the CPU of injecting 100k routes (keys are small and hashed many times per route). The
//! seed is random per map, as with std, so a peer cannot aim collisions at a known hash.

pub type HashMap<K, V> = std::collections::HashMap<K, V, foldhash::fast::RandomState>;
pub type HashSet<K> = std::collections::HashSet<K, foldhash::fast::RandomState>;
