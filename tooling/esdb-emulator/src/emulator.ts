import { setMaxListeners } from 'node:events'
import { Server, ServerCredentials, type ServiceDefinition } from '@grpc/grpc-js'
import { MAX_APPEND_BYTES } from '@qi/eventstore'
import { EmulatorBackend } from './backend'
import { serverFeaturesGrpc, serverFeaturesPb, streamsGrpc } from './protocol'
import { streamsService } from './streams-service'

export interface EmulatorOptions {
  /** TCP port on 127.0.0.1; 0 (the default) picks a free one. */
  port?: number
  host?: string
  /** SQLite file for the events; ':memory:' (the default) keeps them in memory. */
  path?: string
  /** The server's maximum append size; EventStoreDB's default is 1 MiB. */
  maxAppendBytes?: number
  /**
   * Advertise Streams.BatchAppend through ServerFeatures (the default, as current servers do).
   * When false the client falls back to Streams.Append, the older per-append RPC.
   */
  advertiseBatchAppend?: boolean
  /** Live subscriptions re-read at least this often even without a commit signal (ms). */
  pollIntervalMs?: number
}

export interface RunningEmulator {
  /** For `EventStoreDBClient.connectionString`. */
  connectionString: string
  port: number
  stop(): Promise<void>
}

/** The version the emulator reports; the client only uses it for diagnostics. */
const EMULATED_SERVER_VERSION = '24.10.0-qi-emulator'
const STREAMS_SERVICE = 'event_store.client.streams.Streams'

function supportedMethods(advertiseBatchAppend: boolean) {
  const methods: Array<[service: string, method: string, features: string[]]> = [
    [STREAMS_SERVICE, 'read', []],
    [STREAMS_SERVICE, 'append', []],
    [STREAMS_SERVICE, 'delete', []],
    [STREAMS_SERVICE, 'tombstone', []],
    ['event_store.client.server_features.ServerFeatures', 'getsupportedmethods', []],
  ]
  if (advertiseBatchAppend) methods.push([STREAMS_SERVICE, 'batchappend', []])
  const response = new serverFeaturesPb.SupportedMethods()
  response.setEventStoreServerVersion(EMULATED_SERVER_VERSION)
  response.setMethodsList(
    methods.map(([service, method, features]) => {
      const supported = new serverFeaturesPb.SupportedMethod()
      supported.setServiceName(service)
      supported.setMethodName(method)
      supported.setFeaturesList(features)
      return supported
    }),
  )
  return response
}

/** Starts an EventStoreDB-compatible gRPC endpoint (single node, no TLS) over a SqliteEventStore. */
export async function startEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  const host = options.host ?? '127.0.0.1'
  const backend = new EmulatorBackend(options.path ?? ':memory:')
  const shutdown = new AbortController()
  // Every open call (read, subscription, append) listens for shutdown: more than Node's default 10.
  setMaxListeners(0, shutdown.signal)
  const server = new Server({
    // Appends up to the 1 MiB limit plus protobuf framing must reach the handler, so the handler
    // (not the transport) reports MaximumAppendSizeExceeded, as the real server does.
    'grpc.max_receive_message_length': 64 * 1024 * 1024,
    'grpc.max_send_message_length': 64 * 1024 * 1024,
  })
  server.addService(
    streamsGrpc.StreamsService as unknown as ServiceDefinition,
    streamsService(
      backend,
      {
        maxAppendBytes: options.maxAppendBytes ?? MAX_APPEND_BYTES,
        pollIntervalMs: options.pollIntervalMs ?? 500,
        defaultMaxSearchWindow: 32,
      },
      shutdown.signal,
    ),
  )
  const features = supportedMethods(options.advertiseBatchAppend ?? true)
  server.addService(serverFeaturesGrpc.ServerFeaturesService as unknown as ServiceDefinition, {
    getSupportedMethods: (_call: unknown, callback: (error: null, value: typeof features) => void) =>
      callback(null, features),
  })
  const port = await new Promise<number>((resolve, reject) => {
    server.bindAsync(
      `${host}:${options.port ?? 0}`,
      ServerCredentials.createInsecure(),
      (error, boundPort) => (error ? reject(error) : resolve(boundPort)),
    )
  })
  let stopped: Promise<void> | undefined
  return {
    connectionString: `esdb://${host}:${port}?tls=false`,
    port,
    stop() {
      stopped ??= (async () => {
        shutdown.abort()
        // Subscriptions and BatchAppend streams are ended by `shutdown`; a client that keeps a
        // call open anyway must not keep stop() waiting forever.
        await new Promise<void>((resolve) => {
          const force = setTimeout(() => {
            server.forceShutdown()
            resolve()
          }, 5_000)
          server.tryShutdown(() => {
            clearTimeout(force)
            resolve()
          })
        })
        await backend.close()
      })()
      return stopped
    },
  }
}
