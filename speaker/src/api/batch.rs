//! Shared logic of the bulk RPCs: convert a whole batch first, then send the core one
//! command (the 100k-routes path must not make a round trip per item).

use bgpd_api::v1::BatchItemError;
use tonic::Status;

use super::error::FieldError;
use crate::command::{BatchResult, CommandError};

/// Largest number of items a client stream sends to the core in one command.
pub const STREAM_CHUNK: usize = 10_000;
/// How many rejected items a stream summary describes.
pub const MAX_REPORTED_ERRORS: usize = 1000;

/// A batch after conversion: the valid items with their request positions, and the
/// errors of the invalid ones.
pub struct Converted<T> {
    pub valid: Vec<(usize, T)>,
    pub errors: Vec<BatchItemError>,
}

/// Converts every item. Without `allow_partial`, the first bad item fails the call with
/// INVALID_ARGUMENT naming it as `<list>[i].<field>`.
pub fn convert_all<R, T>(
    list: &str,
    items: &[R],
    allow_partial: bool,
    id_of: impl Fn(&R) -> &str,
    convert: impl Fn(&R) -> Result<T, FieldError>,
) -> Result<Converted<T>, Status> {
    let mut out = Converted {
        valid: Vec::with_capacity(items.len()),
        errors: Vec::new(),
    };
    for (i, item) in items.iter().enumerate() {
        match convert(item) {
            Ok(t) => out.valid.push((i, t)),
            Err(e) if !allow_partial => {
                return Err(e.within(&format!("{list}[{i}]")).into());
            }
            Err(e) => out.errors.push(item_error(i, id_of(item), e)),
        }
    }
    Ok(out)
}

/// A rejected item as reported in a batch or stream response.
pub fn item_error(index: usize, id: &str, e: FieldError) -> BatchItemError {
    BatchItemError {
        index: index as u32,
        id: id.to_string(),
        field: e.field,
        message: e.reason,
    }
}

/// A core-side rejection of one item (e.g. ALREADY_EXISTS).
pub fn core_item_error(index: usize, id: &str, e: &CommandError) -> BatchItemError {
    BatchItemError {
        index: index as u32,
        id: id.to_string(),
        field: String::new(),
        message: e.to_string(),
    }
}

/// Spreads the core's per-item results over the request positions: one id per request
/// item (empty where not applied), plus the core's rejections.
pub fn merge_results(
    total: usize,
    positions: &[usize],
    results: BatchResult,
    errors: &mut Vec<BatchItemError>,
) -> Vec<String> {
    let mut ids = vec![String::new(); total];
    for (&i, r) in positions.iter().zip(results) {
        match r {
            Ok(outcome) => {
                if let Some(slot) = ids.get_mut(i) {
                    *slot = outcome.id;
                }
            }
            Err(e) => errors.push(core_item_error(i, "", &e)),
        }
    }
    errors.sort_by_key(|e| e.index);
    ids
}

/// Running totals of a client stream.
#[derive(Debug, Default)]
pub struct StreamSummary {
    pub applied: u64,
    pub failed: u64,
    pub errors: Vec<BatchItemError>,
}

impl StreamSummary {
    /// Records a rejected item (only the first [`MAX_REPORTED_ERRORS`] are described).
    pub fn reject(&mut self, e: BatchItemError) {
        self.failed += 1;
        if self.errors.len() < MAX_REPORTED_ERRORS {
            self.errors.push(e);
        }
    }

    /// Counts the core's results for a chunk whose items sat at `positions`.
    pub fn record(&mut self, positions: &[usize], results: BatchResult) {
        for (&i, r) in positions.iter().zip(results) {
            match r {
                Ok(_) => self.applied += 1,
                Err(e) => self.reject(core_item_error(i, "", &e)),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::command::InjectOutcome;

    fn parse(s: &str) -> Result<u32, FieldError> {
        s.parse().map_err(|_| FieldError::new("prefix", "bad"))
    }

    #[test]
    fn all_or_nothing_names_the_first_bad_item() {
        let items = vec!["1".to_string(), "x".into(), "y".into()];
        let err = convert_all("paths", &items, false, |s| s, |s| parse(s))
            .err()
            .unwrap();
        assert_eq!(err.message(), "paths[1].prefix: bad");
    }

    #[test]
    fn partial_collects_errors_and_positions() {
        let items = vec!["1".to_string(), "x".into(), "3".into()];
        let c = convert_all("paths", &items, true, |s| s, |s| parse(s)).unwrap();
        assert_eq!(c.valid, vec![(0, 1), (2, 3)]);
        assert_eq!(c.errors.len(), 1);
        assert_eq!(
            (c.errors[0].index, c.errors[0].field.as_str()),
            (1, "prefix")
        );
    }

    #[test]
    fn merge_places_ids_and_core_errors() {
        let ok = |id: &str| {
            Ok(InjectOutcome {
                id: id.into(),
                replaced: false,
            })
        };
        let results = vec![ok("a"), Err(CommandError::AlreadyExists("dup".into()))];
        let mut errors = Vec::new();
        let ids = merge_results(3, &[0, 2], results, &mut errors);
        assert_eq!(ids, vec!["a".to_string(), String::new(), String::new()]);
        assert_eq!(errors[0].index, 2);
        assert_eq!(errors[0].message, "dup");
    }

    #[test]
    fn stream_summary_caps_described_errors() {
        let mut s = StreamSummary::default();
        for i in 0..MAX_REPORTED_ERRORS + 5 {
            s.reject(item_error(i, "", FieldError::new("prefix", "bad")));
        }
        assert_eq!(s.failed as usize, MAX_REPORTED_ERRORS + 5);
        assert_eq!(s.errors.len(), MAX_REPORTED_ERRORS);
    }
}
