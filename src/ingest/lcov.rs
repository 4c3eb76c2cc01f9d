//! lcov tracefiles (`.info`): `SF:<path>` opens a file's record, each
//! `DA:<line>,<hits>[,<checksum>]` is one coverable line, `end_of_record`
//! closes it. Other records (TN, FN, FNDA, BRDA, LF, LH, …) are read past:
//! qscan counts lines, and LF/LH are sums of the DA lines anyway.
//!
//! A problem is told by its line number, never by quoting the line: the
//! file may not be a report at all (README, "Running on untrusted
//! repositories").

use super::report_file::ReportFile;

pub fn parse(text: &str) -> Result<Vec<ReportFile>, String> {
    let mut files = Vec::new();
    // The record being read, and the line its SF: is on.
    let mut open: Option<(ReportFile, usize)> = None;
    for (i, raw) in text.lines().enumerate() {
        let n = i + 1;
        let line = raw.trim();
        if line.is_empty() {
            continue;
        }
        if line == "end_of_record" {
            match open.take() {
                Some((f, _)) => files.push(f),
                None => return Err(format!("line {n}: end_of_record with no SF: record open")),
            }
            continue;
        }
        let Some((key, value)) = line
            .split_once(':')
            .filter(|(k, _)| !k.is_empty() && k.bytes().all(|b| b.is_ascii_uppercase()))
        else {
            return Err(format!(
                "line {n} is not an lcov line (KEY:value or end_of_record)"
            ));
        };
        match key {
            "SF" => {
                if let Some((_, at)) = &open {
                    return Err(format!(
                        "line {n}: SF: opens a record while the one of line {at} is still open (no end_of_record)"
                    ));
                }
                if value.trim().is_empty() {
                    return Err(format!("line {n}: SF: names no file"));
                }
                open = Some((ReportFile::new(value.trim()), n));
            }
            "DA" => {
                let Some((f, _)) = open.as_mut() else {
                    return Err(format!("line {n}: DA: outside a record (no SF: before it)"));
                };
                let mut fields = value.split(',');
                let number = fields
                    .next()
                    .and_then(|l| l.trim().parse::<u32>().ok())
                    .filter(|l| *l > 0);
                let hits = fields.next().and_then(|h| h.trim().parse::<u64>().ok());
                match (number, hits) {
                    (Some(number), Some(hits)) => f.hit(number, hits),
                    _ => {
                        return Err(format!("line {n}: a DA: line that is not DA:<line>,<hits>"));
                    }
                }
            }
            _ => {}
        }
    }
    if let Some((_, at)) = open {
        return Err(format!(
            "the record of line {at} has no end_of_record (is the report cut short?)"
        ));
    }
    if files.is_empty() {
        return Err("it holds no SF: records".to_string());
    }
    Ok(files)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_and_lines() {
        let files = parse(
            "TN:\nSF:/ci/src/a.py\nFN:1,f\nDA:1,1\nDA:2,0\nDA:3,5,abc\nLF:3\nLH:2\nend_of_record\n\
             SF:b.py\nDA:7,0\nDA:7,2\nend_of_record\n",
        )
        .unwrap();
        assert_eq!(files.len(), 2);
        assert_eq!(files[0].name, "/ci/src/a.py");
        assert_eq!(
            files[0]
                .lines
                .iter()
                .map(|(l, h)| (*l, *h))
                .collect::<Vec<_>>(),
            [(1, 1), (2, 0), (3, 5)]
        );
        // A line named twice is covered when either run hit it.
        assert_eq!(files[1].lines.get(&7), Some(&2));
    }

    #[test]
    fn malformed_reports_say_where() {
        let e = |t: &str| parse(t).unwrap_err();
        assert_eq!(
            e("SF:a.py\nDA:x,1\nend_of_record\n"),
            "line 2: a DA: line that is not DA:<line>,<hits>"
        );
        assert_eq!(
            e("DA:1,1\n"),
            "line 1: DA: outside a record (no SF: before it)"
        );
        assert_eq!(
            e("SF:a.py\nDA:1,1\n"),
            "the record of line 1 has no end_of_record (is the report cut short?)"
        );
        assert_eq!(e("TN:x\n"), "it holds no SF: records");
        assert_eq!(
            e("SF:a.py\nSF:b.py\n"),
            "line 2: SF: opens a record while the one of line 1 is still open (no end_of_record)"
        );
        // The file's text is never quoted: it may be no report at all.
        assert_eq!(
            e("SECRET_TOKEN=abc\n"),
            "line 1 is not an lcov line (KEY:value or end_of_record)"
        );
    }
}
