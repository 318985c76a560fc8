import { describe, expect, it } from 'vitest'
import { ConfigError, loadConfig } from './config'

describe('configuration', () => {
  it('has defaults that start the platform on loopback with the embedded store', () => {
    const config = loadConfig({})
    expect(config).toMatchObject({
      PORT: 3000,
      HOST: '127.0.0.1',
      QI_DURABILITY: 'normal',
      QI_LOG_LEVEL: 'info',
      QI_DEMO: '1',
      QI_POLICIES: 'owner',
    })
    expect(config.EVENTSTORE_CONNECTION_STRING).toBeUndefined()
    expect(config.QI_DATA_DIR).toMatch(/data$/)
  })

  it('reads and normalises given values', () => {
    const config = loadConfig({
      PORT: '8080',
      QI_DATA_DIR: '/tmp/qi/',
      QI_PUBLIC_URL: 'https://qi.example.org/',
      EVENTSTORE_CONNECTION_STRING: 'esdb://localhost:2113?tls=false',
      QI_DURABILITY: 'full',
      QI_POLICIES: 'off',
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318',
    })
    expect(config).toMatchObject({
      PORT: 8080,
      QI_DATA_DIR: '/tmp/qi',
      QI_PUBLIC_URL: 'https://qi.example.org',
      QI_DURABILITY: 'full',
      QI_POLICIES: 'off',
    })
  })

  it('names every bad variable, its value and what is expected', () => {
    let error: unknown
    try {
      loadConfig({
        PORT: 'eighty',
        QI_DURABILITY: 'fsync',
        QI_PUBLIC_URL: 'qi.example.org',
        QI_LOG_LEVEL: 'loud',
        EVENTSTORE_CONNECTION_STRING: 'localhost:2113',
        QI_POLICIES: 'leader',
      })
    } catch (e) {
      error = e
    }
    expect(error).toBeInstanceOf(ConfigError)
    const problems = (error as ConfigError).problems
    expect(problems).toEqual([
      'PORT="eighty": expected a port number',
      "QI_DURABILITY=\"fsync\": expected 'normal' or 'full'",
      'EVENTSTORE_CONNECTION_STRING="localhost:2113": expected esdb://host:port?tls=… (or kurrentdb://)',
      'QI_PUBLIC_URL="qi.example.org": expected the public base URL, e.g. https://qi.example.org',
      'QI_LOG_LEVEL="loud": expected fatal, error, warn, info, debug, trace or silent',
      `QI_POLICIES="leader": expected 'owner' (this process runs the policies and timers) or 'off'`,
    ])
    expect(() => loadConfig({ PORT: '70000' })).toThrow(/PORT="70000": expected a port from 0 to 65535/)
  })
})
