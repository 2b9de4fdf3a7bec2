//! Cross-module tests: RFC examples, every error, property tests.
