// A slot is one line of the task tree fed by events: it may be updated or settled before listr2 attaches.

export type SlotOutcome = { kind: 'ok' | 'fail' | 'skip'; title: string };

export class Slot {
  private titleNow: string;
  private listener?: (title: string) => void;
  private settle!: (outcome: SlotOutcome) => void;
  private settled = false;
  readonly done: Promise<SlotOutcome>;

  constructor(title: string) {
    this.titleNow = title;
    this.done = new Promise((resolve) => (this.settle = resolve));
  }

  get title(): string {
    return this.titleNow;
  }

  get isSettled(): boolean {
    return this.settled;
  }

  /** Live title change (only the latest is kept; listr2 re-renders on its own tick). */
  setTitle(title: string): void {
    if (title === this.titleNow) return; // every change costs listr2 a render request
    this.titleNow = title;
    this.listener?.(title);
  }

  /** The first outcome wins: late events for a settled line are ignored. */
  finish(outcome: SlotOutcome): void {
    if (this.settled) return;
    this.settled = true;
    this.titleNow = outcome.title;
    this.settle(outcome);
  }

  attach(listener: (title: string) => void): void {
    this.listener = listener;
    listener(this.titleNow);
  }
}
