//! `--shard M/N`: a deterministic slice of a suite for CI fleets.

use std::fmt;
use std::str::FromStr;

/// How tests are assigned to shards, as in cargo-nextest.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ShardKind {
    /// Test number `i` (in collection order) goes to shard `i mod N + 1`:
    /// even sizes, but adding a test moves the ones after it.
    Count,
    /// A test goes to shard `crc32(node id) mod N + 1`: stable as the suite
    /// changes, sizes only roughly even.
    Hash,
}

/// Shard `index` of `total`, 1-based.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    pub kind: ShardKind,
    pub index: u32,
    pub total: u32,
}

impl FromStr for Shard {
    type Err = String;

    /// Parses `M/N`, `count:M/N` or `hash:M/N`.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let (kind, fraction) = match text.split_once(':') {
            Some(("count", rest)) => (ShardKind::Count, rest),
            Some(("hash", rest)) => (ShardKind::Hash, rest),
            Some((other, _)) => {
                return Err(format!("unknown shard kind `{other}`: use `count:M/N` or `hash:M/N`"));
            }
            None => (ShardKind::Count, text),
        };
        let invalid = || format!("invalid shard `{text}`: expected M/N with 1 <= M <= N, e.g. 2/4 or hash:2/4");
        let (index, total) = fraction.split_once('/').ok_or_else(invalid)?;
        let index: u32 = index.trim().parse().map_err(|_| invalid())?;
        let total: u32 = total.trim().parse().map_err(|_| invalid())?;
        if index == 0 || total == 0 || index > total {
            return Err(invalid());
        }
        Ok(Self { kind, index, total })
    }
}

impl fmt::Display for Shard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = match self.kind {
            ShardKind::Count => "count",
            ShardKind::Hash => "hash",
        };
        write!(f, "{kind}:{}/{}", self.index, self.total)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_three_forms() {
        assert_eq!("2/4".parse::<Shard>().unwrap().to_string(), "count:2/4");
        assert_eq!("hash:1/3".parse::<Shard>().unwrap().kind, ShardKind::Hash);
        assert_eq!("count:3/3".parse::<Shard>().unwrap().index, 3);
    }

    #[test]
    fn rejects_out_of_range_and_garbage() {
        for bad in ["0/2", "3/2", "1/0", "x/2", "2", "slice:1/2", ""] {
            assert!(bad.parse::<Shard>().is_err(), "{bad} parsed");
        }
    }
}
