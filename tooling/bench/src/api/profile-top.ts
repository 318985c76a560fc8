/**
 * Prints the top frames of a V8 CPU profile (node --cpu-prof; `BENCH_CPU_PROF=<dir> pnpm bench:api`
 * writes the API server's): self time per function, and inclusive time per function.
 * Usage: tsx src/api/profile-top.ts <file.cpuprofile> [count]
 */
import { frameTimes, printShares, readProfile } from './cpu-profile'

const [file, countArg] = process.argv.slice(2)
if (!file) throw new Error('usage: profile-top.ts <file.cpuprofile> [count]')
const count = Number(countArg ?? 25)
const { self, inclusive, total } = frameTimes(readProfile(file))
printShares('self time', self, total, count)
printShares('inclusive time', inclusive, total, count)
