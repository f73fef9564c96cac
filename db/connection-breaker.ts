/**
 * Decides whether a new connection to the database may be attempted. Closed (the normal state),
 * every attempt goes out. Once an attempt fails to reach the server, it opens: attempts are
 * refused at once, so requests fail in a millisecond instead of each waiting out a connect
 * timeout, except one trial attempt per `retryIntervalMs`, whose outcome decides whether it
 * closes again. The first answer from the server closes it.
 *
 * Each attempt it allows must be settled with exactly one of `answered`, `unreachable` or
 * `inconclusive`. Not thread-safe in any sense that matters here: Node runs it on one thread.
 */
export class ConnectionBreaker {
  #open = false;
  #trialInFlight = false;
  #nextTrialAt = 0;

  constructor(
    readonly retryIntervalMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  get isOpen(): boolean {
    return this.#open;
  }

  /** Whether an attempt may go out now; while open, true once per interval (the trial). */
  allowAttempt(): boolean {
    if (!this.#open) return true;
    if (this.#trialInFlight || this.now() < this.#nextTrialAt) return false;
    this.#trialInFlight = true;
    return true;
  }

  /** The server answered an attempt; true when this closed the breaker. */
  answered(): boolean {
    const wasOpen = this.#open;
    this.#open = false;
    this.#trialInFlight = false;
    return wasOpen;
  }

  /** An attempt did not reach the server; true when this opened the breaker. */
  unreachable(): boolean {
    const wasOpen = this.#open;
    this.#open = true;
    this.#trialInFlight = false;
    this.#nextTrialAt = this.now() + this.retryIntervalMs;
    return !wasOpen;
  }

  /** An attempt ended without saying anything about the server. */
  inconclusive(): void {
    this.#trialInFlight = false;
  }

  /** Whole seconds until the next trial may go out; at least 1. */
  retryAfterSeconds(): number {
    return Math.max(1, Math.ceil((this.#nextTrialAt - this.now()) / 1000));
  }
}
