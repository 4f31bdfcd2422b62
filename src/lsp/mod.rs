//! `atlas lsp`: a Language Server Protocol server over standard input and output.
//!
//! Takes the site root (or the editor's workspace folder) and the editor's messages; gives
//! `atlas check`'s diagnostics for the whole site as the buffers are typed (debounced), and
//! completion, hover, go to definition, find references, rename of a page's slug and quick
//! fixes. It loads and checks the site with the same code as `atlas check` and `atlas serve`
//! (the open buffers are read instead of their files). Must not write any file: every change
//! is an edit sent to the editor, which applies it.
//!
//! One file per feature: [`state`] (the buffers and the last check), [`diagnostics`],
//! [`completion`], [`hover`], [`definition`], [`references`], [`rename`], [`actions`];
//! [`syntax`] says what is under the cursor and [`position`] converts positions.

pub mod actions;
pub mod completion;
pub mod definition;
pub mod diagnostics;
pub mod hover;
pub mod position;
pub mod references;
pub mod rename;
pub mod state;
pub mod syntax;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crossbeam_channel::RecvTimeoutError;
use lsp_server::{Connection, ErrorCode, Message, Notification, Request, RequestId, Response};
use lsp_types::notification::Notification as _;
use lsp_types::request::Request as _;
use lsp_types::{
    CodeActionProviderCapability, CompletionOptions, HoverProviderCapability, InitializeParams,
    OneOf, PositionEncodingKind, SaveOptions, ServerCapabilities, ServerInfo,
    TextDocumentSyncCapability, TextDocumentSyncKind, TextDocumentSyncOptions,
    TextDocumentSyncSaveOptions, Uri,
};

use position::Encoding;
use state::Workspace;

/// How long after the last keystroke the site is checked again.
pub const DEBOUNCE: Duration = Duration::from_millis(150);

/// Why the server stopped.
#[derive(Debug, thiserror::Error)]
pub enum LspError {
    /// The connection failed (the editor went away mid-message, or sent something that is
    /// not JSON-RPC).
    #[error("language server connection: {0}")]
    Protocol(String),
    /// No site root was found.
    #[error(
        "no atlas.toml in {0} or any folder above it: start `atlas lsp` in a site (or pass --root)"
    )]
    NoSite(PathBuf),
}

impl From<lsp_server::ProtocolError> for LspError {
    fn from(e: lsp_server::ProtocolError) -> Self {
        LspError::Protocol(e.to_string())
    }
}

/// The folder holding atlas.toml at or above `dir`.
fn find_root(dir: &Path) -> Option<PathBuf> {
    let dir = std::path::absolute(dir).ok()?;
    dir.ancestors()
        .find(|d| crate::build::is_site_root(d))
        .map(Path::to_path_buf)
}

/// Runs the server on standard input and output until the editor says `exit`. `root`: the
/// site root; when None, the editor's workspace folder (or the current folder), or the first
/// folder above it that holds atlas.toml.
pub fn run(root: Option<PathBuf>) -> Result<(), LspError> {
    let (connection, io) = Connection::stdio();
    serve(&connection, root)?;
    drop(connection);
    io.join().map_err(|e| LspError::Protocol(e.to_string()))?;
    Ok(())
}

/// The server on an established connection (see [`run`]).
pub fn serve(connection: &Connection, root: Option<PathBuf>) -> Result<(), LspError> {
    let (id, params) = connection.initialize_start()?;
    let params: InitializeParams = serde_json::from_value(params)
        .map_err(|e| LspError::Protocol(format!("initialize: {e}")))?;
    let offered = params
        .capabilities
        .general
        .as_ref()
        .and_then(|g| g.position_encodings.clone())
        .unwrap_or_default();
    let enc = if offered.contains(&PositionEncodingKind::UTF8) {
        Encoding::Utf8
    } else {
        Encoding::Utf16
    };
    #[allow(deprecated)]
    let client_dir = params
        .workspace_folders
        .as_ref()
        .and_then(|f| f.first())
        .and_then(|f| position::path(&f.uri))
        .or_else(|| params.root_uri.as_ref().and_then(position::path));
    let start = root.or(client_dir).unwrap_or_else(|| PathBuf::from("."));
    let site = find_root(&start);
    let caps = ServerCapabilities {
        position_encoding: Some(match enc {
            Encoding::Utf8 => PositionEncodingKind::UTF8,
            Encoding::Utf16 => PositionEncodingKind::UTF16,
        }),
        text_document_sync: Some(TextDocumentSyncCapability::Options(
            TextDocumentSyncOptions {
                open_close: Some(true),
                change: Some(TextDocumentSyncKind::INCREMENTAL),
                save: Some(TextDocumentSyncSaveOptions::SaveOptions(SaveOptions {
                    include_text: Some(false),
                })),
                ..Default::default()
            },
        )),
        completion_provider: Some(CompletionOptions {
            trigger_characters: Some(
                ["/", "@", "#", "\"", ".", "["]
                    .iter()
                    .map(|s| s.to_string())
                    .collect(),
            ),
            ..Default::default()
        }),
        hover_provider: Some(HoverProviderCapability::Simple(true)),
        definition_provider: Some(OneOf::Left(true)),
        references_provider: Some(OneOf::Left(true)),
        rename_provider: Some(OneOf::Left(true)),
        code_action_provider: Some(CodeActionProviderCapability::Simple(true)),
        ..Default::default()
    };
    let result = serde_json::json!({
        "capabilities": caps,
        "serverInfo": ServerInfo { name: "atlas".into(), version: Some(env!("CARGO_PKG_VERSION").into()) },
    });
    connection.initialize_finish(id, result)?;
    let Some(site) = site else {
        let e = LspError::NoSite(start);
        show_error(connection, &e.to_string());
        // Answer until the editor stops the server, so that it can say why.
        return idle(connection);
    };
    Server {
        connection,
        ws: Workspace::new(&site),
        enc,
        due: Some(Instant::now()),
        published: diagnostics::Published::default(),
    }
    .main_loop()
}

fn show_error(connection: &Connection, message: &str) {
    let params = lsp_types::ShowMessageParams {
        typ: lsp_types::MessageType::ERROR,
        message: message.to_string(),
    };
    let _ = connection
        .sender
        .send(Message::Notification(Notification::new(
            lsp_types::notification::ShowMessage::METHOD.into(),
            params,
        )));
}

/// Refuses every request until shutdown (no site).
fn idle(connection: &Connection) -> Result<(), LspError> {
    for msg in &connection.receiver {
        if let Message::Request(req) = msg {
            if connection.handle_shutdown(&req)? {
                return Ok(());
            }
            reply_err(
                connection,
                req.id,
                "no atlas site: see the error shown at start",
            );
        }
    }
    Ok(())
}

fn reply_err(connection: &Connection, id: RequestId, message: &str) {
    let _ = connection.sender.send(Message::Response(Response::new_err(
        id,
        ErrorCode::RequestFailed as i32,
        message.to_string(),
    )));
}

struct Server<'a> {
    connection: &'a Connection,
    ws: Workspace,
    enc: Encoding,
    /// When the site is to be checked again (None: up to date).
    due: Option<Instant>,
    /// What was last published for each file whose diagnostics were not empty.
    published: diagnostics::Published,
}

impl Server<'_> {
    fn main_loop(mut self) -> Result<(), LspError> {
        loop {
            let msg = match self.due {
                Some(due) => {
                    let wait = due.saturating_duration_since(Instant::now());
                    match self.connection.receiver.recv_timeout(wait) {
                        Ok(m) => m,
                        Err(RecvTimeoutError::Timeout) => {
                            self.check();
                            continue;
                        }
                        Err(RecvTimeoutError::Disconnected) => return Ok(()),
                    }
                }
                None => match self.connection.receiver.recv() {
                    Ok(m) => m,
                    Err(_) => return Ok(()),
                },
            };
            match msg {
                Message::Request(req) => {
                    if self.connection.handle_shutdown(&req)? {
                        return Ok(());
                    }
                    self.request(req);
                }
                Message::Notification(n) => self.notification(n),
                Message::Response(_) => {}
            }
        }
    }

    /// Checks the site and publishes what changed.
    fn check(&mut self) {
        self.due = None;
        let by_file = self.ws.check();
        let notes = self
            .ws
            .notifications(by_file, &mut self.published, self.enc);
        for n in notes {
            let _ = self
                .connection
                .sender
                .send(Message::Notification(Notification::new(
                    lsp_types::notification::PublishDiagnostics::METHOD.into(),
                    n,
                )));
        }
    }

    fn notification(&mut self, n: Notification) {
        use lsp_types::notification as N;
        match n.method.as_str() {
            N::DidOpenTextDocument::METHOD => {
                if let Ok(p) =
                    serde_json::from_value::<lsp_types::DidOpenTextDocumentParams>(n.params)
                {
                    if let Some(path) = position::path(&p.text_document.uri) {
                        if let Some(rel) = self.ws.rel(&path) {
                            self.published.resend(&rel);
                        }
                        self.ws.set_text(path, p.text_document.text);
                        self.due = Some(Instant::now() + DEBOUNCE);
                    }
                }
            }
            N::DidChangeTextDocument::METHOD => {
                if let Ok(p) =
                    serde_json::from_value::<lsp_types::DidChangeTextDocumentParams>(n.params)
                {
                    let Some(path) = position::path(&p.text_document.uri) else {
                        return;
                    };
                    let mut text = self.ws.text(&path).unwrap_or_default();
                    for c in p.content_changes {
                        match c.range {
                            Some(r) => {
                                let s = position::offset(&text, r.start, self.enc);
                                let e = position::offset(&text, r.end, self.enc).max(s);
                                text.replace_range(s..e, &c.text);
                            }
                            None => text = c.text,
                        }
                    }
                    self.ws.set_text(path, text);
                    self.due = Some(Instant::now() + DEBOUNCE);
                }
            }
            N::DidCloseTextDocument::METHOD => {
                if let Ok(p) =
                    serde_json::from_value::<lsp_types::DidCloseTextDocumentParams>(n.params)
                {
                    if let Some(path) = position::path(&p.text_document.uri) {
                        self.ws.close(&path);
                        self.due = Some(Instant::now() + DEBOUNCE);
                    }
                }
            }
            // A save, or a file changed by another program: the check reads it again.
            N::DidSaveTextDocument::METHOD | N::DidChangeWatchedFiles::METHOD => {
                self.due = Some(Instant::now() + DEBOUNCE);
            }
            _ => {}
        }
    }

    /// The buffer and byte offset of a text document position.
    fn at(&self, uri: &Uri, pos: lsp_types::Position) -> Option<(PathBuf, String, usize)> {
        let path = position::path(uri)?;
        let text = self.ws.text(&path)?;
        let off = position::offset(&text, pos, self.enc);
        Some((path, text, off))
    }

    fn request(&mut self, req: Request) {
        use lsp_types::request as R;
        let id = req.id.clone();
        // Answers use the site as the buffers have it now: a check still due runs first.
        if self.due.is_some() {
            self.check();
        }
        let result: Result<serde_json::Value, String> = match req.method.as_str() {
            R::Completion::METHOD => parse::<lsp_types::CompletionParams>(req).map(|p| {
                let tp = p.text_document_position;
                let items = self
                    .at(&tp.text_document.uri, tp.position)
                    .map(|(path, text, off)| {
                        completion::complete(&self.ws, &path, &text, off, self.enc)
                    })
                    .unwrap_or_default();
                json(lsp_types::CompletionResponse::Array(items))
            }),
            R::HoverRequest::METHOD => {
                parse::<lsp_types::HoverParams>(req).map(|p| {
                    let tp = p.text_document_position_params;
                    json(self.at(&tp.text_document.uri, tp.position).and_then(
                        |(path, text, off)| hover::hover(&self.ws, &path, &text, off, self.enc),
                    ))
                })
            }
            R::GotoDefinition::METHOD => parse::<lsp_types::GotoDefinitionParams>(req).map(|p| {
                let tp = p.text_document_position_params;
                json(
                    self.at(&tp.text_document.uri, tp.position)
                        .and_then(|(path, text, off)| {
                            definition::definition(&self.ws, &path, &text, off, self.enc)
                        }),
                )
            }),
            R::References::METHOD => parse::<lsp_types::ReferenceParams>(req).map(|p| {
                let tp = p.text_document_position;
                json(
                    self.at(&tp.text_document.uri, tp.position)
                        .map(|(path, text, off)| {
                            references::references(
                                &self.ws,
                                &path,
                                &text,
                                off,
                                p.context.include_declaration,
                                self.enc,
                            )
                        })
                        .unwrap_or_default(),
                )
            }),
            R::Rename::METHOD => parse::<lsp_types::RenameParams>(req).and_then(|p| {
                let tp = p.text_document_position;
                let (path, text, off) = self
                    .at(&tp.text_document.uri, tp.position)
                    .ok_or("the document is not open or readable")?;
                rename::rename(&self.ws, &path, &text, off, &p.new_name, self.enc)
                    .map(json)
                    .map_err(|e| e.to_string())
            }),
            R::CodeActionRequest::METHOD => parse::<lsp_types::CodeActionParams>(req).map(|p| {
                let uri = &p.text_document.uri;
                let found = self.at(uri, p.range.start).map(|(path, text, s)| {
                    let e = position::offset(&text, p.range.end, self.enc);
                    let today = chrono::Local::now().date_naive();
                    actions::actions(&self.ws, &path, &text, s..e.max(s), today, self.enc)
                });
                json(found.unwrap_or_default())
            }),
            _ => {
                let _ = self
                    .connection
                    .sender
                    .send(Message::Response(Response::new_err(
                        id,
                        ErrorCode::MethodNotFound as i32,
                        format!("atlas lsp does not handle {}", req.method),
                    )));
                return;
            }
        };
        let resp = match result {
            Ok(v) => Response::new_ok(id, v),
            Err(e) => Response::new_err(id, ErrorCode::RequestFailed as i32, e),
        };
        let _ = self.connection.sender.send(Message::Response(resp));
    }
}

fn parse<P: serde::de::DeserializeOwned>(req: Request) -> Result<P, String> {
    serde_json::from_value(req.params).map_err(|e| format!("{}: bad parameters: {e}", req.method))
}

fn json<T: serde::Serialize>(v: T) -> serde_json::Value {
    serde_json::to_value(v).unwrap_or(serde_json::Value::Null)
}
