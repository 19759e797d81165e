//! Line arithmetic on source text, shared by the fixers that insert or
//! replace whole lines.

/// The offset of the start of the line that holds `offset`.
pub fn line_start(source: &str, offset: usize) -> usize {
    source[..offset].rfind('\n').map_or(0, |at| at + 1)
}

/// The offset just past the end (the newline) of the line that holds `offset`.
pub fn line_end(source: &str, offset: usize) -> usize {
    source[offset..].find('\n').map_or(source.len(), |at| offset + at + 1)
}

/// The indentation of the line that holds `offset`.
pub fn indentation(source: &str, offset: usize) -> &str {
    let line = &source[line_start(source, offset)..];
    &line[..line.len() - line.trim_start().len()]
}
