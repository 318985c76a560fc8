import { type ChildProcess, fork } from 'node:child_process'
import { join } from 'node:path'
import { type RunningEmulator, startEmulator } from '@qi/esdb-emulator'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { amendment, grant, LAB_A, type RaceNode, REGULATOR, report, seedWorld, startNode } from './esdb-node'

/*
 * The write-side invariants across two API nodes on one EventStoreDB (the project's emulator):
 * two connections in this process, and this process against a child process. The same trial is
 * fired from both at once; exactly one command may succeed, and the store must hold exactly one
 * licence / one amendment for it.
 */
const TRIALS = 100

let emulator: RunningEmulator
let a: RaceNode
let b: RaceNode
let child: ChildProcess
const replies = new Map<string, (reply: { ok: boolean; code?: string }) => void>()

function startChild(connectionString: string) {
  const process = fork(join(import.meta.dirname, 'race-node.ts'), [connectionString], {
    // `--import tsx` resolves from the working directory: the api package, which depends on tsx.
    cwd: join(import.meta.dirname, '..', '..'),
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  })
  const ready = new Promise<void>((resolve, reject) => {
    process.once('error', reject)
    process.once('exit', (code) => reject(new Error(`race node exited with ${code}`)))
    process.on('message', (message: { ready?: boolean; trial?: string; ok?: boolean; code?: string }) => {
      if (message.ready) resolve()
      else if (message.trial !== undefined)
        replies.get(message.trial)?.({ ok: message.ok!, code: message.code })
    })
  })
  return { process, ready }
}

/** Sends one command to the child process and resolves with its outcome (ok, or the error code). */
function inChild(kind: 'grant' | 'amend', trial: string, no: string) {
  return new Promise<{ ok: boolean; code?: string }>((resolve) => {
    replies.set(trial, resolve)
    child.send({ kind, trial, no })
  })
}

const outcome = (call: Promise<unknown>) =>
  call.then(
    () => ({ ok: true }),
    (error: { code?: string }) => ({ ok: false, code: error.code }),
  )

beforeAll(async () => {
  emulator = await startEmulator({ port: 0 })
  a = await startNode(emulator.connectionString)
  b = await startNode(emulator.connectionString)
  await seedWorld(a)
  for (const prefix of ['N', 'P']) {
    for (let trial = 0; trial < TRIALS; trial++) {
      await a
        .testing(LAB_A)
        .issueReport({ ...report(`${prefix}${trial}`), commandId: `issue-${prefix}${trial}` })
    }
  }
  const started = startChild(emulator.connectionString)
  child = started.process
  await started.ready
}, 300_000)

afterAll(async () => {
  if (child?.connected) {
    const exited = new Promise((resolve) => child.once('exit', resolve))
    child.send({ kind: 'stop' })
    await exited
  }
  await a?.close()
  await b?.close()
  await emulator?.stop()
}, 60_000)

/** Per trial: how many licences / amendments the store holds for it. */
async function recordedPerTrial(type: 'ProductionLicenceGranted' | 'TestReportAmended') {
  const counts = new Map<string, number>()
  for (const event of await a.store.readAll()) {
    if (event.type !== type) continue
    const data = event.data as { productCategory?: string; previousReportNo?: string }
    const trial =
      type === 'ProductionLicenceGranted' ? data.productCategory!.split(' ')[1]! : data.previousReportNo!
    counts.set(trial, (counts.get(trial) ?? 0) + 1)
  }
  return counts
}

function tally(
  trials: string[],
  outcomes: Array<Array<{ ok: boolean; code?: string }>>,
  recorded: Map<string, number>,
) {
  let exactlyOne = 0
  for (const [i, trial] of trials.entries()) {
    const pair = outcomes[i]!
    for (const o of pair) if (!o.ok) expect(['PRECONDITION_FAILED', 'CONFLICT']).toContain(o.code)
    if (pair.filter((o) => o.ok).length === 1 && recorded.get(trial) === 1) exactlyOne++
  }
  return exactlyOne
}

describe('write-side invariants across two API nodes on EventStoreDB (emulator)', () => {
  it(`two connections granting one slot: exactly one licence (${TRIALS} of ${TRIALS} trials)`, async () => {
    const trials: string[] = []
    const outcomes = []
    for (let i = 0; i < TRIALS; i++) {
      const trial = `x${i}`
      trials.push(trial)
      outcomes.push(
        await Promise.all([
          outcome(a.industrialization(REGULATOR).grantProductionLicence(grant(trial, `X${i}-1`))),
          outcome(b.industrialization(REGULATOR).grantProductionLicence(grant(trial, `X${i}-2`))),
        ]),
      )
    }
    expect(tally(trials, outcomes, await recordedPerTrial('ProductionLicenceGranted'))).toBe(TRIALS)
  })

  it(`two connections amending one report: exactly one successor (${TRIALS} of ${TRIALS} trials)`, async () => {
    const trials: string[] = []
    const outcomes = []
    for (let i = 0; i < TRIALS; i++) {
      const previous = `N${i}`
      trials.push(previous)
      outcomes.push(
        await Promise.all([
          outcome(a.testing(LAB_A).amendReport(amendment(previous, `${previous}-1`))),
          outcome(b.testing(LAB_A).amendReport(amendment(previous, `${previous}-2`))),
        ]),
      )
    }
    expect(tally(trials, outcomes, await recordedPerTrial('TestReportAmended'))).toBe(TRIALS)
  })

  it(`two processes granting one slot: exactly one licence (${TRIALS} of ${TRIALS} trials)`, async () => {
    const trials: string[] = []
    const outcomes = []
    for (let i = 0; i < TRIALS; i++) {
      const trial = `y${i}`
      trials.push(trial)
      outcomes.push(
        await Promise.all([
          outcome(a.industrialization(REGULATOR).grantProductionLicence(grant(trial, `Y${i}-1`))),
          inChild('grant', trial, `Y${i}-2`),
        ]),
      )
    }
    expect(tally(trials, outcomes, await recordedPerTrial('ProductionLicenceGranted'))).toBe(TRIALS)
  })

  it(`two processes amending one report: exactly one successor (${TRIALS} of ${TRIALS} trials)`, async () => {
    const trials: string[] = []
    const outcomes = []
    for (let i = 0; i < TRIALS; i++) {
      const previous = `P${i}`
      trials.push(previous)
      outcomes.push(
        await Promise.all([
          outcome(a.testing(LAB_A).amendReport(amendment(previous, `${previous}-1`))),
          inChild('amend', previous, `${previous}-2`),
        ]),
      )
    }
    expect(tally(trials, outcomes, await recordedPerTrial('TestReportAmended'))).toBe(TRIALS)
  })
})
