//! Code, comment and blank line counts from a file's text and the byte ranges
//! its language module marked as comments (docstrings included).

use std::ops::Range;

use crate::facts::LineCounts;

/// Counts lines: blank when only whitespace, comment when every non-whitespace
/// byte lies in a comment range, code otherwise. `comments` may be unsorted and
/// may overlap.
pub fn count(src: &[u8], comments: &mut [Range<usize>]) -> LineCounts {
    comments.sort_unstable_by_key(|r| r.start);
    let mut counts = LineCounts::default();
    let mut next = 0; // first comment range that may still cover a byte ahead
    let mut has_code = false;
    let mut has_text = false;
    for (i, &b) in src.iter().enumerate() {
        if b == b'\n' {
            bump(&mut counts, has_code, has_text);
            has_code = false;
            has_text = false;
            continue;
        }
        if b.is_ascii_whitespace() {
            continue;
        }
        has_text = true;
        if has_code {
            continue;
        }
        while next < comments.len() && comments[next].end <= i {
            next += 1;
        }
        // Ranges are sorted by start; any range covering i starts at or before i.
        let covered = comments[next..]
            .iter()
            .take_while(|r| r.start <= i)
            .any(|r| r.contains(&i));
        if !covered {
            has_code = true;
        }
    }
    if src.last().is_some_and(|&b| b != b'\n') {
        bump(&mut counts, has_code, has_text);
    }
    counts
}

fn bump(counts: &mut LineCounts, has_code: bool, has_text: bool) {
    if has_code {
        counts.code += 1;
    } else if has_text {
        counts.comment += 1;
    } else {
        counts.blank += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_code_comment_blank() {
        let src = b"a = 1  # c\n\n# only\n  \nb = 2";
        let c0 = src.iter().position(|&b| b == b'#').unwrap();
        let c1 = 12;
        let mut comments = vec![c1..c1 + 6, c0..c0 + 3];
        let counts = count(src, &mut comments);
        assert_eq!(
            counts,
            LineCounts {
                code: 2,
                comment: 1,
                blank: 2
            }
        );
    }

    #[test]
    fn multi_line_comment_spans_lines() {
        let src = b"/* a\n b */ x\ny";
        let mut comments: Vec<std::ops::Range<usize>> = std::iter::once(0..10).collect();
        let counts = count(src, &mut comments);
        assert_eq!(
            counts,
            LineCounts {
                code: 2,
                comment: 1,
                blank: 0
            }
        );
    }

    #[test]
    fn empty_file_has_no_lines() {
        assert_eq!(count(b"", &mut []), LineCounts::default());
    }
}
