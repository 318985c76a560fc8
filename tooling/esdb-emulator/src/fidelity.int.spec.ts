import { randomUUID } from 'node:crypto'
import {
  type AppendResult,
  binaryEvent,
  CancelledError,
  DeadlineExceededError,
  EventStoreDBClient,
  eventTypeFilter,
  jsonEvent,
  type ResolvedEvent,
  StreamNotFoundError,
  streamNameFilter,
  UnavailableError,
  WrongExpectedVersionError,
} from '@eventstore/db-client'
import { credentials, Metadata, type ServiceError, status } from '@grpc/grpc-js'
import { StoreClosedError } from '@qi/eventstore'
import { EsdbEventStore } from '@qi/eventstore/esdb'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type RunningEmulator, startEmulator } from './emulator'
import { sharedPb, streamsGrpc, streamsPb } from './protocol'

/*
 * Where the emulator (and the adapter over it) must behave as a real EventStoreDB/KurrentDB server
 * does: shutdown, deadlines, deletion of missing streams, stream-metadata truncation, link resolution,
 * and closing the adapter under load. Tests never assert on timing; every wait is bounded and generous.
 */
const WAIT_MS = 60_000

function within<T>(promise: Promise<T>, what: string, ms = WAIT_MS): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not happen within ${ms} ms`)), ms)
  })
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer))
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise
  } catch (error) {
    return error
  }
  throw new Error('expected the operation to fail, but it succeeded')
}

async function unhandledRejectionsDuring(body: () => Promise<void>): Promise<unknown[]> {
  const seen: unknown[] = []
  const listener = (reason: unknown) => seen.push(reason)
  process.on('unhandledRejection', listener)
  try {
    await body()
    for (let turn = 0; turn < 5; turn++) await new Promise((resolve) => setTimeout(resolve, 20))
  } finally {
    process.off('unhandledRejection', listener)
  }
  return seen
}

const stream = () => `f-${randomUUID()}`

async function readAllOf(client: EventStoreDBClient, name: string, options = {}) {
  const events: ResolvedEvent[] = []
  for await (const resolved of client.readStream(name, options)) events.push(resolved)
  return events
}

describe('shutdown (deviation 2): clients get UNAVAILABLE and never hang', () => {
  it('fails an open BatchAppend call UNAVAILABLE: appends in flight settle, none is left unanswered', async () => {
    const server = await startEmulator()
    const client = EventStoreDBClient.connectionString(server.connectionString)
    try {
      const name = stream()
      await client.appendToStream(name, jsonEvent({ type: 'Open', data: {} }))
      // Fewer than 16: more would hit the client's own unhandled rejections (see the adapter test below).
      const appends = Array.from({ length: 10 }, (_, i) =>
        client.appendToStream(name, jsonEvent({ type: 'DuringStop', data: { i } })),
      )
      const stopped = server.stop()
      const settled = await within(Promise.allSettled(appends), 'every append in flight to settle', 30_000)
      await stopped
      for (const outcome of settled) {
        if (outcome.status === 'rejected') {
          expect(
            outcome.reason instanceof UnavailableError || outcome.reason instanceof CancelledError,
            String(outcome.reason),
          ).toBe(true)
        }
      }
    } finally {
      await client.dispose()
      await server.stop()
    }
  })

  it('answers a classic Append still streaming its events UNAVAILABLE (not CANCELLED)', async () => {
    const server = await startEmulator({ advertiseBatchAppend: false })
    const raw = new streamsGrpc.StreamsClient(`127.0.0.1:${server.port}`, credentials.createInsecure())
    try {
      const outcome = new Promise<ServiceError | null>((resolve) => {
        const call = raw.append(new Metadata(), (error) => resolve(error))
        const options = new streamsPb.AppendReq.Options()
        const identifier = new sharedPb.StreamIdentifier()
        identifier.setStreamName(Buffer.from(stream()))
        options.setStreamIdentifier(identifier)
        options.setAny(new sharedPb.Empty())
        const request = new streamsPb.AppendReq()
        request.setOptions(options)
        call.write(request)
        // The call stays open: its events are "still streaming" when the server stops.
      })
      // A round trip on the same connection after the append's first message: the server has the call.
      await within(
        new Promise<void>((resolve) => {
          const read = new streamsPb.ReadReq()
          const readOptions = new streamsPb.ReadReq.Options()
          const streamOptions = new streamsPb.ReadReq.Options.StreamOptions()
          const identifier = new sharedPb.StreamIdentifier()
          identifier.setStreamName(Buffer.from(stream()))
          streamOptions.setStreamIdentifier(identifier)
          streamOptions.setStart(new sharedPb.Empty())
          readOptions.setStream(streamOptions)
          readOptions.setCount('1')
          readOptions.setReadDirection(streamsPb.ReadReq.Options.ReadDirection.FORWARDS)
          readOptions.setNoFilter(new sharedPb.Empty())
          const uuid = new streamsPb.ReadReq.Options.UUIDOption()
          uuid.setString(new sharedPb.Empty())
          readOptions.setUuidOption(uuid)
          read.setOptions(readOptions)
          const call = raw.read(read)
          call.on('data', () => {})
          call.on('error', () => resolve())
          call.on('end', () => resolve())
        }),
        'a read on the same connection',
      )
      await server.stop()
      const error = await within(outcome, 'the append to be answered')
      expect(error?.code).toBe(status.UNAVAILABLE)
    } finally {
      raw.close()
      await server.stop()
    }
  })

  it('fails a live subscription UNAVAILABLE instead of ending it as if complete', async () => {
    const server = await startEmulator()
    const client = EventStoreDBClient.connectionString(server.connectionString)
    try {
      const name = stream()
      await client.appendToStream(name, jsonEvent({ type: 'A', data: {} }))
      const subscription = client.subscribeToStream(name)
      const ended = new Promise<unknown>((resolve) => {
        subscription.on('error', (error) => resolve(error))
        subscription.on('end', () => resolve('ended cleanly'))
      })
      await within(
        new Promise<void>((resolve) => subscription.once('data', () => resolve())),
        'the first event',
      )
      await server.stop()
      const outcome = await within(ended, 'the subscription to stop')
      expect(outcome).toBeInstanceOf(UnavailableError)
    } finally {
      await client.dispose()
      await server.stop()
    }
  })

  it('through the adapter: 100 appends in flight when the server stops all settle, no unhandled rejection', async () => {
    const server = await startEmulator()
    const store = new EsdbEventStore({ connectionString: server.connectionString })
    let settled: PromiseSettledResult<AppendResult | unknown>[] = []
    const unhandled = await unhandledRejectionsDuring(async () => {
      await store.appendToStream(stream(), [{ type: 'Open', data: {} }])
      const appends = Array.from({ length: 100 }, (_, i) =>
        store.appendToStream(`f-stop-${i % 5}`, [{ type: 'DuringStop', data: { i } }]),
      )
      const stopped = server.stop()
      settled = await within(Promise.allSettled(appends), 'every append to settle', 30_000)
      await stopped
      await store.close()
    })
    expect(unhandled).toEqual([])
    expect(settled).toHaveLength(100)
  })
})

describe('the adapter closing (deviation 1)', () => {
  let server: RunningEmulator
  beforeAll(async () => {
    server = await startEmulator()
  })
  afterAll(async () => {
    await server?.stop()
  })

  it('closing one store does not fail the appends of another store in the same process', async () => {
    const closing = new EsdbEventStore({ connectionString: server.connectionString })
    const busy = new EsdbEventStore({ connectionString: server.connectionString })
    try {
      await closing.appendToStream(stream(), [{ type: 'Open', data: {} }])
      await busy.appendToStream(stream(), [{ type: 'Open', data: {} }])
      const name = stream()
      const appends = Array.from({ length: 100 }, (_, i) =>
        busy.appendToStream(name, [{ type: 'Busy', data: { i } }]),
      )
      await closing.close()
      const settled = await within(Promise.allSettled(appends), 'the other store to finish')
      expect(settled.filter((r) => r.status === 'rejected').map((r) => String(r.reason))).toEqual([])
      expect(await busy.readStream(name)).toHaveLength(100)
    } finally {
      await busy.close()
      await closing.close()
    }
  })
})

describe('deadlines (deviation 6)', () => {
  let server: RunningEmulator
  let client: EventStoreDBClient
  beforeAll(async () => {
    server = await startEmulator()
    client = EventStoreDBClient.connectionString(server.connectionString)
  })
  afterAll(async () => {
    await client?.dispose()
    await server?.stop()
  })

  it('refuses a BatchAppend whose deadline has passed with DeadlineExceededError and writes nothing', async () => {
    const name = stream()
    // 30,000 events take far longer than 1 ms to encode and send, whatever the machine's load.
    const events = Array.from({ length: 30_000 }, (_, i) => jsonEvent({ type: 'Late', data: { i } }))
    const error = await rejection(client.appendToStream(name, events, { deadline: 1 }))
    expect(error).toBeInstanceOf(DeadlineExceededError)
    expect(await rejection(readAllOf(client, name))).toBeInstanceOf(StreamNotFoundError)
    // The call is still usable for the next append.
    const ok = await client.appendToStream(name, jsonEvent({ type: 'OnTime', data: {} }))
    expect(ok.nextExpectedRevision).toBe(0n)
  })
})

describe('server semantics', () => {
  let server: RunningEmulator
  let client: EventStoreDBClient
  beforeAll(async () => {
    server = await startEmulator()
    client = EventStoreDBClient.connectionString(server.connectionString)
  })
  afterAll(async () => {
    await client?.dispose()
    await server?.stop()
  })

  it('deviation 3: deleting a never-written stream is WrongExpectedVersion with any and no_stream', async () => {
    for (const expectedRevision of ['any', 'no_stream'] as const) {
      const error = await rejection(client.deleteStream(stream(), { expectedRevision }))
      expect(error).toBeInstanceOf(WrongExpectedVersionError)
    }
    // Tombstoning one is accepted.
    await client.tombstoneStream(stream(), { expectedRevision: 'no_stream' })
  })

  describe('deviation 4: $maxCount, $tb and $maxAge truncate reads of the stream, not $all', () => {
    async function twenty() {
      const name = stream()
      await client.appendToStream(
        name,
        Array.from({ length: 20 }, (_, i) => jsonEvent({ type: 'E', data: { i } })),
      )
      return name
    }
    const revisions = (events: ResolvedEvent[]) => events.map((e) => e.event?.revision)

    it('$maxCount keeps the last N events in forwards, backwards and subscription reads', async () => {
      const name = await twenty()
      await client.setStreamMetadata(name, { maxCount: 2 })
      expect(revisions(await readAllOf(client, name))).toEqual([18n, 19n])
      expect(
        revisions(await readAllOf(client, name, { direction: 'backwards', fromRevision: 'end' })),
      ).toEqual([19n, 18n])
      expect(revisions(await readAllOf(client, name, { fromRevision: 3n, maxCount: 1 }))).toEqual([18n])
      const subscription = client.subscribeToStream(name)
      const first = await within(
        new Promise<ResolvedEvent>((resolve) => subscription.once('data', resolve)),
        'the first event',
      )
      await subscription.unsubscribe()
      expect(first.event?.revision).toBe(18n)
      // Appending moves the window.
      await client.appendToStream(name, jsonEvent({ type: 'E', data: { i: 20 } }))
      expect(revisions(await readAllOf(client, name))).toEqual([19n, 20n])
    })

    it('$tb hides the events before it', async () => {
      const name = await twenty()
      await client.setStreamMetadata(name, { truncateBefore: 15 })
      expect(revisions(await readAllOf(client, name))).toEqual([15n, 16n, 17n, 18n, 19n])
      expect(await readAllOf(client, name, { direction: 'backwards', fromRevision: 10n })).toEqual([])
    })

    it('$maxAge hides events older than it, evaluated at read time', async () => {
      const name = await twenty()
      // Waiting makes the events strictly older than one second, however loaded the machine.
      await new Promise((resolve) => setTimeout(resolve, 1_200))
      await client.setStreamMetadata(name, { maxAge: 1 })
      expect(await readAllOf(client, name)).toEqual([])
      await client.setStreamMetadata(name, { maxAge: 3600 })
      expect(await readAllOf(client, name)).toHaveLength(20)
    })

    it('$all keeps truncated events (as the server does until a scavenge)', async () => {
      const name = await twenty()
      await client.setStreamMetadata(name, { maxCount: 2 })
      const inAll: bigint[] = []
      for await (const resolved of client.readAll({ fromPosition: 'start', maxCount: 100_000 })) {
        if (resolved.event?.streamId === name) inAll.push(resolved.event.revision)
      }
      expect(inAll).toHaveLength(20)
    })
  })

  describe('deviation 5: link events ($>) resolve with resolveLinkTos', () => {
    async function linked() {
      const target = stream()
      const links = stream()
      await client.appendToStream(target, [
        jsonEvent({ type: 'Target0', data: { n: 0 } }),
        jsonEvent({ type: 'Target1', data: { n: 1 } }),
      ])
      await client.appendToStream(links, [
        binaryEvent({ type: '$>', data: Buffer.from(`1@${target}`) }),
        binaryEvent({ type: '$>', data: Buffer.from(`7@${target}`) }),
      ])
      return { target, links }
    }

    it('a stream read with resolveLinkTos gives the target as event and the link as link', async () => {
      const { target, links } = await linked()
      const [resolved, dangling] = await readAllOf(client, links, { resolveLinkTos: true })
      expect(resolved?.event?.streamId).toBe(target)
      expect(resolved?.event?.type).toBe('Target1')
      expect(resolved?.event?.revision).toBe(1n)
      expect(resolved?.event?.data).toEqual({ n: 1 })
      expect(resolved?.link?.type).toBe('$>')
      expect(resolved?.link?.streamId).toBe(links)
      expect(resolved?.link?.revision).toBe(0n)
      // A link to an event that does not exist arrives as the link alone.
      expect(dangling?.event).toBeUndefined()
      expect(dangling?.link?.revision).toBe(1n)
    })

    it('without resolveLinkTos the link event reads back as itself', async () => {
      const { links } = await linked()
      const [plain] = await readAllOf(client, links)
      expect(plain?.event?.type).toBe('$>')
      expect(plain?.link).toBeUndefined()
    })

    it('$all reads and subscriptions resolve links too', async () => {
      const { target, links } = await linked()
      const fromAll: ResolvedEvent[] = []
      for await (const resolved of client.readAll({ resolveLinkTos: true, maxCount: 100_000 })) {
        if (resolved.link?.streamId === links) fromAll.push(resolved)
      }
      expect(fromAll.map((r) => r.event?.type)).toEqual(['Target1', undefined])
      expect(fromAll[0]?.event?.streamId).toBe(target)
      const subscription = client.subscribeToStream(links, { resolveLinkTos: true })
      const first = await within(
        new Promise<ResolvedEvent>((resolve) => subscription.once('data', resolve)),
        'the first link',
      )
      await subscription.unsubscribe()
      expect(first.event?.type).toBe('Target1')
      expect(first.link?.streamId).toBe(links)
    })
  })
})

describe('system events in $all', () => {
  it('stream metadata and soft deletes are $metadata events in $all; the adapter never shows them', async () => {
    const server = await startEmulator()
    const client = EventStoreDBClient.connectionString(server.connectionString)
    const store = new EsdbEventStore({ connectionString: server.connectionString })
    try {
      const name = stream()
      await client.appendToStream(name, [
        jsonEvent({ type: 'A', data: {} }),
        jsonEvent({ type: 'B', data: {} }),
      ])
      await client.setStreamMetadata(name, { custom: 'kept' })
      const deleted = await client.deleteStream(name)
      const records: ResolvedEvent[] = []
      for await (const resolved of client.readAll({ maxCount: 100 })) records.push(resolved)
      const system = records.filter((r) => r.event?.streamId === `$$${name}`)
      expect(system.map((r) => r.event?.type)).toEqual(['$metadata', '$metadata'])
      // The soft delete keeps the other keys and truncates before the next revision, as the server does.
      expect(system[1]?.event?.data).toEqual({ custom: 'kept', $tb: 2 })
      expect(deleted.position?.commit).toBe(system[1]?.event?.position?.commit)
      // Through the port: the last user event is B, whatever system records follow it.
      const [b] = await store.readAll({ direction: 'backwards', maxCount: 1 })
      expect([b?.streamName, b?.type]).toEqual([name, 'B'])
      expect(await store.headPosition()).toBe(b?.position)
    } finally {
      await store.close()
      await client.dispose()
      await server.stop()
    }
  })
})

describe('checks from the client suite the port cannot express', () => {
  let server: RunningEmulator
  let client: EventStoreDBClient
  beforeAll(async () => {
    server = await startEmulator()
    client = EventStoreDBClient.connectionString(server.connectionString)
  })
  afterAll(async () => {
    await client?.dispose()
    await server?.stop()
  })

  it('keeps binary data and custom metadata byte-exact, JSON or not', async () => {
    const name = stream()
    const bytes = Uint8Array.from({ length: 256 }, (_, i) => i)
    const notJson = Buffer.from('{"almost": json', 'utf8')
    await client.appendToStream(name, [
      binaryEvent({ type: 'Bytes', data: bytes, metadata: Uint8Array.from([0, 255, 10, 13]) }),
      binaryEvent({ type: 'NotJson', data: notJson }),
    ])
    const [first, second] = await readAllOf(client, name)
    expect(Buffer.from(first!.event!.data as Uint8Array)).toEqual(Buffer.from(bytes))
    expect(first!.event!.isJson).toBe(false)
    expect(Buffer.from(first!.event!.metadata as Uint8Array)).toEqual(Buffer.from([0, 255, 10, 13]))
    expect(Buffer.from(second!.event!.data as Uint8Array)).toEqual(notJson)
  })

  it('applies regex filters to $all subscriptions, on stream names and event types', async () => {
    const tag = randomUUID().slice(0, 8)
    await client.appendToStream(`rx-${tag}-keep-1`, jsonEvent({ type: `Rx${tag}Kept`, data: {} }))
    await client.appendToStream(`rx-${tag}-drop-1`, jsonEvent({ type: `Rx${tag}Dropped`, data: {} }))
    await client.appendToStream(`rx-${tag}-keep-2`, jsonEvent({ type: `Rx${tag}Kept`, data: {} }))
    const collect = async (filter: Parameters<EventStoreDBClient['subscribeToAll']>[0]) => {
      const subscription = client.subscribeToAll(filter)
      const seen: string[] = []
      await within(
        new Promise<void>((resolve) => {
          subscription.on('data', (resolved) => {
            seen.push(resolved.event!.streamId)
            if (seen.length === 2) resolve()
          })
        }),
        'two matching events',
      )
      await subscription.unsubscribe()
      return seen
    }
    const byStream = await collect({ filter: streamNameFilter({ regex: `^rx-${tag}-keep-\\d$` }) })
    expect(byStream).toEqual([`rx-${tag}-keep-1`, `rx-${tag}-keep-2`])
    const byType = await collect({ filter: eventTypeFilter({ regex: `^Rx${tag}K` }) })
    expect(byType).toEqual([`rx-${tag}-keep-1`, `rx-${tag}-keep-2`])
  })
})

describe('the adapter closing when it cannot wait (deviation 1)', () => {
  it('with a close timeout too short to drain, whatever was cut off rejects with StoreClosedError', async () => {
    const server = await startEmulator()
    const store = new EsdbEventStore({ connectionString: server.connectionString, closeTimeoutMs: 1 })
    try {
      const name = stream()
      await store.appendToStream(name, [{ type: 'Open', data: {} }])
      let settled: PromiseSettledResult<unknown>[] = []
      const unhandled = await unhandledRejectionsDuring(async () => {
        const work: Promise<unknown>[] = Array.from({ length: 100 }, (_, i) =>
          store.appendToStream(name, [{ type: 'Cut', data: { i } }]),
        )
        work.push(store.readAll(), store.readStream(name))
        await store.close()
        settled = await within(Promise.allSettled(work), 'every operation to settle')
      })
      expect(unhandled).toEqual([])
      // Each one either finished before the close gave up, or failed typed: never the client's
      // untyped CANCELLED, never left hanging.
      const untyped = settled
        .filter((r): r is PromiseRejectedResult => r.status === 'rejected')
        .filter((r) => !(r.reason instanceof StoreClosedError))
        .map((r) => String(r.reason))
      expect(untyped).toEqual([])
    } finally {
      await store.close()
      await server.stop()
    }
  })
})
