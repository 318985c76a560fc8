import { createEventCatalogue, defineEvent, type EventOf, reservations } from '@qi/contracts'
import { SqliteEventStore } from '@qi/eventstore/sqlite'
import fc from 'fast-check'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { handleCommand } from './command-handler'
import type { Decider } from './decider'
import { ConflictError, ForbiddenError, NotFoundError, RuleViolationError } from './errors'
import { claimsOf, type Reservation, reserveKeys } from './reservations'

// Vehicles (stream per vehicle) with a plate number that must be unique across vehicles.
const Registered = defineEvent({
  type: 'TestVehicleRegistered',
  context: 'test',
  description: 'a vehicle was registered with a plate',
  schema: z.object({ vehicleId: z.string(), plate: z.string() }),
})
const Scrapped = defineEvent({
  type: 'TestVehicleScrapped',
  context: 'test',
  description: 'a vehicle was scrapped',
  schema: z.object({ vehicleId: z.string() }),
})
type Event = EventOf<typeof Registered> | EventOf<typeof Scrapped>
type Command = { kind: 'register'; vehicleId: string; plate: string } | { kind: 'scrap'; vehicleId: string }
type State = { plate: string | null; scrapped: boolean }

const vehicles: Decider<Command, Event, State> = {
  initialState: () => ({ plate: null, scrapped: false }),
  evolve: (state, event) =>
    event.type === 'TestVehicleRegistered'
      ? { ...state, plate: event.data.plate }
      : { ...state, scrapped: true },
  decide: (command, state) => {
    if (command.kind === 'register') {
      if (state.plate !== null) throw new RuleViolationError('vehicle-unique', `${command.vehicleId} exists`)
      return [{ type: 'TestVehicleRegistered', data: { vehicleId: command.vehicleId, plate: command.plate } }]
    }
    if (state.plate === null) throw new NotFoundError('vehicle', command.vehicleId)
    return [{ type: 'TestVehicleScrapped', data: { vehicleId: command.vehicleId } }]
  },
}

const catalogue = createEventCatalogue([Registered, Scrapped, ...reservations.reservationEvents])
const plateKey = (plate: string) => reservations.keyStream('plate', plate)
const uniquePlate = (vehicleId: string, plate: string): Reservation => ({
  key: plateKey(plate),
  rule: 'plate-unique',
  holder: vehicleId,
  field: 'plate',
  refusal: (existing) => `plate ${plate} is on vehicle ${existing.holder}`,
})

let store: SqliteEventStore
beforeEach(() => {
  store = new SqliteEventStore()
})
afterEach(async () => store.close())

const register = (
  vehicleId: string,
  plate: string,
  options: { commandId?: string; org?: string; clock?: () => number } = {},
) =>
  handleCommand({
    store,
    catalogue,
    decider: vehicles,
    streamName: `vehicle-${vehicleId}`,
    command: { kind: 'register', vehicleId, plate },
    context: {
      actor: 'u1',
      org: options.org ?? 'org-1',
      occurredAt: '2025-03-01',
      commandId: options.commandId,
    },
    reservations: [uniquePlate(vehicleId, plate)],
    ...(options.clock ? { clock: options.clock } : {}),
  })

const scrap = (vehicleId: string, plate: string) =>
  handleCommand({
    store,
    catalogue,
    decider: vehicles,
    streamName: `vehicle-${vehicleId}`,
    command: { kind: 'scrap', vehicleId },
    context: { actor: 'u1', org: 'org-1', occurredAt: '2025-03-02' },
    releases: (state) => (state.scrapped ? [{ key: plateKey(plate), holder: vehicleId }] : []),
  })

async function registeredWith(plate: string) {
  const all = await store.readAll()
  return all.filter(
    (e) => e.type === 'TestVehicleRegistered' && (e.data as { plate: string }).plate === plate,
  )
}

describe('reservations: a key stream per uniqueness key, claimed before the append', () => {
  it('of N concurrent commands claiming one key, exactly one succeeds (fast-check, fixed seed)', async () => {
    let trial = 0
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 2, max: 6 }), async (contenders) => {
        trial += 1
        const plate = `P-${trial}`
        const outcomes = await Promise.allSettled(
          Array.from({ length: contenders }, (_, i) => register(`v${trial}-${i}`, plate)),
        )
        const ok = outcomes.filter((o) => o.status === 'fulfilled')
        const refused = outcomes.filter((o) => o.status === 'rejected') as PromiseRejectedResult[]
        expect(ok).toHaveLength(1)
        for (const r of refused)
          expect(r.reason).toSatisfy((e) => e instanceof RuleViolationError || e instanceof ConflictError)
        expect(await registeredWith(plate)).toHaveLength(1)
      }),
      { seed: 20261127, numRuns: 50, verbose: true },
    )
  })

  it('names the rule, the holder and the field when the key is taken', async () => {
    await register('car-1', 'E-001')
    const error = await register('car-2', 'E-001').catch((e: unknown) => e)
    expect(error).toBeInstanceOf(RuleViolationError)
    expect(error).toMatchObject({ rule: 'plate-unique', item: 'car-1', field: 'plate' })
    expect((error as Error).message).toBe('plate E-001 is on vehicle car-1')
  })

  it('a command refused by its decider gives its claim back', async () => {
    await register('car-1', 'E-001')
    // car-1 exists: the decider refuses, so the claim on E-002 is released and car-3 can take it.
    await expect(register('car-1', 'E-002')).rejects.toThrow(RuleViolationError)
    expect(claimsOf(await store.readStream(plateKey('E-002')))).toMatchObject([{ released: 'refused' }])
    await expect(register('car-3', 'E-002')).resolves.toMatchObject({ duplicate: false })
  })

  it('a retried command finds its own claim and completes (process died between the two appends)', async () => {
    // The first attempt reserved and then died before appending to its stream.
    await reserveKeys(reservationContext('cmd-crash-01'), [uniquePlate('car-1', 'E-001')])
    // A rival meanwhile is told to try again (the claim is pending and recent), not refused.
    await expect(register('car-2', 'E-001')).rejects.toThrow(ConflictError)
    const retry = await register('car-1', 'E-001', { commandId: 'cmd-crash-01' })
    expect(retry.events.map((e) => e.type)).toEqual(['TestVehicleRegistered'])
    expect(
      claimsOf(await store.readStream(plateKey('E-001'))).filter((c) => c.released === null),
    ).toHaveLength(1)
    await expect(register('car-2', 'E-001')).rejects.toThrow(RuleViolationError)
  })

  it('an orphaned claim (its command never wrote, older than the grace period) is released', async () => {
    await reserveKeys(reservationContext('cmd-crash-02'), [uniquePlate('car-1', 'E-001')])
    const anHourLater = () => Date.now() + 60 * 60_000
    const taken = await register('car-2', 'E-001', { clock: anHourLater })
    expect(taken.events.map((e) => e.type)).toEqual(['TestVehicleRegistered'])
    const claims = claimsOf(await store.readStream(plateKey('E-001')))
    expect(claims.map((c) => [c.holder, c.released])).toEqual([
      ['car-1', 'orphaned'],
      ['car-2', null],
    ])
  })

  it('a holder that ended releases its key', async () => {
    await register('car-1', 'E-001')
    await scrap('car-1', 'E-001')
    await expect(register('car-2', 'E-001')).resolves.toMatchObject({ duplicate: false })
  })

  it('keys held for a period conflict only when the periods overlap', async () => {
    const licence = (holder: string, from: string, to: string, commandId: string) =>
      handleCommand({
        store,
        catalogue,
        decider: vehicles,
        streamName: `vehicle-${holder}`,
        command: { kind: 'register', vehicleId: holder, plate: 'slot' },
        context: { actor: 'u1', org: 'org-1', occurredAt: from, commandId },
        reservations: [{ ...uniquePlate(holder, 'slot'), validity: { from, to } }],
      })
    await licence('a', '2020-01-01', '2023-01-01', 'cmd-period-a')
    await expect(licence('b', '2022-06-01', '2025-01-01', 'cmd-period-b')).rejects.toThrow(RuleViolationError)
    await expect(licence('c', '2023-01-01', '2026-01-01', 'cmd-period-c')).resolves.toBeDefined()
  })
})

describe('commandId is scoped to the organisation', () => {
  it('another organisation resending a commandId is refused, never shown the first result', async () => {
    await register('car-1', 'E-001', { commandId: 'cmd-shared-01', org: 'org-1' })
    const foreign = await register('car-1', 'E-001', { commandId: 'cmd-shared-01', org: 'org-2' }).catch(
      (e: unknown) => e,
    )
    expect(foreign).toBeInstanceOf(ForbiddenError)
    expect((foreign as Error).message).toMatch(/another organisation; send a new commandId/)
    // The same organisation's retry still returns its first result.
    await expect(
      register('car-1', 'E-001', { commandId: 'cmd-shared-01', org: 'org-1' }),
    ).resolves.toMatchObject({ duplicate: true })
  })
})

function reservationContext(commandId: string) {
  return {
    store,
    commandId,
    org: 'org-1',
    holderStream: 'vehicle-car-1',
    metadata: (schemaVersion: number) => ({
      schemaVersion,
      actor: 'u1',
      org: 'org-1',
      correlationId: commandId,
      causationId: null,
      commandId,
      occurredAt: '2025-03-01',
    }),
    encode: (type: string, data: unknown) => catalogue.encode(type, data),
    now: Date.now,
    orphanAfterMs: 5 * 60_000,
    maxRetries: 20,
  }
}
