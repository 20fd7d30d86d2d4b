import { describe, expect, it } from "vitest";
import type { FieldColumns } from "./bindings";
import { setColumn } from "./formColumns";

const reading: FieldColumns[] = [
  { field: "name", columns: [1, 2] },
  { field: "email", columns: [3] },
  { field: "files", columns: [4] },
  { field: "age", columns: [] },
];

describe("setColumn", () => {
  it("reads a field from the chosen column and takes it from any other field", () => {
    const next = setColumn(reading, "age", 3);
    expect(next.find((m) => m.field === "age")?.columns).toEqual([3]);
    expect(next.find((m) => m.field === "email")?.columns).toEqual([]);
    expect(next.find((m) => m.field === "name")?.columns).toEqual([1, 2]);
  });

  it("reads a field from nowhere", () => {
    const next = setColumn(reading, "files", null);
    expect(next.find((m) => m.field === "files")?.columns).toEqual([]);
    expect(reading.find((m) => m.field === "files")?.columns).toEqual([4]);
  });
});
