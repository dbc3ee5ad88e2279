//! `gatectl targets`: the capability matrix, what each target enforces of a policy.

use super::print;

pub fn run() -> u8 {
    print(&crate::render::capability::matrix())
}
