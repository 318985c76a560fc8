// profile-top.ts restricted to a window (ms since the profile started, e.g. from issue-report-cpu.ts).
// Usage: tsx src/api/profile-window.ts <file.cpuprofile> <fromMs> <toMs> [count] [name filter regex]
import { frameTimes, printShares, readProfile } from './cpu-profile'

const [file, fromArg, toArg, countArg, filterArg] = process.argv.slice(2)
if (!file || !fromArg || !toArg)
  throw new Error('usage: profile-window.ts <file.cpuprofile> <fromMs> <toMs> [count] [name filter regex]')
const { self, inclusive, total } = frameTimes(readProfile(file), Number(fromArg), Number(toArg))
const filter = filterArg ? new RegExp(filterArg) : undefined
printShares('self', self, total, Number(countArg ?? 40), filter)
printShares('inclusive', inclusive, total, Number(countArg ?? 40), filter)
