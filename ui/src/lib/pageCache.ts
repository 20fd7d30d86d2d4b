// Pages of a long, id-ordered list fetched by offset and kept (up to a limit) for the
// virtual grid. A reset starts a new generation: answers to older requests are dropped,
// so a slow page for the previous filter never lands in the new list.

import { pagesFor } from "./grid";

export interface Fetched<T> {
  total: number;
  items: T[];
}

export type Fetcher<T> = (offset: number, limit: number) => Promise<Fetched<T>>;

export class PageCache<T extends { id: number }> {
  readonly pageSize: number;
  readonly maxPages: number;
  /** Items matching the query, from the latest answer; null until one arrives. */
  total: number | null = null;
  /** The latest failure's message, cleared by the next success. */
  error: string | null = null;

  private fetcher: Fetcher<T>;
  private pages = new Map<number, T[]>();
  private pending = new Map<number, Promise<void>>();
  private used = new Map<number, number>();
  private clock = 0;
  private generation = 0;
  private onChange: () => void;

  constructor(fetcher: Fetcher<T>, onChange: () => void = () => {}, pageSize = 200, maxPages = 60) {
    this.fetcher = fetcher;
    this.onChange = onChange;
    this.pageSize = pageSize;
    this.maxPages = maxPages;
  }

  /** Forget everything and fetch from `fetcher` from now on (a new filter). */
  reset(fetcher: Fetcher<T> = this.fetcher): void {
    this.fetcher = fetcher;
    this.generation++;
    this.pages.clear();
    this.pending.clear();
    this.used.clear();
    this.total = null;
    this.error = null;
    this.onChange();
  }

  get(index: number): T | undefined {
    const page = this.pages.get(Math.floor(index / this.pageSize));
    return page?.[index % this.pageSize];
  }

  has(page: number): boolean {
    return this.pages.has(page);
  }

  /** Fetches the pages covering [start, end) that are neither held nor on their way. */
  ensure(start: number, end: number): Promise<void> {
    const wanted = this.pagesIn(start, end);
    for (const p of wanted) this.used.set(p, ++this.clock);
    return Promise.all(
      wanted.map((p) => this.pending.get(p) ?? (this.pages.has(p) ? undefined : this.fetchPage(p))),
    ).then(() => this.evict(new Set(wanted)));
  }

  /** The items in [start, end), fetching what is missing (for range selection). */
  async slice(start: number, end: number): Promise<T[]> {
    await this.ensure(start, end);
    const out: T[] = [];
    for (let i = start; i < end; i++) {
      const item = this.get(i);
      if (item) out.push(item);
    }
    return out;
  }

  /** Fetches again every page held, replacing items as answers arrive (nothing blanks). */
  refresh(): Promise<void> {
    return Promise.all([...this.pages.keys()].map((p) => this.fetchPage(p))).then(() => {});
  }

  /** Changes held items in place, e.g. after a command succeeded for them. */
  patch(ids: Iterable<number>, change: (item: T) => T): void {
    const wanted = new Set(ids);
    let changed = false;
    for (const page of this.pages.values()) {
      for (let i = 0; i < page.length; i++) {
        if (wanted.has(page[i].id)) {
          page[i] = change(page[i]);
          changed = true;
        }
      }
    }
    if (changed) this.onChange();
  }

  private pagesIn(start: number, end: number): number[] {
    // Before the first answer the total is unknown: the first page tells it.
    if (this.total === null) return end > start ? pagesFor(start, end, this.pageSize) : [0];
    return pagesFor(start, Math.min(end, this.total), this.pageSize);
  }

  private fetchPage(page: number): Promise<void> {
    const generation = this.generation;
    const request = this.fetcher(page * this.pageSize, this.pageSize)
      .then(
        (got) => {
          if (generation !== this.generation) return;
          this.pages.set(page, got.items);
          this.used.set(page, ++this.clock);
          this.total = got.total;
          this.error = null;
        },
        (e: unknown) => {
          if (generation !== this.generation) return;
          this.error = e instanceof Error ? e.message : String(e);
        },
      )
      .finally(() => {
        if (generation !== this.generation) return;
        this.pending.delete(page);
        this.onChange();
      });
    this.pending.set(page, request);
    return request;
  }

  /** Drops the least recently used pages beyond `maxPages`, never those in `keep`. */
  private evict(keep: Set<number>): void {
    if (this.pages.size <= this.maxPages) return;
    const byAge = [...this.pages.keys()]
      .filter((p) => !keep.has(p))
      .sort((a, b) => (this.used.get(a) ?? 0) - (this.used.get(b) ?? 0));
    for (const p of byAge.slice(0, this.pages.size - this.maxPages)) {
      this.pages.delete(p);
      this.used.delete(p);
    }
  }
}
