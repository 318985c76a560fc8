import { amendment, grant, LAB_A, REGULATOR, startNode } from './esdb-node'

/**
 * A second API process for the two-process race test: connects to the EventStoreDB server given in
 * argv, then answers each message `{ kind, trial, no }` by sending that command and replying with
 * its outcome, so the parent can fire the same trial from both processes at once.
 */
type Message = { kind: 'grant' | 'amend'; trial: string; no: string } | { kind: 'stop' }

const node = await startNode(process.argv[2]!)
process.send?.({ ready: true })
process.on('message', async (message: Message) => {
  if (message.kind === 'stop') {
    await node.close()
    process.exit(0)
  }
  try {
    if (message.kind === 'grant') {
      await node.industrialization(REGULATOR).grantProductionLicence(grant(message.trial, message.no))
    } else {
      await node.testing(LAB_A).amendReport(amendment(message.trial, message.no))
    }
    process.send?.({ trial: message.trial, ok: true })
  } catch (error) {
    process.send?.({
      trial: message.trial,
      ok: false,
      code: (error as { code?: string }).code ?? String(error),
    })
  }
})
