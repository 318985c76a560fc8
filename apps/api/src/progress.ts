/** A progress line with rate and ETA on stderr: redrawn in place on a terminal, every 10 % otherwise. */
export class ProgressBar {
  private readonly started = Date.now()
  private lastDecile = -1

  constructor(
    private readonly label: string,
    private readonly out: NodeJS.WriteStream = process.stderr,
    private readonly unit = 'events',
  ) {}

  update(done: number, total: number | null) {
    const elapsed = (Date.now() - this.started) / 1000
    const rate = elapsed > 0 ? done / elapsed : 0
    const fraction = total && total > 0 ? Math.min(1, done / total) : null
    const width = 30
    const filled = fraction === null ? 0 : Math.round(fraction * width)
    const bar =
      fraction === null
        ? ''
        : `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${(fraction * 100).toFixed(0).padStart(3)}% `
    const eta = fraction !== null && rate > 0 && total ? ` ETA ${formatSeconds((total - done) / rate)}` : ''
    const line = `${this.label} ${bar}${done.toLocaleString('en')}${total ? `/${total.toLocaleString('en')}` : ''} ${this.unit}, ${Math.round(rate).toLocaleString('en')}/s${eta}`
    if (this.out.isTTY) {
      this.out.write(`\r${line}\u001b[K`)
      return
    }
    const decile = fraction === null ? Math.floor(done / 100_000) : Math.floor(fraction * 10)
    if (decile !== this.lastDecile) {
      this.lastDecile = decile
      this.out.write(`${line}\n`)
    }
  }

  done(message: string) {
    if (this.out.isTTY) this.out.write('\n')
    this.out.write(`${message} (${formatSeconds((Date.now() - this.started) / 1000)})\n`)
  }
}

export function formatSeconds(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?'
  if (seconds < 60) return `${seconds.toFixed(1)} s`
  const minutes = Math.floor(seconds / 60)
  return `${minutes} min ${Math.round(seconds % 60)} s`
}
