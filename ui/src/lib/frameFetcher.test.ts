import { expect, it } from "vitest";
import { FrameFetcher } from "./frameFetcher";

it("asks one frame at a time, and then only the latest position", async () => {
  const asked: number[] = [];
  const shown: number[] = [];
  const waiting: (() => void)[] = [];
  const f = new FrameFetcher(
    (ms) => {
      asked.push(ms);
      return new Promise((done) => waiting.push(() => done(`jpeg${ms}`)));
    },
    (ms) => shown.push(ms),
    () => {},
  );
  f.want(100);
  f.want(200);
  f.want(300);
  expect(asked).toEqual([100]);
  waiting.shift()!();
  await new Promise((r) => setTimeout(r, 0));
  expect(asked).toEqual([100, 300]);
  waiting.shift()!();
  await new Promise((r) => setTimeout(r, 0));
  expect(shown).toEqual([100, 300]);
});

it("keeps going after a failed frame", async () => {
  const errors: unknown[] = [];
  const shown: number[] = [];
  let first = true;
  const f = new FrameFetcher(
    async (ms) => {
      if (first) {
        first = false;
        throw new Error("blocked");
      }
      return `jpeg${ms}`;
    },
    (ms) => shown.push(ms),
    (e) => errors.push(e),
  );
  f.want(1);
  await new Promise((r) => setTimeout(r, 0));
  f.want(2);
  await new Promise((r) => setTimeout(r, 0));
  expect(errors).toHaveLength(1);
  expect(shown).toEqual([2]);
});
