//! The reader thread of one worker's event pipe: bytes in, events out.

use std::io::{self, BufRead, BufReader};
use std::sync::mpsc;

use crate::events::{Event, parse_line};

/// The longest line the event reader keeps (the collection of a suite of
/// half a million tests); a longer one is not an event and is dropped.
pub(super) const MAX_LINE: usize = 64 << 20;

/// Which process of which slot a message comes from: a restarted slot's
/// old reader may still be draining the pipe of the process before.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Source {
    pub(super) slot: usize,
    pub(super) spawn: u32,
}

/// What a worker's reader thread sends: the lines of one read from the
/// pipe (parsed, or as text when unreadable), then the end of the stream.
pub(super) enum Message {
    Lines(Source, Vec<Result<Event, String>>),
    Closed(Source),
}

/// Reads one worker's pipe until its end, sending one message per read from
/// the pipe, not per line: the supervisor wakes once for everything pytest
/// flushed at once.
pub(super) fn read_events(pipe: io::PipeReader, source: Source, sender: &mpsc::Sender<Message>) {
    let mut reader = BufReader::with_capacity(1 << 16, pipe);
    let mut batch = Vec::new();
    let mut line = Vec::new();
    while let Some(overlong) = read_line_capped(&mut reader, &mut line) {
        if overlong {
            batch.push(Err(format!("a line of more than {} MiB", MAX_LINE >> 20)));
        } else {
            match parse_line(&line) {
                None => {}
                Some(Ok(event)) => batch.push(Ok(event)),
                Some(Err(_)) => batch.push(Err(String::from_utf8_lossy(line.trim_ascii()).into_owned())),
            }
        }
        line.clear();
        if reader.buffer().is_empty()
            && !batch.is_empty()
            && sender.send(Message::Lines(source, std::mem::take(&mut batch))).is_err()
        {
            return;
        }
    }
    if !batch.is_empty() {
        let _ = sender.send(Message::Lines(source, batch));
    }
    let _ = sender.send(Message::Closed(source));
}

/// Reads up to and including the next newline into `line`, keeping at most
/// [`MAX_LINE`] bytes: `Some(true)` for a line that was longer (dropped),
/// `None` at the end of the stream (or on a read error).
fn read_line_capped(reader: &mut impl BufRead, line: &mut Vec<u8>) -> Option<bool> {
    let mut overlong = false;
    loop {
        let buffer = match reader.fill_buf() {
            Ok(buffer) => buffer,
            Err(error) if error.kind() == io::ErrorKind::Interrupted => continue,
            Err(_) => return None,
        };
        if buffer.is_empty() {
            return (!line.is_empty() || overlong).then_some(overlong);
        }
        let newline = buffer.iter().position(|&byte| byte == b'\n');
        let chunk = &buffer[..newline.map_or(buffer.len(), |at| at + 1)];
        if !overlong && line.len() + chunk.len() > MAX_LINE {
            overlong = true;
            line.clear();
        }
        if !overlong {
            line.extend_from_slice(chunk);
        }
        let used = chunk.len();
        reader.consume(used);
        if newline.is_some() {
            return Some(overlong);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_lines_of_any_bytes_and_drops_overlong_ones() {
        let mut input = b"\xff\xfe\n".to_vec();
        input.extend(std::iter::repeat_n(b'x', MAX_LINE + 1));
        input.extend_from_slice(b"\n{\"event\"\nlast");
        let mut reader = BufReader::with_capacity(1024, input.as_slice());
        let mut line = Vec::new();
        let mut seen = Vec::new();
        while let Some(overlong) = read_line_capped(&mut reader, &mut line) {
            seen.push((overlong, String::from_utf8_lossy(&line).into_owned()));
            line.clear();
        }
        let expected = [
            (false, "\u{fffd}\u{fffd}\n"),
            (true, ""),
            (false, "{\"event\"\n"),
            (false, "last"),
        ];
        let expected: Vec<(bool, String)> = expected.iter().map(|(o, t)| (*o, (*t).to_owned())).collect();
        assert_eq!(seen, expected);
    }
}
