import { accreditation } from '@qi/contracts'
import type { Decider } from '@qi/decider'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { commandData, commandProcedure } from './command-procedure'
import { actorOf, startTestPlatform, type TestPlatform } from './testing'
import { createCallerFactory, router } from './trpc'

type Register = {
  type: 'RegisterLab'
  data: ReturnType<typeof commandData<{ labId: string; commandId?: string }>>
}
type Registered = { type: 'LabRegistered'; data: unknown }

/** Registers a lab once: the smallest decider whose event the catalogue knows. */
const registerDecider: Decider<Register, Registered, boolean> = {
  initialState: () => false,
  evolve: () => true,
  decide: (command, registered) => (registered ? [] : [{ type: 'LabRegistered', data: command.data }]),
}

const calls: string[] = []
const testRouter = router({
  register: commandProcedure({
    roles: ['lab', 'regulator'],
    input: accreditation.RegisterLab,
    decider: registerDecider,
    stream: (input) => accreditation.labStream(input.labId),
    authorize: (input) => {
      calls.push(`authorize ${input.labId}`)
    },
    owner: {
      roles: ['lab'],
      org: (input) => input.labId,
      refusal: (actor, input) => `${actor.org} may not register ${input.labId}`,
    },
    command: (input) => {
      calls.push('command')
      return { type: 'RegisterLab', data: commandData(input) }
    },
    occurredAt: () => '2024-01-01',
  }),
})

const lab = {
  labId: 'LAB-1',
  name: 'Lab one',
  kind: 'testing_lab' as const,
  region: 'Wuhan',
  centreLevel: 'provincial' as const,
}

let platform: TestPlatform
beforeEach(async () => {
  calls.length = 0
  platform = await startTestPlatform({ projections: [], today: '2024-01-02' })
})
afterEach(() => platform.close())

const callerAs = (actor: ReturnType<typeof actorOf>) =>
  createCallerFactory(testRouter)(platform.context(actor))

describe('commandProcedure', () => {
  it('keeps the declared roles in meta.access, as rolesProcedure does', () => {
    expect(testRouter._def.procedures.register._def.meta).toEqual({
      access: { kind: 'roles', roles: ['lab', 'regulator'] },
    })
  })

  it('refuses a role not declared', async () => {
    await expect(callerAs(actorOf('enterprise', 'LAB-1')).register(lab)).rejects.toMatchObject({
      code: 'FORBIDDEN',
    })
  })

  it('applies the owner rule to its roles only, after authorize and before the command is built', async () => {
    await expect(callerAs(actorOf('lab', 'LAB-2')).register(lab)).rejects.toMatchObject({
      code: 'FORBIDDEN',
      message: 'LAB-2 may not register LAB-1',
    })
    expect(calls).toEqual(['authorize LAB-1'])
    const result = await callerAs(actorOf('regulator', 'SAMR')).register(lab)
    expect(result).toMatchObject({ streamName: 'lab-LAB-1', duplicate: false, events: ['LabRegistered'] })
  })

  it('appends with the declared business time and the input commandId (a retry is a duplicate)', async () => {
    const input = { ...lab, commandId: 'cmd-register-lab-1' }
    const first = await callerAs(actorOf('lab', 'LAB-1')).register(input)
    const again = await callerAs(actorOf('lab', 'LAB-1')).register(input)
    expect(again).toEqual({ ...first, duplicate: true })
    const [event] = await platform.store.readStream('lab-LAB-1')
    expect(event?.metadata).toMatchObject({
      occurredAt: '2024-01-01',
      commandId: 'cmd-register-lab-1',
      org: 'LAB-1',
    })
    expect(event?.data).not.toHaveProperty('commandId')
  })
})
