import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { loadConfig } from './config'

/**
 * The deploy/ example cannot run here (no Docker engine), and no YAML parser is a dependency of the
 * workspace, so this reads the compose file as text and checks what the replica test relies on:
 * one policy owner, one data volume per replica, settings the API accepts and documents, and a
 * proxy that sends to every replica.
 */
const root = join(import.meta.dirname, '..', '..', '..')
const compose = readFileSync(join(root, 'deploy', 'docker-compose.yml'), 'utf8')
const caddyfile = readFileSync(join(root, 'deploy', 'Caddyfile'), 'utf8')
const readme = readFileSync(join(root, 'README.md'), 'utf8')

/** The lines of one top-level-indented block (`  name:` up to the next line at that indent or less). */
function block(name: string, indent = 2): string[] {
  const lines = compose.split('\n')
  const head = `${' '.repeat(indent)}${name}:`
  const start = lines.findIndex((line) => line === head || line.startsWith(`${head} `))
  if (start < 0) throw new Error(`no block '${name}' in docker-compose.yml`)
  const body: string[] = []
  for (const line of lines.slice(start + 1)) {
    if (line.trim() !== '' && line.length - line.trimStart().length <= indent) break
    body.push(line)
  }
  return body
}

/** `KEY: value` pairs of an environment block (quotes removed, comments skipped). */
function variables(lines: string[]): Record<string, string> {
  const pairs = lines
    .map((line) => /^\s+([A-Z][A-Z0-9_]+):\s*(.*)$/.exec(line))
    .filter((match): match is RegExpExecArray => match !== null)
    .map(([, key, value]) => [key!, value!.replace(/^"(.*)"$/, '$1')] as const)
  return Object.fromEntries(pairs)
}

const apiServices = ['api-1', 'api-2', 'api-3']

describe('the deploy/ example', () => {
  it('runs the policies and timers on exactly one of the three API replicas', () => {
    const policies = apiServices.map((service) => variables(block(service)).QI_POLICIES)
    expect(policies.filter((p) => p === 'owner')).toHaveLength(1)
    expect(policies.filter((p) => p === 'off')).toHaveLength(apiServices.length - 1)
  })

  it('gives every replica its own data volume and the KurrentDB cluster three nodes', () => {
    const volumes = apiServices.map((service) =>
      block(service)
        .map((line) => /volumes: \[([\w-]+):\/data\]/.exec(line)?.[1])
        .find(Boolean),
    )
    expect(new Set(volumes).size).toBe(apiServices.length)
    expect(variables(block('x-kurrentdb', 0)).KURRENTDB_CLUSTER_SIZE).toBe('3')
    for (const node of ['kurrentdb-1', 'kurrentdb-2', 'kurrentdb-3'])
      expect(block(node).length).toBeGreaterThan(0)
  })

  it('sets API settings that the configuration accepts and the README documents', () => {
    for (const service of apiServices) {
      const env = { ...variables(block('x-api', 0)), ...variables(block(service)) }
      expect(() => loadConfig(env)).not.toThrow()
      for (const key of Object.keys(env)) expect(readme).toContain(`| \`${key}\` |`)
    }
  })

  it('puts every replica behind the proxy', () => {
    const addresses = apiServices.map(
      (service) =>
        block(service)
          .map((line) => /ipv4_address: ([\d.]+)/.exec(line)?.[1])
          .find(Boolean)!,
    )
    const upstreams = /reverse_proxy ([^{]+)\{/.exec(caddyfile)?.[1]?.trim().split(/\s+/)
    expect(upstreams).toEqual(addresses.map((address) => `${address}:3000`))
    const proxy = block('proxy')
      .map((line) => /ipv4_address: ([\d.]+)/.exec(line)?.[1])
      .find(Boolean)
    expect(variables(block('x-api', 0)).QI_TRUST_PROXY).toBe(proxy)
  })
})
