//! Unit tests of the pacer's rules, with exact times.
