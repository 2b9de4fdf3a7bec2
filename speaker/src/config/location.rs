//! Turning byte offsets in the config text into `origin:line:column` locations.

use std::fmt;

/// Where in a config file something is, for error messages (`config.toml:12:3`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    /// The file name (or any label passed to [`parse`](super::parse)).
    pub origin: String,
    /// 1-based line.
    pub line: usize,
    /// 1-based column, counted in characters.
    pub column: usize,
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}", self.origin, self.line, self.column)
    }
}

/// Maps byte offsets of one text to locations; built once per parse.
pub(super) struct LineIndex<'a> {
    origin: &'a str,
    text: &'a str,
    /// Byte offset where each line starts; always begins with 0.
    starts: Vec<usize>,
}

impl<'a> LineIndex<'a> {
    pub(super) fn new(origin: &'a str, text: &'a str) -> Self {
        let newlines = text.match_indices('\n').map(|(i, _)| i + 1);
        let starts = std::iter::once(0).chain(newlines).collect();
        Self {
            origin,
            text,
            starts,
        }
    }

    /// The location of byte `offset` (clamped to the text, so a bad span never panics).
    pub(super) fn locate(&self, offset: usize) -> Location {
        let offset = offset.min(self.text.len());
        let line_idx = self.starts.partition_point(|&s| s <= offset) - 1;
        let start = self.starts[line_idx];
        // Count characters, not bytes; fall back to bytes off a char boundary.
        let column = self
            .text
            .get(start..offset)
            .map_or(offset - start, |s| s.chars().count());
        Location {
            origin: self.origin.to_owned(),
            line: line_idx + 1,
            column: column + 1,
        }
    }

    /// The 1-based line of byte `offset`.
    pub(super) fn line(&self, offset: usize) -> usize {
        self.locate(offset).line
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locates_lines_and_columns() {
        let idx = LineIndex::new("c.toml", "a = 1\nbé = 2\n");
        assert_eq!(idx.locate(0).to_string(), "c.toml:1:1");
        assert_eq!(idx.locate(6).to_string(), "c.toml:2:1");
        // "é" is two bytes but one column.
        assert_eq!(idx.locate(10).column, 4);
        assert_eq!(idx.line(999), 3);
    }
}
