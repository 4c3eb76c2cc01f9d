//! javascript: turns a syntax tree into facts.

use tree_sitter::Tree;

use crate::analyze::Scratch;
use crate::facts::FileFacts;

pub fn analyze(tree: &Tree, src: &str, facts: &mut FileFacts, scratch: &mut Scratch) {
    let _ = (tree, src, facts, scratch);
}
