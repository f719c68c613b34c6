// A one-line progress bar for terminals (redrawn in place with \r); silent when the stream is not a TTY (CI logs).
export class ProgressBar {
  private done = 0;
  constructor(
    private readonly total: number,
    private readonly write: ((s: string) => void) | undefined,
    private readonly width = 30,
  ) {}

  tick(label: string): void {
    this.done++;
    if (!this.write) return;
    const filled = Math.round((this.done / Math.max(1, this.total)) * this.width);
    this.write(
      `\r[${"#".repeat(filled)}${".".repeat(this.width - filled)}] ${this.done}/${this.total} ${label.slice(0, 50).padEnd(50)}`,
    );
  }

  finish(): void {
    if (this.write) this.write("\r" + " ".repeat(this.width + 70) + "\r");
  }
}
