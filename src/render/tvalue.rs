//! Template values built directly as [`tera::Value`]s.
//!
//! The renderer used to build every page's context with `serde_json::json!` and let Tera
//! convert it (`Context::insert` serialises the JSON value again into its own values): at
//! 1,000 pages those two steps were a fifth of the build's instructions. [`obj!`] builds a
//! Tera map in one step from borrowed data, and [`Tv`] says how each Rust value becomes a
//! Tera value (strings are copied once, `None` is Tera's none).

use tera::Value;

/// Conversion into a Tera value.
pub trait Tv {
    /// The Tera value.
    fn tv(self) -> Value;
}

impl Tv for Value {
    fn tv(self) -> Value {
        self
    }
}

impl Tv for &Value {
    fn tv(self) -> Value {
        self.clone()
    }
}

impl Tv for &str {
    fn tv(self) -> Value {
        Value::from(self)
    }
}

impl Tv for &String {
    fn tv(self) -> Value {
        Value::from(self.as_str())
    }
}

impl Tv for String {
    fn tv(self) -> Value {
        Value::from(self)
    }
}

macro_rules! tv_from {
    ($($t:ty),*) => {$(
        impl Tv for $t {
            fn tv(self) -> Value {
                Value::from(self)
            }
        }
    )*};
}
tv_from!(bool, u8, u16, u32, u64, usize, i32, i64);

impl<T: Tv> Tv for Option<T> {
    fn tv(self) -> Value {
        match self {
            Some(v) => v.tv(),
            None => Value::none(),
        }
    }
}

impl Tv for &Option<String> {
    fn tv(self) -> Value {
        self.as_deref().tv()
    }
}

impl Tv for Vec<Value> {
    fn tv(self) -> Value {
        Value::from(self)
    }
}

impl Tv for &[String] {
    fn tv(self) -> Value {
        Value::from(
            self.iter()
                .map(|s| Value::from(s.as_str()))
                .collect::<Vec<_>>(),
        )
    }
}

impl Tv for &Vec<String> {
    fn tv(self) -> Value {
        self.as_slice().tv()
    }
}

/// A Tera map from `"key": value` pairs, values converted with [`Tv`]:
/// `obj!{"title": &page.title, "count": n}`.
macro_rules! obj {
    ($($k:literal : $v:expr),* $(,)?) => {{
        let mut m = tera::Map::with_capacity([$($k),*].len());
        $( m.insert(tera::value::Key::Str($k), $crate::render::tvalue::Tv::tv($v)); )*
        tera::Value::from(m)
    }};
}
pub(crate) use obj;

/// Any `Serialize` value (front matter `extra`, tables of contents) as a Tera value.
pub fn ser<T: serde::Serialize + ?Sized>(v: &T) -> Value {
    Value::try_from_serializable(v).unwrap_or_else(|_| Value::none())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn obj_builds_a_map_like_json_would() {
        let title = String::from("深圳");
        let none: Option<String> = None;
        let v = obj! {"title": &title, "n": 3usize, "note": &none, "ok": true, "list": &vec!["a".to_string()]};
        let json =
            serde_json::json!({"title": "深圳", "n": 3, "note": null, "ok": true, "list": ["a"]});
        assert_eq!(v, Value::from_serializable(&json));
        assert_eq!(
            v.get_from_path("title").and_then(Value::as_str),
            Some("深圳")
        );
        assert!(v.get_from_path("note").is_some_and(Value::is_none));
    }
}
