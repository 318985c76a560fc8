import { randomUUID } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  AccessDeniedError,
  EventStoreDBClient,
  eventTypeFilter,
  jsonEvent,
  MaxAppendSizeExceededError,
  type Position,
  START,
  StreamDeletedError,
  StreamNotFoundError,
  WrongExpectedVersionError,
} from '@eventstore/db-client'
import { WrongExpectedVersionError as PortWrongExpectedVersionError } from '@qi/eventstore'
import { EsdbEventStore } from '@qi/eventstore/esdb'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type RunningEmulator, startEmulator } from './emulator'

/** Generous bound for anything asynchronous; tests never assert on timing. */
const WAIT_MS = 60_000

function within<T>(promise: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not happen within ${WAIT_MS} ms`)), WAIT_MS)
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

async function readTypes(client: EventStoreDBClient, streamName: string) {
  const types: string[] = []
  for await (const resolved of client.readStream(streamName)) types.push(resolved.event?.type ?? '?')
  return types
}

const stream = () => `p-${randomUUID()}`

describe('esdb emulator protocol', () => {
  let batchAppendServer: RunningEmulator
  let appendOnlyServer: RunningEmulator
  let client: EventStoreDBClient
  let appendOnlyClient: EventStoreDBClient

  beforeAll(async () => {
    batchAppendServer = await startEmulator()
    appendOnlyServer = await startEmulator({ advertiseBatchAppend: false })
    client = EventStoreDBClient.connectionString(batchAppendServer.connectionString)
    appendOnlyClient = EventStoreDBClient.connectionString(appendOnlyServer.connectionString)
  })

  afterAll(async () => {
    await client?.dispose()
    await appendOnlyClient?.dispose()
    await batchAppendServer?.stop()
    await appendOnlyServer?.stop()
  })

  describe('WrongExpectedVersion reaches the client typed, in each of its three encodings', () => {
    it('Append: the wrong_expected_version field of AppendResp', async () => {
      const name = stream()
      await appendOnlyClient.appendToStream(name, [
        jsonEvent({ type: 'A', data: {} }),
        jsonEvent({ type: 'B', data: {} }),
      ])
      const error = await rejection(
        appendOnlyClient.appendToStream(name, jsonEvent({ type: 'C', data: {} }), { expectedRevision: 0n }),
      )
      expect(error).toBeInstanceOf(WrongExpectedVersionError)
      expect((error as WrongExpectedVersionError).expectedVersion).toBe(0n)
      expect((error as WrongExpectedVersionError).actualVersion).toBe(1n)
      const missing = await rejection(
        appendOnlyClient.appendToStream(stream(), jsonEvent({ type: 'C', data: {} }), {
          expectedRevision: 'stream_exists',
        }),
      )
      expect((missing as WrongExpectedVersionError).expectedVersion).toBe('stream_exists')
      expect((missing as WrongExpectedVersionError).actualVersion).toBe('no_stream')
      expect(await readTypes(appendOnlyClient, name)).toEqual(['A', 'B'])
    })

    it('BatchAppend: a google.rpc.Status with WrongExpectedVersion details', async () => {
      const name = stream()
      await client.appendToStream(name, jsonEvent({ type: 'A', data: {} }))
      const error = await rejection(
        client.appendToStream(name, jsonEvent({ type: 'B', data: {} }), { expectedRevision: 'no_stream' }),
      )
      expect(error).toBeInstanceOf(WrongExpectedVersionError)
      expect((error as WrongExpectedVersionError).expectedVersion).toBe('no_stream')
      expect((error as WrongExpectedVersionError).actualVersion).toBe(0n)
      expect(await readTypes(client, name)).toEqual(['A'])
    })

    it('Delete and Tombstone: gRPC trailers (exception: wrong-expected-version)', async () => {
      const name = stream()
      await client.appendToStream(name, [
        jsonEvent({ type: 'A', data: {} }),
        jsonEvent({ type: 'B', data: {} }),
      ])
      const deleteError = await rejection(client.deleteStream(name, { expectedRevision: 0n }))
      expect(deleteError).toBeInstanceOf(WrongExpectedVersionError)
      expect((deleteError as WrongExpectedVersionError).expectedVersion).toBe(0n)
      expect((deleteError as WrongExpectedVersionError).actualVersion).toBe(1n)
      const tombstoneError = await rejection(client.tombstoneStream(name, { expectedRevision: 'no_stream' }))
      expect(tombstoneError).toBeInstanceOf(WrongExpectedVersionError)
      expect((tombstoneError as WrongExpectedVersionError).actualVersion).toBe(1n)
      expect(await readTypes(client, name)).toEqual(['A', 'B'])
    })

    it('each encoding becomes the port WrongExpectedVersionError through the adapter', async () => {
      for (const server of [batchAppendServer, appendOnlyServer]) {
        const store = new EsdbEventStore({ connectionString: server.connectionString })
        try {
          const name = stream()
          await store.appendToStream(name, [{ type: 'A', data: {} }])
          const appendError = await rejection(
            store.appendToStream(name, [{ type: 'B', data: {} }], { expectedRevision: 5n }),
          )
          expect(appendError).toBeInstanceOf(PortWrongExpectedVersionError)
          expect((appendError as PortWrongExpectedVersionError).actual).toBe(0n)
          const deleteError = await rejection(store.deleteStream(name, { expectedRevision: 5n }))
          expect(deleteError).toBeInstanceOf(PortWrongExpectedVersionError)
          expect((deleteError as PortWrongExpectedVersionError).expected).toBe(5n)
        } finally {
          await store.close()
        }
      }
    })
  })

  describe('filtered subscriptions', () => {
    it('send a checkpoint every checkpointInterval × maxSearchWindow scanned events, matching or not', async () => {
      const server = await startEmulator()
      const isolated = EventStoreDBClient.connectionString(server.connectionString)
      try {
        // Positions in a fresh emulator are 1..10; only two events match the filter.
        await isolated.appendToStream(
          stream(),
          Array.from({ length: 10 }, (_, i) =>
            jsonEvent({ type: i === 2 || i === 6 ? 'Keep' : 'Skip', data: { i } }),
          ),
        )
        const checkpoints: Position[] = []
        const delivered: number[] = []
        let finish!: () => void
        const seenAll = new Promise<void>((resolve) => {
          finish = resolve
        })
        const check = () => {
          if (checkpoints.length >= 2 && delivered.length >= 2) finish()
        }
        const subscription = isolated.subscribeToAll({
          fromPosition: START,
          filter: eventTypeFilter({
            prefixes: ['Keep'],
            maxSearchWindow: 2,
            checkpointInterval: 2,
            checkpointReached: (_subscription, position) => {
              checkpoints.push(position)
              check()
            },
          }),
        })
        // Consumed with 'data' rather than for-await: leaving a for-await loop destroys the client's
        // stream, and checkpoints arriving after the last wanted event would never be processed.
        subscription.on('data', (resolved) => {
          delivered.push((resolved.event?.data as { i?: number } | undefined)?.i ?? -1)
          check()
        })
        await within(seenAll, 'two events and two checkpoints')
        await subscription.unsubscribe()
        expect(delivered).toEqual([2, 6])
        expect(checkpoints.slice(0, 2)).toEqual([
          { commit: 4n, prepare: 4n },
          { commit: 8n, prepare: 8n },
        ])
      } finally {
        await isolated.dispose()
        await server.stop()
      }
    })

    it('confirm the subscription and report caught up once the history is delivered', async () => {
      const name = stream()
      await client.appendToStream(name, jsonEvent({ type: 'A', data: {} }))
      const subscription = client.subscribeToStream(name)
      const confirmed = new Promise<void>((resolve) => subscription.once('confirmation', () => resolve()))
      const caughtUp = new Promise<void>((resolve) => subscription.once('caughtUp', () => resolve()))
      const first = new Promise<string | undefined>((resolve) =>
        subscription.once('data', (resolved) => resolve(resolved.event?.type)),
      )
      expect(await within(first, 'the first event')).toBe('A')
      await within(Promise.all([confirmed, caughtUp]), 'confirmation and caught-up')
      await subscription.unsubscribe()
    })
  })

  describe('append size limit (1 MiB)', () => {
    const oversized = () => [
      jsonEvent({ type: 'Small', data: {} }),
      jsonEvent({ type: 'Big', data: { big: 'x'.repeat(1024 * 1024) } }),
    ]

    it('rejects an oversized BatchAppend with MaxAppendSizeExceededError and writes nothing', async () => {
      const name = stream()
      const error = await rejection(client.appendToStream(name, oversized()))
      expect(error).toBeInstanceOf(MaxAppendSizeExceededError)
      expect((error as MaxAppendSizeExceededError).maxAppendSize).toBe(1024 * 1024)
      expect(await rejection(readTypes(client, name))).toBeInstanceOf(StreamNotFoundError)
    })

    it('rejects an oversized Append with MaxAppendSizeExceededError and writes nothing', async () => {
      const name = stream()
      const error = await rejection(appendOnlyClient.appendToStream(name, oversized()))
      expect(error).toBeInstanceOf(MaxAppendSizeExceededError)
      expect((error as MaxAppendSizeExceededError).maxAppendSize).toBe(1024 * 1024)
      expect(await rejection(readTypes(appendOnlyClient, name))).toBeInstanceOf(StreamNotFoundError)
    })

    it('accepts an append just under the limit', async () => {
      const name = stream()
      const payload = 'y'.repeat(1024 * 1024 - 100)
      const result = await client.appendToStream(name, jsonEvent({ type: 'Large', data: payload }))
      expect(result.nextExpectedRevision).toBe(0n)
    })
  })

  describe('streams', () => {
    it('tombstone: appends and reads fail with StreamDeletedError (trailers)', async () => {
      const name = stream()
      await client.appendToStream(name, jsonEvent({ type: 'A', data: {} }))
      await client.tombstoneStream(name)
      expect(await rejection(readTypes(client, name))).toBeInstanceOf(StreamDeletedError)
      expect(await rejection(client.appendToStream(name, jsonEvent({ type: 'B', data: {} })))).toBeInstanceOf(
        StreamDeletedError,
      )
      expect(await rejection(client.tombstoneStream(name))).toBeInstanceOf(StreamDeletedError)
    })

    it('stores stream metadata in the $$ metastream and reads it back', async () => {
      const name = stream()
      await client.setStreamMetadata(name, { maxCount: 5, custom: 'kept' })
      const { metadata } = await client.getStreamMetadata(name)
      expect(metadata).toMatchObject({ maxCount: 5, custom: 'kept' })
      // (getStreamMetadata reports a commit position as `metastreamRevision`; read the revision directly.)
      const [latest] = await client
        .readStream(`$$${name}`, { direction: 'backwards', fromRevision: 'end', maxCount: 1 })
        .toArray()
      expect(latest?.event?.revision).toBe(0n)
      expect(latest?.event?.type).toBe('$metadata')
    })

    it('refuses writes to other system streams, on Append and on BatchAppend', async () => {
      for (const writer of [appendOnlyClient, client]) {
        const error = await rejection(writer.appendToStream('$system-x', jsonEvent({ type: 'A', data: {} })))
        expect(error).toBeInstanceOf(AccessDeniedError)
      }
    })
  })

  it('persists to a file: events survive a restart on the same path', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'esdb-emulator-'))
    const path = join(directory, 'events.sqlite')
    const name = stream()
    try {
      const first = await startEmulator({ path })
      const writer = EventStoreDBClient.connectionString(first.connectionString)
      await writer.appendToStream(name, [
        jsonEvent({ type: 'A', data: { n: 1 } }),
        jsonEvent({ type: 'B', data: { n: 2 } }),
      ])
      await writer.dispose()
      await first.stop()
      const second = await startEmulator({ path })
      const reader = EventStoreDBClient.connectionString(second.connectionString)
      expect(await readTypes(reader, name)).toEqual(['A', 'B'])
      await reader.dispose()
      await second.stop()
    } finally {
      rmSync(directory, { recursive: true, force: true })
    }
  })
})
