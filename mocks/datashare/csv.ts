// A small RFC 4180 CSV reader for uploaded catalogue data (quoted fields, doubled quotes, CRLF/LF, BOM); rows of text.

export interface CsvError {
  /** 1-based line where the problem starts. */
  line: number;
  zh: string;
  en: string;
}

export function parseCsv(text: string): { rows: string[][]; errors: CsvError[] } {
  const rows: string[][] = [];
  const errors: CsvError[] = [];
  let row: string[] = [];
  let field = "";
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let line = 1;
  let quoted = false;
  let quoteLine = 0;
  let fieldStarted = false;
  const endField = () => {
    row.push(field);
    field = "";
    fieldStarted = false;
  };
  const endRow = () => {
    endField();
    if (!(row.length === 1 && row[0] === "")) rows.push(row);
    row = [];
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
          const n = text[i + 1];
          if (n !== undefined && n !== "," && n !== "\n" && n !== "\r")
            errors.push({
              line,
              zh: "引号字段结束后应为逗号或换行",
              en: "a quoted field must be followed by a comma or line break",
            });
        }
      } else {
        if (c === "\n") line++;
        field += c;
      }
      continue;
    }
    if (c === '"' && !fieldStarted) {
      quoted = true;
      quoteLine = line;
      fieldStarted = true;
      continue;
    }
    if (c === ",") {
      endField();
      continue;
    }
    if (c === "\r" && text[i + 1] === "\n") continue;
    if (c === "\n" || c === "\r") {
      endRow();
      line++;
      continue;
    }
    field += c;
    fieldStarted = true;
  }
  if (quoted) errors.push({ line: quoteLine, zh: "引号未闭合", en: "unterminated quoted field" });
  if (field !== "" || row.length) endRow();
  return { rows, errors };
}
