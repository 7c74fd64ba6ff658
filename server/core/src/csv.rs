//! The CSV dialect of our incident files (written by the generator, read by bulk intake):
//! comma-separated, a field quoted only when it must be.

/// One CSV field as bulk intake reads it back: quoted (quotes doubled) only when it holds a
/// comma, a quote or a line break.
pub fn csv_field(s: &str) -> std::borrow::Cow<'_, str> {
    if s.contains([',', '"', '\n']) {
        std::borrow::Cow::Owned(format!("\"{}\"", s.replace('"', "\"\"")))
    } else {
        std::borrow::Cow::Borrowed(s)
    }
}
