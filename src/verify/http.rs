//! A small HTTP/1.1 client over TCP or TLS, written for probing: one request per
//! connection, everything bounded by a deadline and a size cap, and a body read as it
//! arrives so that Server-Sent Events are timed as a client sees them (no library
//! buffering in between).

use std::io::{self, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpStream, ToSocketAddrs};
use std::time::{Duration, Instant};

use super::tls::{Identity, TlsClient};
use super::VerifyError;

/// Largest response head (status line and headers) read.
const MAX_HEAD: usize = 64 * 1024;
/// Largest response body kept; the rest is read and dropped (a probe needs the start).
const MAX_BODY: usize = 1024 * 1024;
/// Most SSE events recorded from one response.
const MAX_EVENTS: usize = 1000;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scheme {
    Http,
    Https,
}

/// Where the gateway listens: `--url`, split.
#[derive(Clone, Debug)]
pub struct Endpoint {
    pub scheme: Scheme,
    pub host: String,
    pub port: u16,
    /// Path prefix the API lives under (`""` or e.g. `/anthropic`), without a trailing slash.
    pub base: String,
}

impl Endpoint {
    /// Parses `http(s)://host[:port][/prefix]`. User info, queries and fragments are refused:
    /// a URL is printed in reports, so it must not carry a credential.
    pub fn parse(url: &str) -> Result<Endpoint, VerifyError> {
        let bad = |why: &str| VerifyError::Usage(format!("--url: {why} (expected http(s)://host[:port][/prefix])"));
        let (scheme, rest) = if let Some(rest) = url.strip_prefix("https://") {
            (Scheme::Https, rest)
        } else if let Some(rest) = url.strip_prefix("http://") {
            (Scheme::Http, rest)
        } else {
            return Err(bad("the scheme must be http or https"));
        };
        if rest.contains(['?', '#']) {
            return Err(bad("a query or fragment is not allowed"));
        }
        let (authority, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
        if authority.contains('@') {
            return Err(bad("user info is not allowed: pass credentials with --key-env"));
        }
        let (host, port) = if let Some(v6) = authority.strip_prefix('[') {
            let (host, after) = v6.split_once(']').ok_or_else(|| bad("unclosed `[` in the host"))?;
            (host.to_string(), after.strip_prefix(':'))
        } else {
            match authority.rsplit_once(':') {
                Some((host, port)) => (host.to_string(), Some(port)),
                None => (authority.to_string(), None),
            }
        };
        let valid_host = !host.is_empty()
            && host.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b':' | b'_'));
        if !valid_host {
            return Err(bad("the host is missing or holds characters a host cannot have"));
        }
        let port = match port {
            Some(p) => p.parse::<u16>().ok().filter(|&p| p > 0).ok_or_else(|| bad("the port is not 1–65535"))?,
            None if scheme == Scheme::Https => 443,
            None => 80,
        };
        if !path.bytes().all(|b| b.is_ascii_graphic()) {
            return Err(bad("the path holds spaces or control characters"));
        }
        Ok(Endpoint { scheme, host, port, base: path.trim_end_matches('/').to_string() })
    }

    /// The `Host` header: the port only when it is not the scheme's default.
    fn host_header(&self) -> String {
        let host = if self.host.contains(':') { format!("[{}]", self.host) } else { self.host.clone() };
        match (self.scheme, self.port) {
            (Scheme::Https, 443) | (Scheme::Http, 80) => host,
            _ => format!("{host}:{}", self.port),
        }
    }

    /// The URL as given (it holds no credential: [`Endpoint::parse`] refuses user info).
    pub fn display(&self) -> String {
        let scheme = if self.scheme == Scheme::Https { "https" } else { "http" };
        format!("{scheme}://{}{}", self.host_header(), self.base)
    }

    /// A TCP connection to the first address of the host that accepts, within `deadline`.
    pub fn connect(&self, deadline: Instant) -> io::Result<TcpStream> {
        let addrs: Vec<SocketAddr> = (self.host.as_str(), self.port).to_socket_addrs()?.collect();
        let mut last = io::Error::new(io::ErrorKind::NotFound, format!("{} has no address", self.host));
        for addr in addrs {
            match TcpStream::connect_timeout(&addr, remaining(deadline)?) {
                Ok(stream) => {
                    stream.set_nodelay(true)?;
                    return Ok(stream);
                }
                Err(err) => last = err,
            }
        }
        Err(last)
    }
}

/// Time left before `deadline`, or a timeout error once it has passed.
pub fn remaining(deadline: Instant) -> io::Result<Duration> {
    let left = deadline.saturating_duration_since(Instant::now());
    if left.is_zero() {
        Err(io::Error::new(io::ErrorKind::TimedOut, "timed out"))
    } else {
        Ok(left)
    }
}

/// One request to send.
pub struct Request<'a> {
    pub method: &'a str,
    /// Path (and query) under the endpoint's prefix, e.g. `/v1/messages?beta=true`.
    pub path: &'a str,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

/// A Server-Sent Event and when its last line arrived, counted from when the request was sent.
#[derive(Clone, Debug)]
pub struct Event {
    pub at: Duration,
    pub name: Option<String>,
    pub data: String,
}

#[derive(Debug)]
pub struct Response {
    pub status: u16,
    /// Header names lower-cased, in the order received.
    pub headers: Vec<(String, String)>,
    /// The body, decoded from chunked encoding, cut at [`MAX_BODY`].
    pub body: Vec<u8>,
    /// The SSE events of a `text/event-stream` body.
    pub events: Vec<Event>,
    /// When the head arrived, counted from when the request was sent.
    pub head_at: Duration,
    /// When the body ended.
    pub done_at: Duration,
}

impl Response {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }

    pub fn is_event_stream(&self) -> bool {
        self.header("content-type")
            .is_some_and(|t| t.trim_start().to_ascii_lowercase().starts_with("text/event-stream"))
    }

    pub fn json(&self) -> Option<serde_json::Value> {
        serde_json::from_slice(&self.body).ok()
    }

    /// The start of the body as text, for a detail line.
    pub fn snippet(&self) -> String {
        let text = String::from_utf8_lossy(&self.body[..self.body.len().min(160)]).replace(['\n', '\r'], " ");
        if self.body.len() > 160 {
            format!("{text}…")
        } else {
            text
        }
    }
}

/// What went wrong with a request: the probe turns it into a detail.
#[derive(Debug)]
pub enum HttpError {
    Connect(io::Error),
    Tls(String),
    Io(io::Error),
    Protocol(String),
}

impl std::fmt::Display for HttpError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            HttpError::Connect(e) => write!(f, "cannot connect: {e}"),
            HttpError::Tls(e) => write!(f, "TLS handshake failed: {e}"),
            HttpError::Io(e) if e.kind() == io::ErrorKind::TimedOut || e.kind() == io::ErrorKind::WouldBlock => {
                write!(f, "no complete answer before the timeout")
            }
            HttpError::Io(e) => write!(f, "connection failed: {e}"),
            HttpError::Protocol(e) => write!(f, "not an HTTP/1.1 answer: {e}"),
        }
    }
}

/// A byte stream to the gateway: plain TCP or TLS over it.
enum Stream {
    Plain(TcpStream),
    Tls(Box<openssl::ssl::SslStream<TcpStream>>),
}

impl Stream {
    fn tcp(&self) -> &TcpStream {
        match self {
            Stream::Plain(s) => s,
            Stream::Tls(s) => s.get_ref(),
        }
    }
}

impl Read for Stream {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self {
            Stream::Plain(s) => s.read(buf),
            // A peer that closes without close_notify ends the body like a plain close would.
            Stream::Tls(s) => match s.ssl_read(buf) {
                Ok(n) => Ok(n),
                Err(e) if e.code() == openssl::ssl::ErrorCode::ZERO_RETURN => Ok(0),
                Err(e) if e.code() == openssl::ssl::ErrorCode::SYSCALL && e.io_error().is_none() => Ok(0),
                Err(e) => Err(e.into_io_error().unwrap_or_else(|e| io::Error::other(e.to_string()))),
            },
        }
    }
}

impl Write for Stream {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self {
            Stream::Plain(s) => s.write(buf),
            Stream::Tls(s) => s.write(buf),
        }
    }
    fn flush(&mut self) -> io::Result<()> {
        match self {
            Stream::Plain(s) => s.flush(),
            Stream::Tls(s) => s.flush(),
        }
    }
}

/// Sends one request on a new connection (`Connection: close`) and reads the whole answer
/// before `deadline`, recording SSE events as they arrive.
pub fn send(
    endpoint: &Endpoint,
    tls: Option<(&TlsClient, Identity)>,
    request: &Request,
    deadline: Instant,
) -> Result<Response, HttpError> {
    let tcp = endpoint.connect(deadline).map_err(HttpError::Connect)?;
    let io_timeout = |stream: &TcpStream| -> io::Result<()> {
        let left = remaining(deadline)?;
        stream.set_read_timeout(Some(left))?;
        stream.set_write_timeout(Some(left))
    };
    io_timeout(&tcp).map_err(HttpError::Io)?;
    let mut stream = match (endpoint.scheme, tls) {
        (Scheme::Https, Some((client, identity))) => {
            Stream::Tls(Box::new(client.connect(&endpoint.host, tcp, identity).map_err(HttpError::Tls)?))
        }
        (Scheme::Https, None) => return Err(HttpError::Tls("no TLS settings for an https URL".into())),
        (Scheme::Http, _) => Stream::Plain(tcp),
    };
    let mut head = format!(
        "{} {}{} HTTP/1.1\r\nHost: {}\r\n",
        request.method,
        endpoint.base,
        request.path,
        endpoint.host_header()
    );
    for (name, value) in &request.headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str(&format!("Content-Length: {}\r\nConnection: close\r\n\r\n", request.body.len()));
    let started = Instant::now();
    io_timeout(stream.tcp()).map_err(HttpError::Io)?;
    stream.write_all(head.as_bytes()).and_then(|()| stream.write_all(&request.body)).map_err(HttpError::Io)?;
    stream.flush().map_err(HttpError::Io)?;
    let response = read_response(&mut stream, started, deadline);
    let _ = stream.tcp().shutdown(Shutdown::Both);
    response
}

fn read_response(stream: &mut Stream, started: Instant, deadline: Instant) -> Result<Response, HttpError> {
    let mut reader = Reader { stream, buffer: Vec::new(), deadline };
    let head_end = loop {
        if let Some(end) = find(&reader.buffer, b"\r\n\r\n") {
            break end;
        }
        if reader.buffer.len() > MAX_HEAD {
            return Err(HttpError::Protocol("the response head is larger than 64 KiB".into()));
        }
        if reader.fill().map_err(HttpError::Io)? == 0 {
            return Err(HttpError::Protocol("the connection closed before a complete response head".into()));
        }
    };
    let head_at = started.elapsed();
    let head = String::from_utf8_lossy(&reader.buffer[..head_end]).into_owned();
    reader.buffer.drain(..head_end + 4);
    let mut lines = head.split("\r\n");
    let status_line = lines.next().unwrap_or_default();
    let status = status_line
        .strip_prefix("HTTP/1.")
        .and_then(|rest| rest.get(2..5))
        .and_then(|code| code.parse::<u16>().ok())
        .ok_or_else(|| {
            HttpError::Protocol(format!("status line `{}`", status_line.chars().take(60).collect::<String>()))
        })?;
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    let mut response = Response { status, headers, body: Vec::new(), events: Vec::new(), head_at, done_at: head_at };
    let chunked = response.header("transfer-encoding").is_some_and(|t| t.to_ascii_lowercase().contains("chunked"));
    let length = response.header("content-length").and_then(|l| l.parse::<usize>().ok());
    let mut sse = response.is_event_stream().then(SseParser::default);
    let no_body = (100..200).contains(&status) || status == 204 || status == 304;
    let mut body = |bytes: &[u8], response: &mut Response| {
        let keep = MAX_BODY.saturating_sub(response.body.len()).min(bytes.len());
        response.body.extend_from_slice(&bytes[..keep]);
        if let Some(parser) = sse.as_mut() {
            parser.feed(bytes, started.elapsed(), &mut response.events);
        }
    };
    if no_body {
    } else if chunked {
        loop {
            let size_end = reader.until(b"\r\n").map_err(HttpError::Io)?;
            let size_line = String::from_utf8_lossy(&reader.buffer[..size_end]).into_owned();
            reader.buffer.drain(..size_end + 2);
            let size = usize::from_str_radix(size_line.split(';').next().unwrap_or("").trim(), 16).map_err(|_| {
                HttpError::Protocol(format!("chunk size `{}`", size_line.chars().take(20).collect::<String>()))
            })?;
            if size == 0 {
                break;
            }
            let mut left = size;
            while left > 0 {
                if reader.buffer.is_empty() && reader.fill().map_err(HttpError::Io)? == 0 {
                    return Err(HttpError::Protocol("the connection closed inside a chunk".into()));
                }
                let take = left.min(reader.buffer.len());
                let bytes: Vec<u8> = reader.buffer.drain(..take).collect();
                body(&bytes, &mut response);
                left -= take;
            }
            let crlf = reader.until(b"\r\n").map_err(HttpError::Io)?;
            reader.buffer.drain(..crlf + 2);
        }
    } else {
        let mut left = length.unwrap_or(usize::MAX);
        loop {
            if reader.buffer.is_empty() && (left == 0 || reader.fill().map_err(HttpError::Io)? == 0) {
                break;
            }
            let take = left.min(reader.buffer.len());
            let bytes: Vec<u8> = reader.buffer.drain(..take).collect();
            body(&bytes, &mut response);
            left -= take;
            if left == 0 {
                break;
            }
        }
        if left > 0 && left != usize::MAX && length.is_some() {
            return Err(HttpError::Protocol("the connection closed before the announced content length".into()));
        }
    }
    response.done_at = started.elapsed();
    Ok(response)
}

/// Bytes read from the stream but not yet consumed; every read honours the deadline.
struct Reader<'a> {
    stream: &'a mut Stream,
    buffer: Vec<u8>,
    deadline: Instant,
}

impl Reader<'_> {
    fn fill(&mut self) -> io::Result<usize> {
        self.stream.tcp().set_read_timeout(Some(remaining(self.deadline)?))?;
        let mut chunk = [0u8; 16 * 1024];
        let n = self.stream.read(&mut chunk)?;
        self.buffer.extend_from_slice(&chunk[..n]);
        Ok(n)
    }

    /// Reads until `needle` is buffered; its offset.
    fn until(&mut self, needle: &[u8]) -> io::Result<usize> {
        loop {
            if let Some(at) = find(&self.buffer, needle) {
                return Ok(at);
            }
            if self.buffer.len() > MAX_HEAD {
                return Err(io::Error::new(io::ErrorKind::InvalidData, "a chunk-size line longer than 64 KiB"));
            }
            if self.fill()? == 0 {
                return Err(io::Error::new(
                    io::ErrorKind::UnexpectedEof,
                    "the connection closed inside a chunk header",
                ));
            }
        }
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// Splits an event stream into events (a blank line ends one), timing each by when its last
/// byte arrived.
#[derive(Default)]
struct SseParser {
    line: Vec<u8>,
    name: Option<String>,
    data: Vec<String>,
}

impl SseParser {
    fn feed(&mut self, bytes: &[u8], at: Duration, events: &mut Vec<Event>) {
        for &b in bytes {
            if b != b'\n' {
                if self.line.len() < MAX_BODY {
                    self.line.push(b);
                }
                continue;
            }
            let line = String::from_utf8_lossy(&self.line).trim_end_matches('\r').to_string();
            self.line.clear();
            if line.is_empty() {
                if (!self.data.is_empty() || self.name.is_some()) && events.len() < MAX_EVENTS {
                    events.push(Event { at, name: self.name.take(), data: self.data.join("\n") });
                }
                self.data.clear();
                self.name = None;
            } else if let Some(value) = line.strip_prefix("data:") {
                self.data.push(value.strip_prefix(' ').unwrap_or(value).to_string());
            } else if let Some(value) = line.strip_prefix("event:") {
                self.name = Some(value.trim().to_string());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_parse_and_refuse_what_a_report_must_not_print() {
        let e = Endpoint::parse("https://gw.example.com/anthropic/").unwrap();
        assert_eq!(
            (e.scheme, e.host.as_str(), e.port, e.base.as_str()),
            (Scheme::Https, "gw.example.com", 443, "/anthropic")
        );
        assert_eq!(e.host_header(), "gw.example.com");
        let e = Endpoint::parse("http://127.0.0.1:8080").unwrap();
        assert_eq!((e.port, e.host_header()), (8080, "127.0.0.1:8080".to_string()));
        let e = Endpoint::parse("https://[::1]:8443").unwrap();
        assert_eq!((e.host.as_str(), e.host_header()), ("::1", "[::1]:8443".to_string()));
        for bad in [
            "ftp://x",
            "https://user:sk-ant-secret@gw.example.com",
            "https://gw/?key=1",
            "https://:443",
            "https://gw:0",
            "https://gw:99999",
            "https://g w",
            "https://gw/a b",
        ] {
            assert!(Endpoint::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn events_are_split_on_blank_lines_with_their_names() {
        let mut parser = SseParser::default();
        let mut events = Vec::new();
        parser.feed(
            b"event: message_start\r\ndata: {\"a\":1}\r\n\r\ndata: x\ndata: y\n",
            Duration::from_millis(5),
            &mut events,
        );
        parser.feed(b"\n: comment\n\n", Duration::from_millis(9), &mut events);
        assert_eq!(events.len(), 2);
        assert_eq!((events[0].name.as_deref(), events[0].data.as_str()), (Some("message_start"), "{\"a\":1}"));
        assert_eq!((events[1].data.as_str(), events[1].at), ("x\ny", Duration::from_millis(9)));
    }

    /// A loopback server that reads one request and writes `parts`, `pause` apart.
    fn serve(parts: Vec<&'static [u8]>, pause: Duration) -> Endpoint {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        std::thread::spawn(move || {
            let (mut stream, _) = listener.accept().unwrap();
            let mut head = [0u8; 4096];
            let _ = stream.read(&mut head);
            for part in parts {
                let _ = stream.write_all(part);
                let _ = stream.flush();
                std::thread::sleep(pause);
            }
        });
        Endpoint::parse(&format!("http://127.0.0.1:{port}")).unwrap()
    }

    fn get(endpoint: &Endpoint) -> Result<Response, HttpError> {
        let request = Request { method: "GET", path: "/", headers: Vec::new(), body: Vec::new() };
        send(endpoint, None, &request, Instant::now() + Duration::from_secs(10))
    }

    #[test]
    fn chunked_event_streams_are_decoded_and_timed_as_they_arrive() {
        let endpoint = serve(
            vec![
                b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n",
                b"d\r\ndata: first\n\n\r\n",
                b"7\r\ndata: s\r\n",
                b"7\r\necond\n\n\r\n0\r\n\r\n",
            ],
            Duration::from_millis(60),
        );
        let response = get(&endpoint).unwrap();
        assert_eq!((response.status, response.header("content-type")), (200, Some("text/event-stream")));
        assert_eq!(response.body, b"data: first\n\ndata: second\n\n");
        let data: Vec<&str> = response.events.iter().map(|e| e.data.as_str()).collect();
        assert_eq!(data, ["first", "second"]);
        assert!(response.events[1].at - response.events[0].at >= Duration::from_millis(100), "{:?}", response.events);
    }

    #[test]
    fn bodies_end_by_length_or_close_and_short_ones_are_errors() {
        let by_length = serve(vec![b"HTTP/1.1 404 Not Found\r\nContent-Length: 3\r\n\r\nabcdef"], Duration::ZERO);
        assert_eq!(get(&by_length).unwrap().body, b"abc");
        let by_close = serve(vec![b"HTTP/1.0 200 OK\r\n\r\nuntil ", b"close"], Duration::from_millis(10));
        assert_eq!(get(&by_close).unwrap().body, b"until close");
        let short = serve(vec![b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc"], Duration::ZERO);
        assert!(matches!(get(&short), Err(HttpError::Protocol(_))));
        let garbage = serve(vec![b"SSH-2.0-OpenSSH_9.2\r\n\r\n"], Duration::ZERO);
        assert!(matches!(get(&garbage), Err(HttpError::Protocol(_))));
    }
}
