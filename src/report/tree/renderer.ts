// The listr2 renderers of the task tree: listr2's default one, throttled and allowed on stderr, and
// the compact one for big fleets (fewer frames, drawn by FrameWriter).
import { DefaultRenderer, type ProcessOutput } from 'listr2';
import { displayWidth, FrameWriter } from '../frame-writer.js';

/** listr2's default renderer, allowed when stdout is not a TTY (the CLI decides: stderr TTY, no CI), throttled. */
export class StderrTreeRenderer extends DefaultRenderer {
  static override nonTTY = true;
  /** At most one frame per this many ms; the spinner tick and events only ask for one. */
  protected frameMs = 100;
  private lastFrame = 0;
  private pendingFrame?: NodeJS.Timeout;

  override update(): void {
    const wait = this.lastFrame + this.frameMs - Date.now();
    if (wait <= 0) {
      this.lastFrame = Date.now();
      this.draw();
    } else if (!this.pendingFrame) {
      this.pendingFrame = setTimeout(() => {
        this.pendingFrame = undefined;
        this.lastFrame = Date.now();
        this.draw();
      }, wait);
    }
  }

  protected draw(): void {
    super.update();
  }

  override end(): void {
    clearTimeout(this.pendingFrame);
    this.pendingFrame = undefined;
    super.end();
  }
}

/**
 * Big fleets: at most 2 frames a second, drawn by FrameWriter instead of log-update, and lines that
 * fit are not measured again by cli-truncate (the measured cost of a frame: BENCHMARKS.md, "The compact view
 * draws a fixed pool of rows").
 */
export function compactRenderer(output: ProcessOutput, stream: NodeJS.WriteStream): typeof StderrTreeRenderer {
  const terminal = output.stdout; // writes past listr2's hijack of the stream
  const size = () => ({ columns: stream.columns || 80, rows: stream.rows || 24 });
  return class CompactTreeRenderer extends StderrTreeRenderer {
    protected override frameMs = 500;
    private readonly frame = new FrameWriter(terminal, size);

    protected override draw(): void {
      this.frame.draw(this.create());
    }

    protected override format(message: string, icon: string, level: number): string[] {
      const line = icon ? `${icon} ${message}` : message;
      const room = Math.max(8, Math.min(size().columns, process.stdout.columns || 80)) - level * 2 - 2; // as listr2 cuts
      if (message.trim() === '' || message.includes('\n') || displayWidth(line) > room) return super.format(message, icon, level);
      return [' '.repeat(level * 2) + line];
    }

    override end(): void {
      this.frame.clear();
      super.end();
    }
  };
}
