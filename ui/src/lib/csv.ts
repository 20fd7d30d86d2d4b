// A small CSV reader for the export's rights report (RFC 4180: quoted fields, doubled quotes,
// line breaks inside quotes, CRLF or LF). Enough for what the engine writes; no dependency.

export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let quoted = false;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  // A row that only had its line ending (a trailing newline) is not a row.
  let rowHasContent = false;

  const endField = () => {
    row.push(field);
    field = "";
  };
  const endRow = () => {
    endField();
    if (rowHasContent || row.length > 1 || row[0] !== "") rows.push(row);
    row = [];
    rowHasContent = false;
  };

  for (; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else {
          quoted = false;
        }
      } else {
        field += c;
      }
    } else if (c === '"') {
      quoted = true;
      rowHasContent = true;
    } else if (c === ",") {
      endField();
      rowHasContent = true;
    } else if (c === "\r" || c === "\n") {
      if (c === "\r" && text[i + 1] === "\n") i++;
      endRow();
    } else {
      field += c;
      rowHasContent = true;
    }
  }
  if (field !== "" || row.length > 0 || rowHasContent) endRow();
  return rows;
}

export interface CsvTable {
  header: string[];
  rows: string[][];
}

/** The first row as the header; shorter rows padded to its width. */
export function csvTable(text: string): CsvTable {
  const [header = [], ...rest] = parseCsv(text);
  const width = header.length;
  return {
    header,
    rows: rest.map((r) => (r.length >= width ? r : [...r, ...Array<string>(width - r.length).fill("")])),
  };
}
