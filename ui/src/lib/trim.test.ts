import { describe, expect, it } from "vitest";
import { BIG_STEP_MS, STEP_MS, handleStep, msAt, percentOf, secondsValue } from "./trim";

describe("trim scrubber", () => {
  it("places times along the filmstrip", () => {
    expect(percentOf(2500, 10_000)).toBe(25);
    expect(percentOf(-10, 10_000)).toBe(0);
    expect(percentOf(20_000, 10_000)).toBe(100);
    expect(percentOf(5, 0)).toBe(0);
  });

  it("reads the time under the pointer, clamped to the bar", () => {
    expect(msAt(100, 400, 8000)).toBe(2000);
    expect(msAt(-30, 400, 8000)).toBe(0);
    expect(msAt(900, 400, 8000)).toBe(8000);
    expect(msAt(10, 0, 8000)).toBe(0);
  });

  it("writes seconds without needless zeros", () => {
    expect(secondsValue(3000)).toBe("3");
    expect(secondsValue(2500)).toBe("2.5");
    expect(secondsValue(1234)).toBe("1.23");
  });

  it("moves a handle by keys", () => {
    expect(handleStep({ key: "ArrowRight" }, 1000, 9000)).toBe(1000 + STEP_MS);
    expect(handleStep({ key: "ArrowLeft", shiftKey: true }, 3000, 9000)).toBe(3000 - BIG_STEP_MS);
    expect(handleStep({ key: "Home" }, 3000, 9000)).toBe(0);
    expect(handleStep({ key: "End" }, 3000, 9000)).toBe(9000);
    expect(handleStep({ key: "ArrowRight", altKey: true }, 3000, 9000)).toBeNull();
    expect(handleStep({ key: "x" }, 3000, 9000)).toBeNull();
  });
});
