// The frame under the playhead, asked of the engine as the playhead moves: one request
// at a time, and only the latest position is asked next, so a fast scrub never queues up
// frames nobody will see.

export class FrameFetcher {
  private busy = false;
  private pending: number | null = null;

  constructor(
    private readonly fetch: (ms: number) => Promise<string>,
    private readonly show: (ms: number, base64: string, askedAt: number) => void,
    private readonly fail: (error: unknown) => void,
  ) {}

  /** Asks for the frame at `ms` (replacing any position not yet asked). */
  want(ms: number): void {
    this.pending = ms;
    if (!this.busy) void this.run();
  }

  private async run(): Promise<void> {
    this.busy = true;
    while (this.pending !== null) {
      const ms = this.pending;
      this.pending = null;
      const askedAt = performance.now();
      try {
        this.show(ms, await this.fetch(ms), askedAt);
      } catch (e) {
        this.fail(e);
      }
    }
    this.busy = false;
  }
}
