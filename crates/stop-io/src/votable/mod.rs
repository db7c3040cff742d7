//! VOTable 1.4 (IVOA Recommendation 2019-10-21), TABLEDATA serialisation only: a streaming
//! writer and a reader of the first TABLE of a document.
//!
//! VOTable 1.4 keeps the 1.3 namespace `http://www.ivoa.net/xml/VOTable/v1.3`. Types map as
//! `f64` ↔ `double`, `i64` ↔ `long`, `string` ↔ `char` with `arraysize="*"`; the reader also
//! takes `float` (as `f64`), `int`/`short`/`unsignedByte` (as `i64`) and reads every other
//! type, and numeric arrays, as strings. Empty `double` cells read as NaN.

mod read;
mod write;

pub use read::{parse_votable, read_votable};
pub use write::{VoTableWriter, votable_string};
pub(crate) use write::encode_row;
