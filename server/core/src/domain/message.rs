//! Sentences users read, as a code with parameters: the API gives the code and parameters
//! for the frontend to put in the user's language (`web/src/i18n`, zh-CN and English), and
//! an English `message` for scripts and logs.

use serde::Serialize;
use serde_json::{Map, Value};
use std::fmt;

/// One sentence: `code` names the template, `params` fill it, `message` is it in English.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Message {
    pub code: &'static str,
    pub params: Map<String, Value>,
    pub message: String,
}

impl Message {
    /// A message with its English text and no parameters yet.
    pub fn new(code: &'static str, message: String) -> Message {
        Message {
            code,
            params: Map::new(),
            message,
        }
    }

    /// Adds a parameter.
    pub fn with(mut self, name: &str, value: impl Into<Value>) -> Message {
        self.params.insert(name.to_string(), value.into());
        self
    }
}

impl fmt::Display for Message {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

/// The English texts of several messages in one sentence.
pub fn joined(messages: &[Message]) -> String {
    messages
        .iter()
        .map(|m| m.message.as_str())
        .collect::<Vec<_>>()
        .join("; ")
}

/// The English texts of messages, one each (the `problems` field beside `reasons`).
pub fn texts(messages: &[Message]) -> Vec<&str> {
    messages.iter().map(|m| m.message.as_str()).collect()
}
