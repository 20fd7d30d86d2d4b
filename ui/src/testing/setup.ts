// jsdom has no layout: observers never fire and sizes read 0, which the grid treats as a
// one-column viewport showing its first rows.
class NoResizeObserver {
  observe(): void {}
  unobserve(): void {}
  disconnect(): void {}
}

globalThis.ResizeObserver ??= NoResizeObserver as unknown as typeof ResizeObserver;
