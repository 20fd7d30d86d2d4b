import { describe, expect, it } from "vitest";
import { csvTable, parseCsv } from "./csv";

describe("parseCsv", () => {
  it("reads plain rows, with or without a final line break", () => {
    expect(parseCsv("a,b\n1,2\n")).toEqual([
      ["a", "b"],
      ["1", "2"],
    ]);
    expect(parseCsv("a,b\r\n1,2")).toEqual([
      ["a", "b"],
      ["1", "2"],
    ]);
  });

  it("reads quoted fields with commas, doubled quotes and line breaks", () => {
    const text = 'file,evidence\n"beach, sunset.jpg","She wrote ""#YesChorus""\r\nand a smiley"\n';
    expect(parseCsv(text)).toEqual([
      ["file", "evidence"],
      ["beach, sunset.jpg", 'She wrote "#YesChorus"\r\nand a smiley'],
    ]);
  });

  it("keeps empty fields, including a trailing one and an empty quoted one", () => {
    expect(parseCsv('a,,c,\n"",x,,\n')).toEqual([
      ["a", "", "c", ""],
      ["", "x", "", ""],
    ]);
  });

  it("skips a byte-order mark and blank lines, and reads nothing from nothing", () => {
    expect(parseCsv("\ufeffa,b\n\n1,2\n\n")).toEqual([
      ["a", "b"],
      ["1", "2"],
    ]);
    expect(parseCsv("")).toEqual([]);
  });

  it("ends an unterminated quote at the end of the text", () => {
    expect(parseCsv('a,"open\nstill open')).toEqual([["a", "open\nstill open"]]);
  });
});

describe("csvTable", () => {
  it("splits off the header and pads short rows", () => {
    expect(csvTable("asset_id,file,cleared\n4,a.jpg,true\n5,b.jpg\n")).toEqual({
      header: ["asset_id", "file", "cleared"],
      rows: [
        ["4", "a.jpg", "true"],
        ["5", "b.jpg", ""],
      ],
    });
    expect(csvTable("")).toEqual({ header: [], rows: [] });
  });
});
