// The column step of an import: what each field is called, and changing which column one
// is read from. A column belongs to one field at most, so giving it to one takes it from
// any other (the engine refuses a reading that gives it to two).

import type { Field, FieldColumns } from "./bindings";

export const FIELD_LABELS: Record<Field, string> = {
  name: "Name",
  email: "E-mail",
  handle: "Handle",
  files: "Files",
  consent: "Consent",
  age: "Age",
  birth_date: "Date of birth",
  adult: "18 or older box",
  submitted_at: "Submitted at",
};

/** The reading with `field` read from `column` alone (`null`: from no column). */
export function setColumn(
  mapping: FieldColumns[],
  field: Field,
  column: number | null,
): FieldColumns[] {
  return mapping.map((m) => {
    if (m.field === field) return { field, columns: column === null ? [] : [column] };
    return { field: m.field, columns: m.columns.filter((c) => c !== column) };
  });
}
