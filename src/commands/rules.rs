//! `gatectl rules`: every rule's ID, severity and title.

use super::print;

pub fn run() -> u8 {
    print(&crate::report::rules_table())
}
