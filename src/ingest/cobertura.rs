//! Cobertura XML (coverage.py's `coverage xml`, JaCoCo converters, `cargo
//! llvm-cov --cobertura`): each `<class filename=…>` holds `<lines>` of
//! `<line number=… hits=…/>`; `<sources><source>` name the folders the file
//! names are relative to. Only a class's own `<lines>` are read (its
//! `<methods>` repeat the same lines).

use roxmltree::{Document, Node, ParsingOptions};

use super::report_file::ReportFile;

pub fn parse(text: &str) -> Result<Vec<ReportFile>, String> {
    read(&document(text)?)
}

/// Parses XML for a report reader (Cobertura or JaCoCo), saying where it
/// breaks but never what it holds.
pub fn document(text: &str) -> Result<Document<'_>, String> {
    // Cobertura and JaCoCo files often carry a DOCTYPE; roxmltree never
    // fetches it.
    let options = ParsingOptions {
        allow_dtd: true,
        ..ParsingOptions::default()
    };
    // Where the XML breaks, not the parser's words: they may quote the text,
    // and the file may not be a report at all.
    Document::parse_with_options(text, options).map_err(|e| match e {
        roxmltree::Error::UnclosedRootNode => {
            "invalid XML: the root element is never closed (is the report cut short?)".to_string()
        }
        roxmltree::Error::NoRootNode => "invalid XML: it has no root element".to_string(),
        e => {
            let at = e.pos();
            format!("invalid XML at line {}, column {}", at.row, at.col)
        }
    })
}

/// The files of a parsed Cobertura report.
pub fn read(doc: &Document) -> Result<Vec<ReportFile>, String> {
    let root = doc.root_element();
    if root.tag_name().name() != "coverage" {
        return Err("it is XML but not Cobertura: its root element is not <coverage>".to_string());
    }
    let line_of = |node: Node| doc.text_pos_at(node.range().start).row;
    let sources: Vec<&str> = root
        .children()
        .filter(|n| n.has_tag_name("sources"))
        .flat_map(|s| s.children().filter(|n| n.has_tag_name("source")))
        .filter_map(|s| s.text().map(str::trim))
        .filter(|s| !s.is_empty())
        .collect();
    let mut files = Vec::new();
    for class in root.descendants().filter(|n| n.has_tag_name("class")) {
        let Some(name) = class
            .attribute("filename")
            .map(str::trim)
            .filter(|n| !n.is_empty())
        else {
            return Err(format!("line {}: <class> has no filename", line_of(class)));
        };
        let mut file = ReportFile::new(name);
        file.candidates = sources
            .iter()
            .map(|s| format!("{}/{name}", s.trim_end_matches(['/', '\\'])))
            .collect();
        let lines = class
            .children()
            .filter(|n| n.has_tag_name("lines"))
            .flat_map(|l| l.children().filter(|n| n.has_tag_name("line")));
        for line in lines {
            let number = line
                .attribute("number")
                .and_then(|v| v.trim().parse::<u32>().ok())
                .filter(|n| *n > 0);
            let hits = line.attribute("hits").and_then(hits);
            match (number, hits) {
                (Some(number), Some(hits)) => file.hit(number, hits),
                _ => {
                    return Err(format!(
                        "line {}: <line> needs number=\"LINE\" (1 or more) and hits=\"COUNT\"",
                        line_of(line)
                    ));
                }
            }
        }
        files.push(file);
    }
    if files.is_empty() {
        return Err("it holds no <class filename=…> elements".to_string());
    }
    Ok(files)
}

/// A hit count; some writers give it as a float ("3.0").
fn hits(text: &str) -> Option<u64> {
    let t = text.trim();
    t.parse::<u64>().ok().or_else(|| {
        t.parse::<f64>()
            .ok()
            .filter(|h| h.is_finite() && *h >= 0.0)
            .map(|h| h as u64)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const REPORT: &str = r#"<?xml version="1.0" ?>
<!DOCTYPE coverage SYSTEM "http://cobertura.sourceforge.net/xml/coverage-04.dtd">
<coverage line-rate="0.5" version="7.4">
  <sources>
    <source>/ci/checkout/src</source>
  </sources>
  <packages><package name="app"><classes>
    <class name="x.py" filename="app/x.py">
      <methods><method name="f"><lines><line number="1" hits="1"/></lines></method></methods>
      <lines>
        <line number="1" hits="1"/>
        <line number="2" hits="0" branch="true" condition-coverage="50% (1/2)"/>
      </lines>
    </class>
  </classes></package></packages>
</coverage>
"#;

    #[test]
    fn classes_lines_and_sources() {
        let files = parse(REPORT).unwrap();
        assert_eq!(files.len(), 1);
        assert_eq!(files[0].name, "app/x.py");
        assert_eq!(files[0].candidates, ["/ci/checkout/src/app/x.py"]);
        assert_eq!(
            files[0]
                .lines
                .iter()
                .map(|(l, h)| (*l, *h))
                .collect::<Vec<_>>(),
            [(1, 1), (2, 0)]
        );
    }

    #[test]
    fn malformed_reports_say_where() {
        let e = parse("<coverage><packages><class filename=\"a.py\"><lines>\n<line number=\"x\" hits=\"1\"/></lines></class></packages></coverage>")
            .unwrap_err();
        assert_eq!(
            e,
            "line 2: <line> needs number=\"LINE\" (1 or more) and hits=\"COUNT\""
        );
        let e = parse("<coverage><class/></coverage>").unwrap_err();
        assert_eq!(e, "line 1: <class> has no filename");
        assert_eq!(
            parse("<coverage>\n<class>").unwrap_err(),
            "invalid XML: the root element is never closed (is the report cut short?)"
        );
        // Where, never what: the parser's own words may quote the text.
        assert_eq!(
            parse("<coverage>\n<a></SECRET_TOKEN>").unwrap_err(),
            "invalid XML at line 2, column 4"
        );
        assert_eq!(
            parse("<coverage/>").unwrap_err(),
            "it holds no <class filename=…> elements"
        );
    }
}
