//! Reads the first TABLE of a VOTable document (TABLEDATA) into a [`Table`].

use std::path::Path;

use quick_xml::Reader;
use quick_xml::escape::resolve_predefined_entity;
use quick_xml::events::{BytesStart, Event};

use crate::IoError;
use crate::table::{Column, DataType, Schema, Table, Value};

/// Reads a VOTable file (gzip-compressed or not) and returns its first table.
pub fn read_votable(path: impl AsRef<Path>) -> Result<Table, IoError> {
    let path = path.as_ref();
    let bytes = crate::detect::read_maybe_gzip(path)?;
    parse_votable(path, &crate::detect::utf8(&bytes))
}

/// 1-based line of a byte offset.
fn line_at(text: &str, offset: u64) -> usize {
    let end = usize::try_from(offset).unwrap_or(usize::MAX).min(text.len());
    text.as_bytes()[..end].iter().filter(|&&b| b == b'\n').count() + 1
}

/// Lines of increasing byte offsets, counting each newline once (a file is read in one pass,
/// so asking [`line_at`] for every event would be quadratic in its length).
struct LineTracker<'a> {
    text: &'a str,
    offset: usize,
    line: usize,
}

impl<'a> LineTracker<'a> {
    fn new(text: &'a str) -> Self {
        Self { text, offset: 0, line: 1 }
    }

    /// The 1-based line of `offset`; offsets before the last one asked for are counted afresh.
    fn line(&mut self, offset: u64) -> usize {
        let end = usize::try_from(offset).unwrap_or(usize::MAX).min(self.text.len());
        if end < self.offset {
            return line_at(self.text, offset);
        }
        self.line += self.text.as_bytes()[self.offset..end].iter().filter(|&&b| b == b'\n').count();
        self.offset = end;
        self.line
    }
}

/// A FIELD or PARAM as declared.
struct Declared {
    name: String,
    datatype: DataType,
    unit: Option<String>,
    ucd: Option<String>,
    value: Option<String>,
}

/// Maps a VOTable datatype (+ arraysize) to ours.
fn map_datatype(datatype: &str, arraysize: Option<&str>) -> DataType {
    let scalar = arraysize.is_none_or(|a| a == "1");
    match datatype {
        "double" | "float" if scalar => DataType::F64,
        "long" | "int" | "short" | "unsignedByte" if scalar => DataType::I64,
        _ => DataType::Str,
    }
}

/// Parses VOTable text; `path` only names the source in errors.
///
/// ```
/// let text = r#"<?xml version="1.0"?>
/// <VOTABLE version="1.4"><RESOURCE><TABLE>
///   <FIELD name="v" datatype="double" unit="km/s"/><FIELD name="n" datatype="int"/>
///   <DATA><TABLEDATA><TR><TD>1.5</TD><TD>3</TD></TR></TABLEDATA></DATA>
/// </TABLE></RESOURCE></VOTABLE>"#;
/// let table = stop_io::parse_votable("upload.xml".as_ref(), text)?;
/// assert_eq!(table.rows, vec![vec![stop_io::Value::F64(1.5), stop_io::Value::I64(3)]]);
/// # Ok::<(), stop_io::IoError>(())
/// ```
pub fn parse_votable(path: &Path, text: &str) -> Result<Table, IoError> {
    let mut reader = Reader::from_str(text);
    let mut parser = Parser {
        path,
        text,
        table_name: None,
        fields: Vec::new(),
        params: Vec::new(),
        descriptions: Vec::new(),
        rows: Vec::new(),
        cell: None,
        in_table: false,
        in_field: false,
        in_field_description: false,
        seen_table: false,
    };
    let mut lines = LineTracker::new(text);
    loop {
        let position = reader.buffer_position();
        let event = reader.read_event().map_err(|source| IoError::Xml {
            path: path.to_path_buf(),
            line: line_at(text, reader.error_position()),
            source,
        })?;
        let line = lines.line(position);
        match event {
            Event::Start(e) => parser.start(&e, false, line)?,
            Event::Empty(e) => parser.start(&e, true, line)?,
            Event::End(e) if parser.end(e.local_name().as_ref(), line)? => break,
            Event::Text(e) => parser.text(&e.xml10_content()),
            Event::CData(e) => parser.text(&e.xml10_content()),
            Event::GeneralRef(e) => {
                let resolved = match e.resolve_char_ref() {
                    Ok(Some(ch)) => ch.to_string(),
                    _ => {
                        let name = e.xml10_content();
                        let Some(value) = resolve_predefined_entity(&name) else {
                            return Err(parser.problem(line, format!("unknown entity `&{name};`")));
                        };
                        value.to_owned()
                    }
                };
                parser.text(&resolved);
            }
            Event::Eof => break,
            _ => {}
        }
    }
    parser.finish()
}

struct Parser<'a> {
    path: &'a Path,
    text: &'a str,
    table_name: Option<String>,
    fields: Vec<Declared>,
    params: Vec<Declared>,
    descriptions: Vec<Option<String>>,
    rows: Vec<(usize, Vec<String>)>,
    cell: Option<String>,
    in_table: bool,
    in_field: bool,
    in_field_description: bool,
    seen_table: bool,
}

impl Parser<'_> {
    fn problem(&self, line: usize, problem: String) -> IoError {
        IoError::VoTable {
            path: self.path.to_path_buf(),
            line,
            problem,
        }
    }

    fn attribute(&self, e: &BytesStart<'_>, name: &str, line: usize) -> Result<Option<String>, IoError> {
        for attribute in e.attributes() {
            let attribute = attribute.map_err(|err| self.problem(line, format!("bad attribute: {err}")))?;
            if attribute.key.local_name().as_ref() == name {
                let value = attribute
                    .normalized_value(quick_xml::XmlVersion::Implicit1_0)
                    .map_err(|err| self.problem(line, format!("attribute `{name}`: {err}")))?;
                return Ok(Some(value.into_owned()));
            }
        }
        Ok(None)
    }

    fn declared(&self, e: &BytesStart<'_>, line: usize) -> Result<Declared, IoError> {
        let tag = e.local_name().as_ref().to_owned();
        let name = self
            .attribute(e, "name", line)?
            .ok_or_else(|| self.problem(line, format!("<{tag}> without `name`")))?;
        let datatype = self
            .attribute(e, "datatype", line)?
            .ok_or_else(|| self.problem(line, format!("<{tag} name=\"{name}\"> without `datatype`")))?;
        let arraysize = self.attribute(e, "arraysize", line)?;
        Ok(Declared {
            datatype: map_datatype(&datatype, arraysize.as_deref()),
            unit: self.attribute(e, "unit", line)?.filter(|u| !u.is_empty()),
            ucd: self.attribute(e, "ucd", line)?.filter(|u| !u.is_empty()),
            value: self.attribute(e, "value", line)?,
            name,
        })
    }

    fn start(&mut self, e: &BytesStart<'_>, empty: bool, line: usize) -> Result<(), IoError> {
        let local = e.local_name();
        let tag = local.as_ref();
        if tag == "TABLE" && !self.seen_table {
            self.seen_table = true;
            self.in_table = !empty;
            self.table_name = self.attribute(e, "name", line)?;
            return Ok(());
        }
        if !self.in_table {
            return Ok(());
        }
        match tag {
            "FIELD" => {
                let declared = self.declared(e, line)?;
                self.fields.push(declared);
                self.descriptions.push(None);
                self.in_field = !empty;
            }
            "PARAM" => {
                let declared = self.declared(e, line)?;
                self.params.push(declared);
            }
            "DESCRIPTION" if !empty && self.in_field => {
                self.in_field_description = true;
                self.cell = Some(String::new());
            }
            "TR" => self.rows.push((line, Vec::new())),
            "TD" => {
                if empty {
                    self.push_cell(String::new(), line)?;
                } else {
                    self.cell = Some(String::new());
                }
            }
            "BINARY" | "BINARY2" | "FITS" => {
                let what = tag.to_owned();
                return Err(self.problem(line, format!("<{what}> serialisation is not read, only TABLEDATA")));
            }
            _ => {}
        }
        Ok(())
    }

    fn push_cell(&mut self, cell: String, line: usize) -> Result<(), IoError> {
        match self.rows.last_mut() {
            Some((_, cells)) => {
                cells.push(cell);
                Ok(())
            }
            None => Err(self.problem(line, "<TD> outside <TR>".to_owned())),
        }
    }

    fn text(&mut self, text: &str) {
        if let Some(cell) = self.cell.as_mut() {
            cell.push_str(text);
        }
    }

    /// Handles an end tag; `true` when the first table is complete.
    fn end(&mut self, tag: &str, line: usize) -> Result<bool, IoError> {
        if !self.in_table {
            return Ok(false);
        }
        match tag {
            "TABLE" => return Ok(true),
            "FIELD" => self.in_field = false,
            "TD" => {
                if let Some(cell) = self.cell.take() {
                    self.push_cell(cell, line)?;
                }
            }
            "DESCRIPTION" if self.in_field_description => {
                self.in_field_description = false;
                let text = self.cell.take();
                // The FIELD element this DESCRIPTION belongs to is the last one declared.
                if let Some(slot) = self.descriptions.last_mut() {
                    *slot = text.map(|t| t.trim().to_owned());
                }
            }
            _ => {}
        }
        Ok(false)
    }

    fn parse_value(&self, line: usize, declared: &Declared, text: &str) -> Result<Value, IoError> {
        let not_a_number = |expected| IoError::NotANumber {
            path: self.path.to_path_buf(),
            line,
            column: declared.name.clone(),
            value: text.to_owned(),
            expected,
        };
        let trimmed = text.trim();
        Ok(match declared.datatype {
            DataType::F64 if trimmed.is_empty() => Value::F64(f64::NAN),
            DataType::F64 => Value::F64(trimmed.parse().map_err(|_| not_a_number(DataType::F64))?),
            DataType::I64 => Value::I64(trimmed.parse().map_err(|_| not_a_number(DataType::I64))?),
            DataType::Str => Value::Str(text.to_owned()),
        })
    }

    fn finish(self) -> Result<Table, IoError> {
        let end_line = line_at(self.text, self.text.len() as u64);
        if !self.seen_table {
            return Err(self.problem(end_line, "no <TABLE> element".to_owned()));
        }
        if self.fields.is_empty() {
            return Err(self.problem(end_line, "<TABLE> without <FIELD>".to_owned()));
        }
        let columns = self
            .fields
            .iter()
            .zip(&self.descriptions)
            .map(|(field, description)| Column {
                name: field.name.clone(),
                datatype: field.datatype,
                unit: field.unit.clone(),
                ucd: field.ucd.clone(),
                description: description.clone(),
                width_bytes: None,
            })
            .collect();
        let mut schema = Schema::from_reader(self.path, columns)?;
        if let Some(name) = &self.table_name {
            schema.set_table_name_lenient(name);
        }
        for param in &self.params {
            let text = param.value.as_deref().unwrap_or("");
            let value = self.parse_value(end_line, param, text)?;
            schema.push_param_lenient(&param.name, value, param.unit.as_deref());
        }
        let mut rows = Vec::with_capacity(self.rows.len());
        for (line, cells) in &self.rows {
            if cells.len() != self.fields.len() {
                return Err(IoError::FieldCount {
                    path: self.path.to_path_buf(),
                    line: *line,
                    expected: self.fields.len(),
                    found: cells.len(),
                });
            }
            let row = cells
                .iter()
                .zip(&self.fields)
                .map(|(cell, field)| self.parse_value(*line, field, cell))
                .collect::<Result<Vec<_>, _>>()?;
            rows.push(row);
        }
        Ok(Table { schema, rows })
    }
}

#[cfg(test)]
mod tests {
    use super::{LineTracker, line_at};

    #[test]
    fn line_tracker_agrees_with_counting_from_the_start() {
        let text = "a\nbb\n\nccc\nd";
        let mut tracker = LineTracker::new(text);
        for offset in [0_u64, 1, 2, 2, 5, 6, 7, 11, 40, 3, 9] {
            assert_eq!(tracker.line(offset), line_at(text, offset), "offset {offset}");
        }
    }
}
