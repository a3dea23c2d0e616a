// The abort signal of one upstream attempt (timed out, or the client went
// away), which the attempt's exchange (exchange.ts) listens to. It is a plain
// object with a listener list, EventEmitter-shaped, where an AbortController
// plus undici's EventTarget listeners cost about an eighth of a request's CPU
// in the bench (docs/performance.md).

type Listener = () => void;

export class AttemptSignal {
  aborted = false;
  private listeners: Listener[] | null = null;

  on(event: string, listener: Listener): this {
    if (event === "abort") (this.listeners ??= []).push(listener);
    return this;
  }

  once(event: string, listener: Listener): this {
    return this.on(event, listener);
  }

  addListener(event: string, listener: Listener): this {
    return this.on(event, listener);
  }

  removeListener(event: string, listener: Listener): this {
    if (event !== "abort" || this.listeners === null) return this;
    const i = this.listeners.indexOf(listener);
    if (i !== -1) this.listeners.splice(i, 1);
    return this;
  }

  off(event: string, listener: Listener): this {
    return this.removeListener(event, listener);
  }

  abort(): void {
    if (this.aborted) return;
    this.aborted = true;
    const listeners = this.listeners ?? [];
    this.listeners = null;
    for (const listener of listeners) listener();
  }
}
