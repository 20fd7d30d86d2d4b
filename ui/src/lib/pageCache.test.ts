import { describe, expect, it, vi } from "vitest";
import { PageCache, type Fetched } from "./pageCache";

type Item = { id: number; label: string };

/** A fake engine of `total` items with ids 1..total, recording each request. */
function engine(total: number) {
  const calls: [number, number][] = [];
  const fetch = vi.fn(async (offset: number, limit: number): Promise<Fetched<Item>> => {
    calls.push([offset, limit]);
    const items: Item[] = [];
    for (let i = offset; i < Math.min(total, offset + limit); i++) items.push({ id: i + 1, label: "a" });
    return { total, items };
  });
  return { fetch, calls };
}

/** A fetcher whose answers the test releases by hand. */
function manual() {
  const waiting: ((r: Fetched<Item>) => void)[] = [];
  const fetch = (_offset: number, _limit: number) =>
    new Promise<Fetched<Item>>((resolve) => waiting.push(resolve));
  return { fetch, waiting };
}

describe("PageCache", () => {
  it("fetches the first page to learn the total", async () => {
    const e = engine(1000);
    const cache = new PageCache<Item>(e.fetch, () => {}, 200);
    expect(cache.total).toBeNull();
    await cache.ensure(0, 0);
    expect(e.calls).toEqual([[0, 200]]);
    expect(cache.total).toBe(1000);
    expect(cache.get(0)?.id).toBe(1);
    expect(cache.get(199)?.id).toBe(200);
    expect(cache.get(200)).toBeUndefined();
  });

  it("fetches only the pages a range needs, once", async () => {
    const e = engine(100_000);
    const cache = new PageCache<Item>(e.fetch, () => {}, 200);
    await cache.ensure(0, 0);
    await Promise.all([cache.ensure(50_150, 50_260), cache.ensure(50_150, 50_260)]);
    expect(e.calls).toEqual([
      [0, 200],
      [50_000, 200],
      [50_200, 200],
    ]);
    expect(cache.get(50_259)?.id).toBe(50_260);
  });

  it("asks for nothing past the end of the list", async () => {
    const e = engine(250);
    const cache = new PageCache<Item>(e.fetch, () => {}, 200);
    await cache.ensure(0, 0);
    await cache.ensure(0, 5000);
    expect(e.calls).toEqual([
      [0, 200],
      [200, 200],
    ]);
  });

  it("drops answers that arrive after a reset", async () => {
    const m = manual();
    const changes = vi.fn();
    const cache = new PageCache<Item>(m.fetch, changes, 200);
    const old = cache.ensure(0, 0);
    cache.reset(engine(3).fetch);
    m.waiting[0]({ total: 999, items: [{ id: 77, label: "stale" }] });
    await old;
    expect(cache.total).toBeNull();
    expect(cache.get(0)).toBeUndefined();
    await cache.ensure(0, 0);
    expect(cache.total).toBe(3);
    expect(cache.get(0)?.id).toBe(1);
  });

  it("keeps at most maxPages, forgetting the least recently used", async () => {
    const e = engine(10_000);
    const cache = new PageCache<Item>(e.fetch, () => {}, 100, 3);
    await cache.ensure(0, 0);
    await cache.ensure(100, 200);
    await cache.ensure(200, 300);
    await cache.ensure(0, 10); // page 0 used again
    await cache.ensure(300, 400);
    expect(cache.has(0)).toBe(true);
    expect(cache.has(1)).toBe(false);
    expect(cache.has(2)).toBe(true);
    expect(cache.has(3)).toBe(true);
  });

  it("patches held items in place and says so", async () => {
    const e = engine(10);
    const changes = vi.fn();
    const cache = new PageCache<Item>(e.fetch, changes, 200);
    await cache.ensure(0, 0);
    changes.mockClear();
    cache.patch([3, 5], (i) => ({ ...i, label: "b" }));
    expect(cache.get(2)?.label).toBe("b");
    expect(cache.get(4)?.label).toBe("b");
    expect(cache.get(3)?.label).toBe("a");
    expect(changes).toHaveBeenCalledTimes(1);
    cache.patch([999], (i) => i);
    expect(changes).toHaveBeenCalledTimes(1);
  });

  it("gives a range of items for selection, fetching what is missing", async () => {
    const e = engine(1000);
    const cache = new PageCache<Item>(e.fetch, () => {}, 100);
    await cache.ensure(0, 0);
    const items = await cache.slice(95, 305);
    expect(items.map((i) => i.id)).toEqual(Array.from({ length: 210 }, (_, k) => 96 + k));
  });

  it("keeps the failure's message and clears it on the next success", async () => {
    let fail = true;
    const cache = new PageCache<Item>(async () => {
      if (fail) throw new Error("the library folder is gone");
      return { total: 1, items: [{ id: 1, label: "a" }] };
    });
    await cache.ensure(0, 0);
    expect(cache.error).toBe("the library folder is gone");
    fail = false;
    await cache.ensure(0, 0);
    expect(cache.error).toBeNull();
    expect(cache.total).toBe(1);
  });

  it("refreshes held pages without blanking them", async () => {
    let label = "a";
    const cache = new PageCache<Item>(async () => ({ total: 1, items: [{ id: 1, label }] }));
    await cache.ensure(0, 0);
    label = "b";
    const pending = cache.refresh();
    expect(cache.get(0)?.label).toBe("a");
    await pending;
    expect(cache.get(0)?.label).toBe("b");
  });
});
