import type { AllStreamSubscription, ResolvedEvent, StreamSubscription } from '@eventstore/db-client'
import type { RecordedEvent, Subscription } from '../types'

type ClientSubscription = StreamSubscription | AllStreamSubscription

/** Events buffered before the client's stream is paused; resumed below the low-water mark. */
const HIGH_WATER = 1024
const LOW_WATER = 256

/**
 * Turns the client's push-style subscription (a Node stream of ResolvedEvent) into the port's
 * pull-style Subscription. The client's stream never ends after `unsubscribe()` (the cancelled gRPC
 * call is swallowed), so `close()` must end a pending `next()` itself.
 */
export class EsdbSubscription implements Subscription {
  private readonly buffer: RecordedEvent[] = []
  private head = 0
  private failure: unknown = null
  private ended = false
  private closed = false
  private wake: (() => void) | null = null
  private readonly closeListeners: Array<() => void> = []

  constructor(
    private readonly source: ClientSubscription,
    toRecorded: (resolved: ResolvedEvent) => RecordedEvent | null,
    mapError: (error: unknown) => unknown,
  ) {
    source.on('data', (resolved: ResolvedEvent) => {
      try {
        const event = toRecorded(resolved)
        if (event) {
          this.buffer.push(event)
          if (this.buffer.length - this.head >= HIGH_WATER) source.pause()
        }
      } catch (error) {
        // Thrown inside a stream listener it would be an uncaught exception; the reader gets it instead.
        this.failure = error
        source.pause()
      }
      this.signal()
    })
    source.on('error', (error: unknown) => {
      this.failure = mapError(error)
      this.signal()
    })
    source.on('end', () => {
      this.ended = true
      this.signal()
    })
  }

  onClose(listener: () => void) {
    this.closeListeners.push(listener)
  }

  private signal() {
    const wake = this.wake
    this.wake = null
    wake?.()
  }

  async close(): Promise<void> {
    if (this.closed) return
    this.closed = true
    this.signal()
    for (const listener of this.closeListeners) listener()
    await this.source.unsubscribe()
  }

  private take(): RecordedEvent | undefined {
    if (this.head >= this.buffer.length) return undefined
    const event = this.buffer[this.head]
    this.head += 1
    if (this.head > 4096) {
      this.buffer.splice(0, this.head)
      this.head = 0
    }
    if (this.source.isPaused() && this.buffer.length - this.head <= LOW_WATER) this.source.resume()
    return event
  }

  async *[Symbol.asyncIterator](): AsyncIterator<RecordedEvent> {
    try {
      while (!this.closed) {
        const event = this.take()
        if (event) {
          yield event
          continue
        }
        if (this.failure) throw this.failure
        if (this.ended) return
        await new Promise<void>((resolve) => {
          this.wake = resolve
        })
      }
    } finally {
      await this.close()
    }
  }
}
