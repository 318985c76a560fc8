import { type Actor, createCallerFactory } from '@qi/trpc'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { Platform } from './platform'
import { appRouter } from './root'

const admin: Actor = { userId: 'root', org: 'admin', orgName: 'Admin', role: 'admin' }
const lab: Actor = { userId: 'u1', org: 'L1', orgName: 'Lab 1', role: 'lab' }
const regulator: Actor = { userId: 'r1', org: 'REG', orgName: 'Regulator', role: 'regulator' }
const createCaller = createCallerFactory(appRouter)

describe('event browser and projection admin', () => {
  let platform: Platform
  const caller = (actor: Actor | null) =>
    createCaller({ actor, invalidApiKey: false, requestId: 't', deps: platform })

  beforeEach(async () => {
    platform = await Platform.start()
    await platform.store.appendToStream('lab-L1', [
      { type: 'LabRegistered', data: { n: 1 } },
      { type: 'LabAccredited', data: { n: 2 } },
    ])
    await platform.store.appendToStream('standard-GB 1-2020', [{ type: 'StandardDrafted', data: { n: 3 } }])
  })
  afterEach(async () => {
    await platform.close()
  })

  it('tells a signed-in caller who they are and refuses the public', async () => {
    expect(await caller(lab).system.whoami()).toEqual(lab)
    await expect(caller(null).system.whoami()).rejects.toMatchObject({ code: 'UNAUTHORIZED' })
  })

  it('lists streams, newest first, and reads one with data and metadata', async () => {
    const head = (await platform.store.headPosition())!
    const streams = await caller(regulator).system.events.streams({ minPosition: head })
    expect(streams.map((s) => [s.name, s.events, s.lastType])).toEqual([
      ['standard-GB 1-2020', 1, 'StandardDrafted'],
      ['lab-L1', 2, 'LabAccredited'],
    ])
    const byName = await caller(regulator).system.events.streams({ sort: 'name' })
    expect(byName.map((s) => s.name)).toEqual(['lab-L1', 'standard-GB 1-2020'])
    const longest = await caller(regulator).system.events.streams({ sort: 'events', search: ' ＧＢ ' })
    expect(longest.map((s) => s.name)).toEqual(['standard-GB 1-2020'])
    expect((await caller(regulator).system.events.streams({ sort: 'events' }))[0]?.name).toBe('lab-L1')
    const labs = await caller(regulator).system.events.streams({ category: 'lab' })
    expect(labs.map((s) => s.name)).toEqual(['lab-L1'])
    const events = await caller(regulator).system.events.stream({ streamName: 'lab-L1' })
    expect(events.map((e) => [e.revision, e.type, e.data])).toEqual([
      [0n, 'LabRegistered', { n: 1 }],
      [1n, 'LabAccredited', { n: 2 }],
    ])
    await expect(caller(regulator).system.events.stream({ streamName: 'lab-nope' })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    })
  })

  it('pages $all newest first and tails it after a position', async () => {
    const newest = await caller(regulator).system.events.all({ limit: 2 })
    expect(newest.map((e) => e.type)).toEqual(['StandardDrafted', 'LabAccredited'])
    const tail = await caller(regulator).system.events.all({
      direction: 'forwards',
      after: newest[1]!.position,
    })
    expect(tail.map((e) => e.type)).toEqual(['StandardDrafted'])
    const nothingNew = await caller(regulator).system.events.all({
      direction: 'forwards',
      after: newest[0]!.position,
    })
    expect(nothingNew).toEqual([])
    const typed = await caller(regulator).system.events.all({ typePrefix: 'Lab' })
    expect(typed.map((e) => e.type)).toEqual(['LabAccredited', 'LabRegistered'])
  })

  it('lets only an admin start a projection rebuild, which keeps serving and then switches', async () => {
    await expect(caller(lab).system.projections.rebuild({ name: 'store-stats' })).rejects.toMatchObject({
      code: 'FORBIDDEN',
    })
    await expect(caller(admin).system.projections.rebuild({ name: 'nope' })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    })
    const generation = platform.runner('store-stats').status().generation
    expect(await caller(admin).system.projections.rebuild({ name: 'store-stats' })).toEqual({
      started: true,
      reason: null,
    })
    await expect
      .poll(() => platform.runner('store-stats').status().generation, { timeout: 30_000 })
      .toBe(generation + 1)
    const stats = await caller(null).system.store.stats()
    expect(stats.eventCount).toBe(3)
  })

  it('refuses the event browser to anonymous callers', async () => {
    await expect(caller(null).system.events.all({})).rejects.toMatchObject({ code: 'UNAUTHORIZED' })
  })

  it('lets only the regulator and admin read the raw event log', async () => {
    for (const read of [
      () => caller(lab).system.events.all({}),
      () => caller(lab).system.events.streams({}),
      () => caller(lab).system.events.stream({ streamName: 'lab-L1' }),
    ]) {
      await expect(read()).rejects.toMatchObject({ code: 'FORBIDDEN' })
    }
    expect(await caller(admin).system.events.all({ limit: 1 })).toHaveLength(1)
  })
})
